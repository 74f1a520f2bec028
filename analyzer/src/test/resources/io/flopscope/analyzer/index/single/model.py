import torch
import torch.nn as nn
from torch.nn import functional as F

from layers import Block


class GPT(nn.Module):
    def __init__(self, n_layer=2):
        super().__init__()
        self.blocks = nn.ModuleList([Block() for _ in range(n_layer)])

    def forward(self, idx):
        return F.softmax(idx, dim=-1)
