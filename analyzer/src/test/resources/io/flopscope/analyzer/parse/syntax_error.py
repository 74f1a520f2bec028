import torch


class Net(nn.Module):
    def forward(self, x):
        y = x +
        return y

    def broken(self):
        z = foo(1, 2
        return z


def good(a, b):
    return a * b


class After:
    pass
