import torch.nn as nn


class Broken(nn.Module):
    def __init__(self, dim: int = 8):
        super().__init__()
        self.a = nn.Linear(dim, dim)

    def forward(self, x):
        x = self.a(x
        return x


class Fine(nn.Module):
    def __init__(self, dim: int = 8):
        super().__init__()
        self.a = nn.Linear(dim, dim)

    def forward(self, x):
        return self.a(x)
