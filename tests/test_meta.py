"""Repository-level ratchets (issue 18): every test asserts visibly, the package's
imports follow the pipeline's layers without cycles, and no function is over 80 lines.

Each ratchet carries an explicit list of today's offenders, so it passes now and fails
on a new one. The lists are the to-do of the refactor: when an offender is fixed the
test still passes and warns that its entry can go (a stale entry hides nothing, but it
would let the offence come back unnoticed).
"""
from __future__ import annotations

import ast
import graphlib
import subprocess
import sys
import warnings
from functools import cache
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = ROOT / "gxbg_kit"
TESTS = ROOT / "tests"


def _hint(message: str) -> None:
    """A ratchet that loosened: pass, but say which entry to remove."""
    warnings.warn(message, UserWarning, stacklevel=2)


def _functions(tree: ast.AST, prefix: str = ""):
    """(qualified name, node) of every function, nested ones and methods included."""
    for node in ast.iter_child_nodes(tree):
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            yield prefix + node.name, node
            yield from _functions(node, f"{prefix}{node.name}.")
        elif isinstance(node, ast.ClassDef):
            yield from _functions(node, f"{prefix}{node.name}.")
        else:
            yield from _functions(node, prefix)


# --------------------------------------------------------------------------------------
# 1. Every test asserts visibly
# --------------------------------------------------------------------------------------
# A test shows that it checks something when its body (nested functions included) has
# an ``assert`` statement, a ``raise AssertionError``, a call of ``pytest.raises``,
# ``pytest.warns``, ``pytest.approx``, ``pytest.fail`` or ``pytest.deprecated_call``, a
# call of anything named ``assert…``/``_assert…`` (``np.testing.assert_allclose``,
# ``pd.testing.assert_frame_equal``, ``gxbg_kit.testing.assert_frames_match``, a helper
# of the tests), or a call of a helper named ``check…``/``_check…`` defined in tests/
# (the library's own ``checks.check_*`` return records and assert nothing). A test that
# checks only through a side effect (a warnings filter, a helper with another name, the
# process not being killed) is invisible to a reader and to this ratchet.

PYTEST_ASSERTIONS = {"raises", "warns", "approx", "fail", "deprecated_call"}

#: "<path under tests/>::<test>" -> why it has no visible assertion (the offenders allowed;
#: a helper that asserts is named assert_…)
ALLOWED_WITHOUT_ASSERTION: dict[str, str] = {
    # none left: test_plot's three (a warnings filter, the helper `same`) and
    # test_plot_scale's three (the helper `readable`) now assert visibly
}


def _test_files() -> list[Path]:
    return sorted(TESTS.rglob("test_*.py"))


@cache
def _check_helpers() -> frozenset[str]:
    """Names of the check… helpers defined anywhere in tests/."""
    names = set()
    for path in TESTS.rglob("*.py"):
        for name, _ in _functions(ast.parse(path.read_text(encoding="utf-8"))):
            leaf = name.rpartition(".")[2]
            if leaf.lstrip("_").startswith("check"):
                names.add(leaf)
    return frozenset(names)


def _called_name(call: ast.Call) -> str:
    f = call.func
    return f.attr if isinstance(f, ast.Attribute) else f.id if isinstance(f, ast.Name) else ""


def _is_assertion(node: ast.AST) -> bool:
    if isinstance(node, ast.Assert):
        return True
    if isinstance(node, ast.Raise) and node.exc is not None:
        exc = node.exc.func if isinstance(node.exc, ast.Call) else node.exc
        return isinstance(exc, ast.Name) and exc.id == "AssertionError"
    if not isinstance(node, ast.Call):
        return False
    name, f = _called_name(node), node.func
    if (isinstance(f, ast.Attribute) and isinstance(f.value, ast.Name) and f.value.id == "pytest"
            and name in PYTEST_ASSERTIONS):
        return True
    if name.lstrip("_").startswith("assert"):
        return True
    return isinstance(f, ast.Name) and name in _check_helpers()


def _tests(tree: ast.Module):
    """Test functions of a module: module-level test*, and test* methods of Test* classes."""
    for node in tree.body:
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)) and node.name.startswith("test"):
            yield node.name, node
        elif isinstance(node, ast.ClassDef) and node.name.startswith("Test"):
            for item in node.body:
                if isinstance(item, (ast.FunctionDef, ast.AsyncFunctionDef)) \
                        and item.name.startswith("test"):
                    yield f"{node.name}.{item.name}", item


