from .cycle_b import Loop


class Looped(Loop):
    pass
