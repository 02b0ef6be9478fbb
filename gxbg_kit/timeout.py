"""The per-file time limit in this process: SIGALRM, where the platform has it.

Below both :mod:`gxbg_kit.report` (``read_report``'s own ``timeout``) and
:mod:`gxbg_kit.parallel` (``load_corpus``'s limit per file when it parses in this
process); worker processes are stopped from outside instead (see ``parallel``).
"""
from __future__ import annotations

import signal
import threading
from contextlib import contextmanager


class Timeout(BaseException):  # not caught by parse_file's "except Exception"
    """Raised by :func:`alarm` when its time is up."""


@contextmanager
def alarm(seconds: float | None):
    """Best-effort timeout in this process (Unix main thread only): raise
    :class:`Timeout` in the block once ``seconds`` have passed. No limit when
    ``seconds`` is falsy or SIGALRM cannot be used here."""
    usable = (seconds and hasattr(signal, "SIGALRM")
              and threading.current_thread() is threading.main_thread())
    if not usable:
        yield
        return

    def handler(signum, frame):
        raise Timeout()

    old = signal.signal(signal.SIGALRM, handler)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, old)
