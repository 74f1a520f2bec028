from .helpers import *
from .logging_utils import get_logger as getLogger
from . import hub


def is_torch_available():
    return True
