# Deliberately broken model code: each problem is marked with the diagnostic the analyzer must give.
import torch
import torch.nn as nn
import torch.nn.functional as F
from .does_not_exist import Helper  # an import that cannot be resolved
from mystery_package import MysteryBase  # a base class FlopScope cannot see


class Mixer(nn.Module):
    def __init__(self, dim: int):
        super().__init__()
        self.proj = nn.Linear(dim, dim)

    def forward(self, x):
        y = self.proj(x)
        z = torch.fft.fft(y)  # EXPECT: unanalysed: call to torch.fft.fft is not modelled
        return y


class Looper(nn.Module):
    def __init__(self, dim: int):
        super().__init__()
        self.proj = nn.Linear(dim, dim)

    def forward(self, x):
        while x.sum() > 0:  # EXPECT: unanalysed: while loop with a condition that cannot be decided statically
            x = self.proj(x)
        return self.proj(x)


class Odd(MysteryBase):
    def forward(self, x):
        return x


class Root(nn.Module):
    def __init__(self, vocab: int = 100, dim: int = 16):
        super().__init__()
        self.emb = nn.Embedding(vocab, dim)
        self.mixer = Mixer(dim)
        self.looper = Looper(dim)
        self.head = nn.Linear(dim, vocab, bias=False)

    def forward(self, idx):
        x = self.emb(idx)
        x = self.mixer(x)
        x = self.looper(x)
        return self.head(x)
