from ...missing_module import something
from ....above_top import nothing
from ...base import NoSuchName
from ...utils import helper
import numpy as np
import acme.not_there


class Orphan(UnknownBase):
    pass


class AlsoOrphan(base_missing.Thing, np.ndarray):
    pass


class Dangling(PreTrainedX):
    pass
