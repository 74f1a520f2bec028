from .cycle_a import Loop
from .cycle_a import Looped


class SelfBase(SelfBase):
    pass


class Ping(Pong):
    pass


class Pong(Ping):
    pass
