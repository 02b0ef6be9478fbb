"""Run the curated notebooks: on another corpus into an output folder, or in place.

``run_copies`` is ``gxbg notebooks --data DIR --out DIR``: papermill executes a copy of
each notebook with its ``parameters``-tagged cell overridden (``DATA``, ``LANG``,
``FIGURES``, ``TABLES``), and the executed copies, figures and tables are written to
the output folder only; the committed notebooks, ``figures/`` and ``build/`` are
never written. ``execute_in_place`` is the build (``scripts/run_notebooks.py``): it
re-executes a committed notebook on the sample corpus with nbclient and writes it back
only when every cell ran, with no timing metadata, so the same inputs give the same bytes.
"""
from __future__ import annotations

import os
from pathlib import Path

#: the names a notebook's ``parameters`` cell must assign for ``run_copies``
PARAMETERS = ("DATA", "LANG", "FIGURES", "TABLES")
#: environment variables the parameter cells read for their output folders (nbval's
#: conftest sets them to a temporary folder); the in-place build clears them
OUTPUT_VARIABLES = ("GXBG_FIGURES", "GXBG_TABLES")
#: seconds one cell may run
TIMEOUT = 900
LANGUAGES = ("zh", "en")


def default_source() -> Path:
    """The ``notebooks/`` folder of the checkout this package runs from."""
    return Path(__file__).resolve().parents[1] / "notebooks"


def notebook_paths(source: Path | str | None = None, names=()) -> list[Path]:
    """The notebooks of ``source`` (default :func:`default_source`) to run: every
    ``[0-9]*.ipynb`` in name order, or those named (``03``, ``03_outcome_mixes``,
    ``03_outcome_mixes.ipynb`` or a path). Raises ``FileNotFoundError`` saying what exists."""
    source = Path(source) if source is not None else default_source()
    if not source.is_dir():
        raise FileNotFoundError(f"no notebooks folder {source}: pass the notebooks/ folder of "
                                "a gxbg_kit checkout (--notebooks DIR)")
    available = sorted(source.glob("[0-9]*.ipynb"))
    if not names:
        if not available:
            raise FileNotFoundError(f"no notebooks ([0-9]*.ipynb) in {source}")
        return available
    chosen = []
    for name in names:
        path = Path(name)
        if path.suffix == ".ipynb" and path.is_file():
            chosen.append(path)
            continue
        hits = [p for p in available if p.name == name or p.stem == name
                or p.stem.split("_")[0] == name]
        if len(hits) != 1:
            raise FileNotFoundError(f"no notebook {name!r} in {source} (there are "
                                    + ", ".join(p.stem for p in available) + ")")
        chosen.append(hits[0])
    return chosen


def _inside(path: Path, folder: Path) -> bool:
    return path == folder or folder in path.parents


def check_folders(data: Path | str, out: Path | str, source: Path | str | None = None) -> tuple[Path, Path]:
    """``data`` and ``out`` resolved, or a ``ValueError``/``FileNotFoundError`` saying why
    not: ``data`` must be an existing folder; ``out`` may not lie inside ``data`` (the next
    notebook would read its figures as reports), nor inside the notebooks folder, the
    checkout's ``figures/`` or ``build/``, nor hold any of them."""
    from .corpus import _near_names

    data_path, out_path = Path(data).resolve(), Path(out).resolve()
    if not data_path.exists():
        near = _near_names(data)
        raise FileNotFoundError(f"no such data folder: {data}"
                                + (f" (did you mean {', '.join(near)}?)" if near else ""))
    if not data_path.is_dir():
        raise ValueError(f"--data must be a folder of reports, not a file: {data}")
    if _inside(out_path, data_path):
        raise ValueError(f"the output folder {out} is inside the data folder {data}: "
                         "its figures and tables would be read as reports")
    notebooks = (Path(source) if source is not None else default_source()).resolve()
    protected = (notebooks, notebooks.parent / "figures", notebooks.parent / "build")
    for folder in protected:
        if _inside(out_path, folder) or _inside(folder, out_path):
            where = "is inside" if _inside(out_path, folder) else "holds"
            raise ValueError(f"the output folder {out} {where} {folder}: the committed "
                             "notebooks, figures and build tables are rebuilt only by "
                             "scripts/run_notebooks.py; choose a folder outside them")
    return data_path, out_path


def missing_parameters(path: Path) -> list[str]:
    """The names of :data:`PARAMETERS` that ``path``'s ``parameters``-tagged cell does not
    assign (all of them when it has no such cell)."""
    import papermill

    found = papermill.inspect_notebook(str(path))
    return [name for name in PARAMETERS if name not in found]


def run_copies(data, out, *, lang: str | None = None, names=(), source=None,
               timeout: float = TIMEOUT, echo=None) -> dict[str, str | None]:
    """Execute copies of the notebooks on the reports in ``data``, writing
    ``out/<notebook>.ipynb``, ``out/figures`` and ``out/tables``.

    ``lang`` (``zh``/``en``) sets the chart labels (default: the notebook's). The
    kernel runs in ``out``. A notebook that fails does not stop the others; its copy
    holds the traceback. ``echo`` (e.g. ``print``) is told each notebook as it starts.
    Returns ``{notebook file name: None if it ran, else the error}``. Raises before
    running anything when the folders are wrong (:func:`check_folders`), a notebook
    is unknown, or a notebook's parameters cell lacks one of :data:`PARAMETERS`.
    """
    import papermill

    if lang is not None and lang not in LANGUAGES:
        raise ValueError(f"lang must be one of {', '.join(LANGUAGES)}, not {lang!r}")
    data, out = check_folders(data, out, source)
    paths = notebook_paths(source, names)
    for path in paths:
        if missing := missing_parameters(path):
            raise ValueError(f"{path.name} has no cell tagged 'parameters' assigning "
                             f"{', '.join(missing)}: run on another folder, it would write "
                             "its figures and tables where it was committed")
    parameters = {"DATA": str(data), "FIGURES": str(out / "figures"), "TABLES": str(out / "tables")}
    if lang is not None:
        parameters["LANG"] = lang
    out.mkdir(parents=True, exist_ok=True)
    results: dict[str, str | None] = {}
    for path in paths:
        target = out / path.name
        if echo is not None:
            echo(f"executing {path.name} -> {target}")
        try:
            papermill.execute_notebook(str(path), str(target), parameters=parameters, cwd=str(out),
                                       progress_bar=False, execution_timeout=timeout)
            results[path.name] = None
        except papermill.PapermillExecutionError as exc:
            results[path.name] = (f"cell [{exc.exec_count}] raised {exc.ename}: {exc.evalue} "
                                  f"(the traceback is in {target})")
    return results


def execute_in_place(path: Path | str, timeout: float = TIMEOUT) -> None:
    """Re-execute the notebook at ``path`` with its own parameters (in its folder) and
    write it back when every cell ran. Cells keep no ``execution`` timings and the
    kernel gets no :data:`OUTPUT_VARIABLES`, so figures and tables go where the
    notebook says (``../figures``, ``../build/tables``)."""
    import nbformat
    from nbclient import NotebookClient

    path = Path(path).resolve()
    nb = nbformat.read(path, as_version=4)
    client = NotebookClient(nb, timeout=timeout, kernel_name="python3", record_timing=False,
                            resources={"metadata": {"path": str(path.parent)}})
    env = {k: v for k, v in os.environ.items() if k not in OUTPUT_VARIABLES}
    client.execute(env=env)
    for cell in nb.cells:
        cell.metadata.pop("execution", None)
    nbformat.write(nb, path)
