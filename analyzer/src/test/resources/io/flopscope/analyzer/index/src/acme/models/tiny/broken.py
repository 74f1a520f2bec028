from torch import nn


class Broken(nn.Module):
    def forward(self, x):
        y = x +
        return y


class StillHere(nn.Module):
    pass
