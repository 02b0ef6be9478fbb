"""nbval runs of the notebooks write their figures and tables to a temporary folder,
so running the tests never rewrites files of the repository: the notebooks' parameters
cells read FIGURES and TABLES from these variables (the in-place build clears them, and
``gxbg notebooks`` sets the parameters themselves with papermill)."""
import os
import tempfile

_OUT = tempfile.mkdtemp(prefix="gxbg-nbval-")
os.environ.setdefault("GXBG_FIGURES", os.path.join(_OUT, "figures"))
os.environ.setdefault("GXBG_TABLES", os.path.join(_OUT, "tables"))
