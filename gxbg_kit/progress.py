"""Progress feedback of :func:`gxbg_kit.load_corpus`: where a person is watching, and only there.

With ``progress=None`` (the default) a bar is shown when

- the environment variable ``GXBG_PROGRESS`` is not ``0``/``off``/``false``/``no``
  (``1``/``on``/``true``/``yes`` shows it wherever a person could see it, tiny
  corpora included; ``GXBG_PROGRESS=0`` turns it off everywhere);
- the corpus has at least :data:`MIN_FILES` files to parse (a handful load in a
  moment, and a bar would only flicker);
- and someone is watching: a terminal (standard error is a TTY), or a Jupyter
  cell run from a front end (JupyterLab, Notebook, VS Code). Cells run by nbval,
  papermill or ``jupyter nbconvert --execute`` are not watched: those runners send
  their cells with ``allow_stdin=False``, which a front end never does, so executed
  notebooks never hold a bar among their outputs.

In Jupyter the bar is tqdm's notebook widget when ipywidgets is installed, else one
plain line updated in place; both are removed when loading ends (no empty stderr box is
left behind). In a terminal it is tqdm's text bar on standard error, erased at the end.
``progress=True`` shows the bar in any case (a plain tqdm bar on standard error outside
Jupyter); ``progress=False`` never does.
"""
from __future__ import annotations

import os
import sys
import time
import warnings

#: the environment variable that turns the bar on (1) or off (0) everywhere
ENV = "GXBG_PROGRESS"
#: fewer files than this get no bar by default
MIN_FILES = 10
_ON = {"1", "on", "true", "yes"}
_OFF = {"0", "off", "false", "no"}


class NoBar:
    """What the loaders update when no bar is shown."""

    def update(self, n: int = 1) -> None:
        pass

    def close(self) -> None:
        pass


class LineBar:
    """One plain line in a Jupyter cell (``reports: 12/40 files``), updated in place
    through a display handle at most every ``every`` seconds and emptied on close."""

    def __init__(self, total: int, desc: str = "reports", every: float = 0.2):
        from IPython.display import display

        self.total, self.desc, self.every, self.n = total, desc, every, 0
        self._shown = time.monotonic()
        self._handle = display(self._bundle(), raw=True, display_id=True)

    def _bundle(self, text: str | None = None) -> dict:
        return {"text/plain": self.line() if text is None else text}

    def line(self) -> str:
        return f"{self.desc}: {self.n}/{self.total} files"

    def update(self, n: int = 1) -> None:
        self.n += n
        now = time.monotonic()
        if now - self._shown >= self.every or self.n >= self.total:
            self._shown = now
            self._handle.update(self._bundle(), raw=True)

    def close(self) -> None:
        self._handle.update(self._bundle(""), raw=True)


def _kernel():
    """The running IPython kernel, or None (a terminal, a script, a worker process)."""
    if "IPython" not in sys.modules:
        return None
    try:
        from IPython import get_ipython
    except ImportError:
        return None
    return getattr(get_ipython(), "kernel", None)


def watched_cell() -> bool:
    """True in a Jupyter cell run from a front end (JupyterLab, Notebook, VS Code):
    its execute request allows input. nbval, papermill and nbconvert (nbclient) send
    ``allow_stdin=False``; an unknown kernel counts as not watched."""
    kernel = _kernel()
    return kernel is not None and getattr(kernel, "_allow_stdin", False) is True


def _has_widgets() -> bool:
    try:
        import ipywidgets  # noqa: F401
    except ImportError:
        return False
    return True


def shown(total: int, progress: bool | None) -> bool:
    """Whether :func:`progress_bar` shows a bar for ``total`` files (see the module)."""
    if progress is not None:
        return bool(progress)
    env = os.environ.get(ENV, "").strip().lower()
    if env in _OFF:
        return False
    watched = watched_cell() if _kernel() is not None else sys.stderr.isatty()
    if env in _ON:
        return watched
    return watched and total >= MIN_FILES


def progress_bar(total: int, progress: bool | None, desc: str = "reports"):
    """A bar with ``update(n)`` and ``close()`` for ``total`` files: tqdm's notebook
    widget, a plain line (Jupyter without ipywidgets), tqdm's text bar (a terminal),
    or :class:`NoBar`."""
    if not shown(total, progress):
        return NoBar()
    if _kernel() is not None:
        if not _has_widgets():
            return LineBar(total, desc)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            from tqdm.notebook import tqdm
        return tqdm(total=total, desc=desc, unit="file", leave=False)
    from tqdm import tqdm

    return tqdm(total=total, desc=desc, unit="file", leave=False, file=sys.stderr)
