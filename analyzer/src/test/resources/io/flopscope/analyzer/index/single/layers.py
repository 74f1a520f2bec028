from torch import nn


class Block(nn.Module):
    pass


class GPT(nn.Module):
    """Same simple name as model.GPT: a single-file SOURCE only sees its own file."""
