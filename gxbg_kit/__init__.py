"""gxbg_kit: Chinese government information disclosure annual reports as tidy, checked frames.

>>> import gxbg_kit as gx
>>> rep = gx.read_report("data/reports/000_a6689a29e53ae8de.txt")
>>> corpus = gx.load_corpus("data/reports")
"""
from .corpus import Corpus, load_corpus, load_manifest
from .errors import ReadError
from .report import Report, read_report
from .schema import dictionary

__all__ = ["Corpus", "ReadError", "Report", "dictionary", "load_corpus", "load_manifest",
           "read_report"]
__version__ = "0.1.0"
