"""Save figures reproducibly and keep a manifest of them.

:func:`save_figure` writes a figure as PNG, SVG and PDF into ``figures/``
without timestamps (so re-running a notebook on the same data gives
byte-identical SVG and PDF files, and PNG files that differ only if the
rendering does), and records it in ``figures/manifest.csv``: the figure's
name, the notebook that made it, its files and a fingerprint of the data
frames that fed the chart (:func:`data_fingerprint`).  A researcher can see
from the manifest which figures changed when the data changed.
"""
from __future__ import annotations

import csv
import hashlib
import io
import re
from collections.abc import Mapping, Sequence
from pathlib import Path

import pandas as pd

__all__ = ["save_figure", "data_fingerprint", "read_manifest", "MANIFEST", "FORMATS",
           "SAVE_DPI"]

MANIFEST = "manifest.csv"
MANIFEST_COLUMNS = ["figure", "notebook", "files", "data_fingerprint"]
FORMATS = ("png", "svg", "pdf")
SAVE_DPI = 150
#: metadata keys per format set to None, so no date (or other varying field) is written
_METADATA = {
    "png": {"Software": None},
    "svg": {"Date": None},
    "pdf": {"CreationDate": None, "ModDate": None, "Producer": None, "Creator": None},
}
_NAME = re.compile(r"^[A-Za-z0-9_.\-]+$")


def _frame_bytes(df: pd.DataFrame) -> bytes:
    """Deterministic bytes of a frame: columns, dtypes and row hashes, rows sorted."""
    df = df.reset_index(drop=True)
    df = df[sorted(df.columns, key=str)]
    try:
        df = df.sort_values(list(df.columns), kind="stable", na_position="last")
    except TypeError:  # unorderable values (e.g. lists): keep the given order
        pass
    head = "|".join(f"{c}:{df[c].dtype}" for c in df.columns).encode("utf-8")
    rows = pd.util.hash_pandas_object(df, index=False).to_numpy()
    return head + b"\n" + rows.tobytes()


def data_fingerprint(data) -> str:
    """A short SHA-256 fingerprint of the data behind a chart.

    ``data``: a DataFrame (or Series), a mapping of name → frame, or a
    sequence of frames; None gives "".  Rows are sorted and column order does
    not matter, so the same data gives the same fingerprint however it was
    built.  Returns the first 16 hex digits.
    """
    if data is None:
        return ""
    if isinstance(data, (pd.DataFrame, pd.Series)):
        items = [("", data)]
    elif isinstance(data, Mapping):
        items = sorted(((str(k), v) for k, v in data.items()), key=lambda kv: kv[0])
    elif isinstance(data, Sequence) and not isinstance(data, str):
        items = [(str(i), v) for i, v in enumerate(data)]
    else:
        raise TypeError("data must be a DataFrame, a mapping of frames or a sequence of frames")
    h = hashlib.sha256()
    for name, df in items:
        if isinstance(df, pd.Series):
            df = df.to_frame()
        if not isinstance(df, pd.DataFrame):
            raise TypeError(f"data item {name!r} is not a DataFrame")
        h.update(name.encode("utf-8") + b"\0")
        h.update(_frame_bytes(df))
        h.update(b"\0")
    return h.hexdigest()[:16]


def read_manifest(outdir: str | Path = "figures") -> pd.DataFrame:
    """The manifest of ``outdir`` as a frame (empty if there is none)."""
    path = Path(outdir) / MANIFEST
    if not path.exists():
        return pd.DataFrame({c: pd.Series(dtype="string") for c in MANIFEST_COLUMNS})
    df = pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8")
    return df.reindex(columns=MANIFEST_COLUMNS).fillna("").astype("string")


def _write_manifest(df: pd.DataFrame, outdir: Path) -> None:
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    writer.writerow(MANIFEST_COLUMNS)
    for row in df[MANIFEST_COLUMNS].itertuples(index=False):
        writer.writerow(["" if pd.isna(v) else str(v) for v in row])
    (outdir / MANIFEST).write_text(buf.getvalue(), encoding="utf-8", newline="")


def save_figure(fig, name: str, notebook: str | None = None, data=None,
                outdir: str | Path = "figures", formats: Sequence[str] = FORMATS,
                dpi: int = SAVE_DPI) -> list[Path]:
    """Write ``fig`` as ``outdir/name.{png,svg,pdf}`` and record it in the manifest.

    The files carry no creation date or other varying metadata and are saved
    under :func:`gxbg_kit.plot.style` (text as paths in SVG, TrueType fonts in
    PDF, SVG ids from a fixed ``svg.hashsalt``), so saving the same figure
    twice gives byte-identical SVG and PDF whatever the global rcParams.  The manifest row for
    ``name`` (figure, notebook, files, data_fingerprint) is added or replaced;
    rows stay sorted by figure name.  ``data`` is what fed the chart (see
    :func:`data_fingerprint`).  Returns the paths written.
    """
    if not _NAME.match(name):
        raise ValueError(f"figure name {name!r}: use letters, digits, '_', '-', '.' only")
    unknown = set(formats) - set(_METADATA)
    if unknown:
        raise ValueError(f"unsupported formats {sorted(unknown)}; use {list(_METADATA)}")
    import matplotlib

    from .plot import style

    outdir = Path(outdir)
    outdir.mkdir(parents=True, exist_ok=True)
    paths = []
    with matplotlib.rc_context({**style(), "svg.hashsalt": f"gxbg_kit:{name}"}):
        for fmt in formats:
            path = outdir / f"{name}.{fmt}"
            fig.savefig(path, format=fmt, dpi=dpi, metadata=dict(_METADATA[fmt]))
            paths.append(path)
    row = {"figure": name, "notebook": notebook or "", "files": ";".join(p.name for p in paths),
           "data_fingerprint": data_fingerprint(data)}
    manifest = read_manifest(outdir)
    manifest = manifest[manifest["figure"] != name]
    manifest = pd.concat([manifest, pd.DataFrame([row]).astype("string")], ignore_index=True)
    manifest = manifest.sort_values("figure", kind="stable").reset_index(drop=True)
    _write_manifest(manifest, outdir)
    return paths
