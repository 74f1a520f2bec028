# Lazy package without TYPE_CHECKING imports: names are only in _import_structure.
_import_structure = {"impl": ["LazyThing"]}