def unasserted_tests() -> dict[str, int]:
    """"<path>::<test>" -> line, for every test with no visible assertion."""
    out = {}
    for path in _test_files():
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for name, fn in _tests(tree):
            if not any(_is_assertion(n) for n in ast.walk(fn)):
                out[f"{path.relative_to(TESTS).as_posix()}::{name}"] = fn.lineno
    return out


def test_the_assertion_ratchet_sees_assertions_and_their_absence():
    tree = ast.parse(
        "def test_a():\n    assert 1\n"
        "def test_b():\n    with pytest.raises(ValueError):\n        f()\n"
        "def test_c():\n    np.testing.assert_allclose(1, 1)\n"
        "def test_d():\n    f()\n"
        "class TestE:\n    def test_f(self):\n        self.assertEqual(1, 1)\n"
        "    def test_g(self):\n        checks.check_applications('r', {})\n")
    found = {name: any(_is_assertion(n) for n in ast.walk(fn)) for name, fn in _tests(tree)}
    assert found == {"test_a": True, "test_b": True, "test_c": True, "test_d": False,
                     "TestE.test_f": True, "TestE.test_g": False}


def test_every_test_asserts_visibly():
    found = unasserted_tests()
    new = {k: v for k, v in found.items() if k not in ALLOWED_WITHOUT_ASSERTION}
    assert not new, ("tests with no visible assertion (assert, pytest.raises/warns/approx/fail, "
                     "or an assert…/check… helper):\n  "
                     + "\n  ".join(f"tests/{k.replace('::', f':{v}::')}" for k, v in new.items()))
    fixed = sorted(set(ALLOWED_WITHOUT_ASSERTION) - set(found))
    if fixed:
        _hint(f"these tests now assert visibly (or are gone): remove them from "
              f"ALLOWED_WITHOUT_ASSERTION: {fixed}")


# --------------------------------------------------------------------------------------
# 2. Imports follow the pipeline's layers, without cycles
# --------------------------------------------------------------------------------------
# The graph is computed from the code: every ``import``/``from … import`` of a gxbg_kit
# module in gxbg_kit/, at module level or inside a function (a function-level import
# counts: deferring an import hides a cycle from the interpreter but the dependency is
# still there), except under ``if TYPE_CHECKING:``. ``from . import x`` is an edge to
# the submodule x when there is one, else to the package. Not counted: the implicit
# import of a module's parent packages (every module would then depend on the package
# root), and ``importlib.import_module`` by name (the package root's lazy attributes).

#: lowest first; a module may import modules of its own layer or of lower layers only
LAYERS = [
    ("text", ["gxbg_kit.text", "gxbg_kit.regex_probe"]),
    ("base", ["gxbg_kit._version", "gxbg_kit.errors", "gxbg_kit.timeout", "gxbg_kit.columnar"]),
    ("fields", ["gxbg_kit.schema"]),
    ("template", ["gxbg_kit.template"]),
    ("dictionary", ["gxbg_kit.data_dictionary"]),
    ("read", ["gxbg_kit.decode", "gxbg_kit.read", "gxbg_kit.html", "gxbg_kit.readers", "gxbg_kit.readers.common",
              "gxbg_kit.readers.pdf", "gxbg_kit.readers.docx", "gxbg_kit.readers.ocr"]),
    ("sections", ["gxbg_kit.sections", "gxbg_kit.metadata"]),
    # readers.proofread lives with the readers but runs after recognition (report calls it
    # on the recognised tables of OCR pages): it is in the layer of its role
    ("recognise", ["gxbg_kit.cells", "gxbg_kit.tokens", "gxbg_kit.splits", "gxbg_kit.recognize",
                   "gxbg_kit.readers.proofread"]),
    ("tidy", ["gxbg_kit.tidy"]),
    ("checks", ["gxbg_kit.checks", "gxbg_kit.status"]),
    # section 五 read into items, themes and tokens: a per-report step on the sections
    # (its corpus-level keywords and similarity use nothing above it either)
    ("narrative", ["gxbg_kit.narrative"]),
    ("report", ["gxbg_kit.report"]),
    ("pipeline", ["gxbg_kit.pipeline"]),
    ("corpus", ["gxbg_kit.corpus", "gxbg_kit.parallel", "gxbg_kit.progress", "gxbg_kit.cache",
                "gxbg_kit.package"]),
    ("analyse", ["gxbg_kit.analyse"]),
    ("plot", ["gxbg_kit.plot", "gxbg_kit.figures"]),
    ("interface", ["gxbg_kit", "gxbg_kit.__main__", "gxbg_kit.cli", "gxbg_kit.notebooks",
                   "gxbg_kit.synth", "gxbg_kit.testing", "gxbg_kit.debug"]),
]
LAYER = {m: i for i, (_, mods) in enumerate(LAYERS) for m in mods}

