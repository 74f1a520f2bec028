from torch import nn


class NewGELU(nn.Module):
    def forward(self, x):
        return x


class ClassInstantier(dict):
    def __getitem__(self, key):
        return super().__getitem__(key)()


ACT2CLS = {"gelu_new": NewGELU, "relu": nn.ReLU}
ACT2FN = ClassInstantier(ACT2CLS)
