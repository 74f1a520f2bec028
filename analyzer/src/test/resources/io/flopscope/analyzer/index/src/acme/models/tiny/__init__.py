from .modeling_tiny import TinyBlock, TinyModel