#: (importer, imported) -> why it is there and what removes it. Upward edges break the
#: layer order; the same-layer edges listed close a cycle (the other edges of that cycle
#: are the wanted direction). The test passes while these exist and fails on any other.
KNOWN_VIOLATIONS = {
    # cycles
    # none left: the last (read ⇄ readers/docx) went when decoding moved below the readers
    # into decode.py
}


@cache
def _modules() -> dict[str, Path]:
    """Dotted name -> file, for every module of gxbg_kit/."""
    out = {}
    for path in sorted(PACKAGE.rglob("*.py")):
        parts = list(path.relative_to(ROOT).with_suffix("").parts)
        if parts[-1] == "__init__":
            parts.pop()
        out[".".join(parts)] = path
    return out


def _type_checking(node: ast.AST) -> bool:
    test = getattr(node, "test", None)
    return isinstance(node, ast.If) and (
        isinstance(test, ast.Name) and test.id == "TYPE_CHECKING"
        or isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING")


def _targets(node: ast.AST, package: str) -> list[str]:
    """The gxbg_kit modules an import statement names."""
    if isinstance(node, ast.Import):
        return [a.name for a in node.names if a.name.split(".")[0] == "gxbg_kit"]
    if not isinstance(node, ast.ImportFrom):
        return []
    if node.level:
        base = package.split(".")[:len(package.split(".")) - node.level + 1]
        base = ".".join(base + ([node.module] if node.module else []))
    else:
        base = node.module or ""
    if base.split(".")[0] != "gxbg_kit":
        return []
    mods = _modules()
    return [f"{base}.{a.name}" if f"{base}.{a.name}" in mods else base for a in node.names]


@cache
def import_graph() -> dict[tuple[str, str], list[str]]:
    """(importer, imported) -> where: ``path:line`` of each import, ``(lazy)`` when it is
    inside a function."""
    edges: dict[tuple[str, str], list[str]] = {}

    def visit(node, module, package, path, lazy):
        for child in ast.iter_child_nodes(node):
            if _type_checking(child):
                continue
            inner = lazy or isinstance(child, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda))
            for target in dict.fromkeys(_targets(child, package)):
                where = f"{path.relative_to(ROOT)}:{child.lineno}{' (lazy)' if inner else ''}"
                if target != module:
                    edges.setdefault((module, target), []).append(where)
            visit(child, module, package, path, inner)

    for module, path in _modules().items():
        package = module if path.name == "__init__.py" else module.rpartition(".")[0]
        visit(ast.parse(path.read_text(encoding="utf-8")), module, package, path, False)
    return edges


def _describe(edges) -> str:
    graph = import_graph()
    return "\n  ".join(f"{a} -> {b}  ({', '.join(graph[a, b])})" for a, b in sorted(edges))


def test_the_import_graph_is_read_from_the_code():
    graph = import_graph()
    # a module-level import, a function-level one, a relative submodule import
    assert ("gxbg_kit.recognize", "gxbg_kit.template") in graph
    assert all(w.endswith("(lazy)") for w in graph["gxbg_kit.corpus", "gxbg_kit.parallel"])
    assert ("gxbg_kit.report", "gxbg_kit.checks") in graph  # from . import checks as _checks
    assert all(a in _modules() and b in _modules() for a, b in graph)


def test_every_module_has_a_layer():
    missing = sorted(set(_modules()) - set(LAYER))
    assert not missing, f"modules with no layer: put them in LAYERS in tests/test_meta.py: {missing}"
    gone = sorted(set(LAYER) - set(_modules()))
    if gone:
        _hint(f"LAYERS lists modules that no longer exist: {gone}")


def test_no_new_layer_violation():
    upward = {(a, b) for a, b in import_graph() if LAYER.get(a, -1) < LAYER.get(b, -1)}
    new = upward - set(KNOWN_VIOLATIONS)
    names = " → ".join(name for name, _ in LAYERS)
    assert not new, (f"imports against the layer order ({names}); a module may import its own "
                     f"layer or lower ones:\n  {_describe(new)}")


