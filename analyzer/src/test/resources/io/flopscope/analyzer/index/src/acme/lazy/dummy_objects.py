class DummyObject(type):
    pass


class LazyThing(metaclass=DummyObject):
    pass
