# A package __init__ in the lazy style: names listed in _import_structure, real imports only for type checkers.
from typing import TYPE_CHECKING

from .utils import is_torch_available

_import_structure = {
    "base": ["BaseModel", "PreTrained"],
    "models.tiny": ["TinyModel", "TinyBlock"],
}

if TYPE_CHECKING:
    from .base import BaseModel, PreTrained
    from .models.tiny import TinyModel, TinyBlock
else:
    import sys

    sys.modules[__name__] = object()
