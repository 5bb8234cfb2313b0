"""The package's one-way import picture, read from the code.

``LAYERS`` is the table that ``docs/contributing.rst`` draws: a module imports
only from its own row or the rows below (lazy imports inside functions count
too), there is no circle, nothing in the library imports the command line, and
every module of the package is on exactly one row and named on that page.
"""

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "skcolor"
CONTRIBUTING = PACKAGE.parent / "docs" / "contributing.rst"

#: Rows from the top (the user-facing edge) down to plain NumPy.
LAYERS = [
    ["skcolor.__main__", "skcolor.cli", "skcolor.cli.*"],
    ["skcolor"],
    ["skcolor.serve", "skcolor.serve.*"],
    ["skcolor.parallel", "skcolor.batch", "skcolor.batch._run", "skcolor.plotting"],
    ["skcolor.video", "skcolor.batch._inputs"],
    ["skcolor._transformers", "skcolor._pretrained", "skcolor.datasets",
     "skcolor.datasets._photo_crops", "skcolor.datasets._cifar_batches",
     "skcolor.datasets._locate"],
    ["skcolor._colorizer", "skcolor._colorizer._estimator"],
    ["skcolor._colorizer._param_table", "skcolor._colorizer._training",
     "skcolor._colorizer._inference", "skcolor._colorizer._model_file",
     "skcolor._colorizer._hint_inputs", "skcolor._colorizer._reference"],
    ["skcolor.architectures", "skcolor.backbones", "skcolor.backbones.*",
     "skcolor._runtime", "skcolor.video._io",
     "skcolor.video._stabilize"],
    ["skcolor.hints", "skcolor.color", "skcolor.metrics", "skcolor.io", "skcolor._validation",
     "skcolor._params", "skcolor._image", "skcolor._version", "skcolor._motion"],
]


def module_names():
    """Dotted name → path of every module of the package."""
    names = {}
    for path in PACKAGE.rglob("*.py"):
        parts = list(path.relative_to(PACKAGE.parent).with_suffix("").parts)
        if parts[-1] == "__init__":
            parts.pop()
        names[".".join(parts)] = path
    return names


def row_of(name):
    for index, row in enumerate(LAYERS):
        for entry in row:
            if name == entry or (entry.endswith(".*") and name.startswith(entry[:-1])):
                return index
    return None


def imported_modules(name, path, known):
    """The package's modules that ``name`` imports, at module level or in a function."""
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    found = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")
                base = base[:len(base) - node.level + 1]
                origin = ".".join(base + ([node.module] if node.module else []))
            else:
                origin = node.module or ""
            if not (origin == "skcolor" or origin.startswith("skcolor.")):
                continue
            for alias in node.names:
                submodule = f"{origin}.{alias.name}"
                found.add(submodule if submodule in known else origin)
        elif isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names
                         if alias.name == "skcolor" or alias.name.startswith("skcolor."))
    return found - {name}


@pytest.fixture(scope="module")
def graph():
    known = module_names()
    return {name: imported_modules(name, path, known) for name, path in known.items()}


def test_every_module_is_on_one_row_and_on_the_contributing_page(graph):
    page = CONTRIBUTING.read_text()
    for name in graph:
        rows = [index for index, row in enumerate(LAYERS)
                if any(name == entry or (entry.endswith(".*") and name.startswith(entry[:-1]))
                       for entry in row)]
        assert len(rows) == 1, f"{name} is on rows {rows} of LAYERS"
        if not name.startswith("skcolor.cli."):
            short = name.removeprefix("skcolor.") if name != "skcolor" else "skcolor"
            assert short.rpartition(".")[2] in page, f"{name} is missing from contributing.rst"


def test_imports_go_down_never_up(graph):
    upward = [f"{name} (row {row_of(name)}) imports {target} (row {row_of(target)})"
              for name, targets in graph.items() for target in targets
              if row_of(target) < row_of(name)]
    assert not upward


def test_no_library_module_imports_the_command_line(graph):
    offenders = [name for name, targets in graph.items()
                 if not (name.startswith("skcolor.cli") or name == "skcolor.__main__")
                 and any(target == "skcolor.cli" or target.startswith("skcolor.cli.")
                         for target in targets)]
    assert not offenders


def test_there_is_no_import_circle(graph):
    visiting, done = set(), set()

    def visit(name, path):
        if name in done:
            return
        assert name not in visiting, " -> ".join([*path, name])
        visiting.add(name)
        for target in sorted(graph.get(name, ())):
            visit(target, [*path, name])
        visiting.discard(name)
        done.add(name)

    for name in sorted(graph):
        visit(name, [])


def test_the_layer_check_catches_an_upward_import(tmp_path):
    """The checks above read real import statements: an upward one is found."""
    known = module_names()
    probe = tmp_path / "color.py"
    probe.write_text("def f():\n    from ._colorizer._estimator import AutoencoderColorizer\n")
    targets = imported_modules("skcolor.color", probe, known)
    assert targets == {"skcolor._colorizer._estimator"}
    assert row_of("skcolor._colorizer._estimator") < row_of("skcolor.color")
