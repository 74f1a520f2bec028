def get_logger(name):
    return name
