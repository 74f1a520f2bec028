from torch import nn


class NamespaceThing(nn.Module):
    pass
