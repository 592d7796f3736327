"""The architecture of ARCHITECTURE.md holds: layers, no import cycles, small modules."""

from __future__ import annotations

import subprocess
import sys
import tomllib
from pathlib import Path

import grimp
import pytest

ROOT = Path(__file__).resolve().parents[1]
MAX_LINES = 300  # "small modules": a module over this is split by role


@pytest.fixture(scope="module")
def graph() -> grimp.ImportGraph:
    """The import graph of ``rag`` and ``ui``, lazy imports inside functions included."""
    return grimp.build_graph("rag", "ui", cache_dir=None)


def test_import_linter_contracts_are_kept() -> None:
    """`make lint` runs the same contracts; this keeps them enforced by `make test` too."""
    lint = Path(sys.executable).with_name("lint-imports")
    proc = subprocess.run(
        [str(lint), "--no-cache"], cwd=ROOT, capture_output=True, text=True, check=False
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "2 kept, 0 broken" in proc.stdout


def test_layers_match_the_packages_on_disk() -> None:
    """Every sub-package of ``rag`` is named in the layers contract, so none escapes it."""
    config = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["importlinter"]
    layered = {
        name.strip()
        for contract in config["contracts"]
        if contract["type"] == "layers"
        for layer in contract["layers"]
        for name in layer.split("|")
    }
    on_disk = {
        f"rag.{p.stem if p.is_file() else p.name}"
        for p in (ROOT / "rag").iterdir()
        if (p.suffix == ".py" and p.stem != "__init__") or (p / "__init__.py").is_file()
    }
    assert on_disk - layered == set()


def test_no_module_imports_itself_back(graph: grimp.ImportGraph) -> None:
    """No import cycle at module level: for each import a -> b, b never reaches a."""
    cycles = [
        (importer, imported)
        for importer in sorted(graph.modules)
        for imported in sorted(graph.find_modules_directly_imported_by(importer))
        if imported != importer and graph.chain_exists(importer=imported, imported=importer)
    ]
    assert cycles == []


def test_modules_are_small() -> None:
    """No module of the product is over ~300 lines."""
    sizes = {
        str(path.relative_to(ROOT)): len(path.read_text().splitlines())
        for folder in ("rag", "ui")
        for path in (ROOT / folder).rglob("*.py")
    }
    assert {name: n for name, n in sizes.items() if n > MAX_LINES} == {}
