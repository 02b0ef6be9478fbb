"""gxbg_kit: Chinese government information disclosure annual reports as tidy, checked frames.

>>> import gxbg_kit as gx
>>> rep = gx.read_report("data/reports/000_a6689a29e53ae8de.txt")
>>> corpus = gx.load_corpus("data/reports")

Charts (``gx.plot``), metrics (``gx.analyse``) and the narrative tools
(``gx.narrative``, ``gx.tokenize``) load on first use.
"""
from importlib import import_module

from ._version import __version__
from .corpus import Corpus, load_corpus, load_manifest
from .data_dictionary import dictionary
from .errors import ReadError
from .report import Report, read_report
from .tidy import wide

_LAZY = {
    "plot": ("gxbg_kit.plot", None), "analyse": ("gxbg_kit.analyse", None),
    "narrative": ("gxbg_kit.narrative", None), "synth": ("gxbg_kit.synth", None),
    "testing": ("gxbg_kit.testing", None), "debug": ("gxbg_kit.debug", None),
    "tokenize": ("gxbg_kit.narrative", "tokenize"),
    "save_figure": ("gxbg_kit.figures", "save_figure"),
    "set_language": ("gxbg_kit.plot", "set_language"),
}

__all__ = ["Corpus", "ReadError", "Report", "dictionary", "load_corpus", "load_manifest",
           "read_report", "wide", *_LAZY]


def __getattr__(name):
    if name in _LAZY:
        module, attr = _LAZY[name]
        mod = import_module(module)
        return mod if attr is None else getattr(mod, attr)
    raise AttributeError(f"module 'gxbg_kit' has no attribute {name!r}")
