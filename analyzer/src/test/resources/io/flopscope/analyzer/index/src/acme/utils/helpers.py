def helper():
    return 1


def _private_helper():
    return 2


class Registry(dict):
    pass
