"""The kit's version, in a module that imports nothing, so that every layer can read it
(the cache's fingerprint, the data package's provenance) without importing the package
root. ``pyproject.toml`` holds the same string (``tests/e2e/test_loud.py`` keeps them equal)."""

__version__ = "0.2.0"
