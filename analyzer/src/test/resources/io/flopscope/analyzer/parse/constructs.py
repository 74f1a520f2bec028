"""Every construct the converter models, one per line where possible (line numbers are asserted)."""
import torch.nn as nn, math
from ..pkg.sub import (helper as h, other)
from . import sibling
from typing import *
x = y = 1_000
a, b = f(*args, k=0x1F, **kw)
(p, q), *rest = t
n: int = 3
m: Optional[Tuple[torch.Tensor, ...]]
z += 2.5e-5
last = h[:, [-1], :]
tail = h[..., :n]
step = h[1:2:3], h[::2], h[i], h[1,]
names = a is not b and c not in d and e < g <= 10
flags = (True, False, None)
words = "a\tb" 'c' r"\d"
fs = f"{x!r:>3}" "tail"
big = 123456789012345678901234567890 + 0o17 + 0b101 + 1e-5
ops = -a + +b * ~c // d ** 2 @ w % 3 - (not e)
comp = [i * j for i in range(3) if i for j in x if j > 1]
gen = sum(v for v in x)
dc = {k: v for k, v in d.items()}
sc = {s for s in x}
dd = {"a": 1, **extra}
lam = lambda u, *vs, key=1, **kws: u
cond = a if b else c
if (walrus := len(x)) > 3:
    pass
elif x:
    pass
elif y:
    z = 0
else:
    z = 1
for i, j in zip(x, y):
    continue
else:
    pass
while x:
    break
else:
    pass
with open(p) as fh, lock:
    pass
try:
    pass
except (ValueError, KeyError) as err:
    raise RuntimeError("bad") from err
except Exception:
    raise
else:
    pass
finally:
    pass
assert x > 0, "positive"
del x[0], y
global gg


@decorator(1)
@other.thing
def func(self, a: int, /, b=2, *args: str, c, d: float = 1.0, **kwargs) -> "Out":
    """Docstring."""
    return a, b


class Model(nn.Module, metaclass=Meta):
    size: int = 4
    name = "m"

    def forward(self, x):
        return self.proj(x)