def test_no_new_import_cycle():
    graph = {}
    for a, b in import_graph():
        if (a, b) not in KNOWN_VIOLATIONS:
            graph.setdefault(a, set()).add(b)
    try:
        graphlib.TopologicalSorter(graph).prepare()
    except graphlib.CycleError as err:
        cycle = err.args[1]
        pytest.fail(f"import cycle among gxbg_kit modules: {' -> '.join(cycle)}\n  "
                    + _describe(zip(cycle, cycle[1:])), pytrace=False)


def test_known_violations_still_exist():
    # a known violation that is gone passes with a hint; the others must still be real
    # violations (upward, or same-layer) so the list cannot excuse a wanted edge
    graph = import_graph()
    gone = sorted(e for e in KNOWN_VIOLATIONS if e not in graph)
    if gone:
        _hint(f"these imports are gone: remove them from KNOWN_VIOLATIONS: {gone}")
    downward = sorted((a, b) for a, b in KNOWN_VIOLATIONS if LAYER.get(a, 99) > LAYER.get(b, 99))
    assert not downward, f"KNOWN_VIOLATIONS lists imports the layers allow: {downward}"


def test_architecture_page_names_every_module_and_known_violation():
    # docs/architecture.md is drawn from the code: a module or a violation it does not
    # name means the page is stale
    text = (ROOT / "docs" / "architecture.md").read_text(encoding="utf-8")
    files = [p.relative_to(PACKAGE).as_posix() for p in _modules().values()]
    unnamed = [f for f in files if f"`{f}`" not in text]
    assert not unnamed, f"docs/architecture.md does not name these modules: {unnamed}"

    def short(m):
        return "gxbg_kit" if m == "gxbg_kit" else m.removeprefix("gxbg_kit.")
    missing = [f"{short(a)} → {short(b)}" for a, b in KNOWN_VIOLATIONS
               if f"`{short(a)} → {short(b)}`" not in text]
    assert not missing, f"docs/architecture.md does not list these known violations: {missing}"


@pytest.mark.slow
def test_every_module_imports_on_its_own():
    # each module imported in a fresh state of the package (third-party modules stay
    # loaded), in a subprocess so import-time side effects stay out of this run
    modules = [m for m in _modules() if m != "gxbg_kit.__main__"]  # __main__ runs the CLI
    code = (
        "import importlib, sys, traceback\n"
        f"for name in {modules!r}:\n"
        "    for loaded in [m for m in sys.modules if m.split('.')[0] == 'gxbg_kit']:\n"
        "        del sys.modules[loaded]\n"
        "    try:\n"
        "        importlib.import_module(name)\n"
        "    except Exception:\n"
        "        print(name, traceback.format_exc(limit=-1).strip().splitlines()[-1])\n")
    run = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         cwd=ROOT, timeout=300)
    assert run.returncode == 0, run.stderr
    assert run.stdout == "", f"modules that do not import on their own:\n{run.stdout}"


# --------------------------------------------------------------------------------------
# 3. No function over 80 lines
# --------------------------------------------------------------------------------------
# A function's length is its lines from ``def`` to its last line (docstring, comments
# and blank lines included, decorators not); a nested function counts on its own and in
# the function around it.

MAX_LINES = 80

#: "<path under gxbg_kit/>::<qualified name>" -> its length today (each must only shrink)
LONG_FUNCTIONS: dict[str, int] = {
    # none left
}


def _lengths(source: str) -> dict[str, int]:
    return {name: fn.end_lineno - fn.lineno + 1 for name, fn in _functions(ast.parse(source))}


def function_lengths() -> dict[str, int]:
    """"<path>::<qualified name>" -> lines, for every function of gxbg_kit/."""
    return {f"{path.relative_to(PACKAGE).as_posix()}::{name}": n
            for path in _modules().values()
            for name, n in _lengths(path.read_text(encoding="utf-8")).items()}


def test_function_lengths_run_from_def_to_the_last_line():
    source = ("@decorator\ndef f():\n    \"\"\"Doc.\"\"\"\n\n    def g():\n        return 1\n"
              "    return g\n\n\nclass C:\n    def m(self):\n        pass\n")
    assert _lengths(source) == {"f": 6, "f.g": 2, "C.m": 2}


def test_no_function_over_80_lines():
    lengths = function_lengths()
    long = {k: n for k, n in lengths.items() if n > MAX_LINES}
    new = {k: n for k, n in long.items() if k not in LONG_FUNCTIONS}
    grown = {k: (LONG_FUNCTIONS[k], n) for k, n in long.items()
             if k in LONG_FUNCTIONS and n > LONG_FUNCTIONS[k]}
    assert not new and not grown, (
        f"functions over {MAX_LINES} lines: split them\n"
        + "".join(f"  gxbg_kit/{k}: {n} lines (new)\n" for k, n in sorted(new.items()))
        + "".join(f"  gxbg_kit/{k}: {n} lines (was {was}: it may only shrink)\n"
                  for k, (was, n) in sorted(grown.items())))
    fixed = sorted(k for k in LONG_FUNCTIONS if lengths.get(k, 0) <= MAX_LINES)
    shrunk = sorted((k, long[k]) for k in LONG_FUNCTIONS if k in long and long[k] < LONG_FUNCTIONS[k])
    if fixed:
        _hint(f"now at most {MAX_LINES} lines (or gone): remove from LONG_FUNCTIONS: {fixed}")
    if shrunk:
        _hint(f"shorter now: lower their lengths in LONG_FUNCTIONS: {shrunk}")


# --------------------------------------------------------------------------------------
# 4. Every module has its unit test file
# --------------------------------------------------------------------------------------
# tests/unit/test_<module>.py for gxbg_kit/<module>.py; a module of a subpackage joins
# its path with "_" (readers/pdf.py -> test_readers_pdf.py, readers/__init__.py ->
# test_readers.py). End-to-end tests (tests/e2e/) and regressions (tests/regressions/)
# come on top of these, not instead of them.

#: module -> where it is tested today instead (the modules still without their file)
WITHOUT_UNIT_TESTS = {
    "gxbg_kit": "the public API (test_gxbg_kit.py), through every other test",
    "gxbg_kit.__main__": "runs cli.main (tests/unit/test_cli.py)",
    "gxbg_kit._version": "tests/e2e/test_loud.py keeps it equal to pyproject.toml",
    "gxbg_kit.data_dictionary": "gx.dictionary() in tests/unit/test_schema.py",
    "gxbg_kit.debug": "gx.debug.pdf_page in tests/unit/test_readers_pdf.py",
    "gxbg_kit.figures": "save_figure in tests/unit/test_plot.py",
    "gxbg_kit.notebooks": "tests/e2e/test_notebooks_runner.py",
    "gxbg_kit.readers": "the lazy entry points, in tests/unit/test_readers_pdf.py and test_readers_docx.py",
    "gxbg_kit.readers.proofread": "the OCR proof-reader in tests/unit/test_readers_ocr.py",
    "gxbg_kit.timeout": "per-file timeouts in tests/unit/test_corpus.py, test_parallel.py and "
                        "tests/e2e/test_robust_pdf.py",
}


def unit_test_file(module: str) -> Path:
    """tests/unit/test_<module>.py of a dotted module name (the package root: test_gxbg_kit.py)."""
    name = "gxbg_kit" if module == "gxbg_kit" else module.removeprefix("gxbg_kit.")
    return TESTS / "unit" / f"test_{name.replace('.', '_')}.py"


def test_every_module_has_its_unit_test_file():
    assert unit_test_file("gxbg_kit.readers.pdf").name == "test_readers_pdf.py"
    missing = sorted(m for m in _modules() if not unit_test_file(m).exists())
    new = [m for m in missing if m not in WITHOUT_UNIT_TESTS]
    assert not new, ("modules without their unit test file: add "
                     + ", ".join(f"tests/unit/{unit_test_file(m).name}" for m in new))
    have = sorted(m for m in WITHOUT_UNIT_TESTS if unit_test_file(m).exists())
    gone = sorted(m for m in WITHOUT_UNIT_TESTS if m not in _modules())
    if have or gone:
        _hint(f"remove from WITHOUT_UNIT_TESTS: {have + gone}")

def graph_markdown() -> str:
    """The import-graph table of docs/architecture.md, from the code (``python
    tests/test_meta.py`` prints it): ``*`` only inside functions, ``!`` a known violation."""
    def short(m):
        return "gxbg_kit" if m == "gxbg_kit" else m.removeprefix("gxbg_kit.")
    graph = import_graph()
    lines = ["| module | imports |", "|---|---|"]
    for _, modules in LAYERS:
        for m in modules:
            if m not in _modules():
                continue
            out = [f"`{short(b)}`" + "*" * all(w.endswith("(lazy)") for w in graph[a, b])
                   + "!" * ((a, b) in KNOWN_VIOLATIONS) for a, b in sorted(graph) if a == m]
            lines.append(f"| `{short(m)}` | {', '.join(out) or '—'} |")
    return "\n".join(lines)


if __name__ == "__main__":
    print(graph_markdown())
