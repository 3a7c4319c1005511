"""The app uses the engine only through its public API: names in ``paperdeck.index.__all__`` (issue 14).

Why a test and not only import-linter: the engine's package imports its modules lazily (PEP 562), so a contract
on ``paperdeck.index.*`` submodules could not tell ``from paperdeck.index import Library`` (public) from
``from paperdeck.index.library import Library`` (reaching past the API); the import statements can.
"""

from __future__ import annotations

import ast

import paperdeck.index as engine
from conftest import REPO


def engine_imports() -> list[tuple[str, int, str, list[str]]]:
    found = []
    for path in sorted((REPO / "tui").rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("paperdeck.index"):
                found.append((path.name, node.lineno, node.module or "", [a.name for a in node.names]))
            elif isinstance(node, ast.Import):
                found += [(path.name, node.lineno, a.name, []) for a in node.names
                          if a.name.startswith("paperdeck.index")]
    return found


def test_the_app_imports_only_the_engines_public_names() -> None:
    imports = engine_imports()
    assert len(imports) > 20  # the app does use the engine: the scan sees its imports
    wrong = [(f, line, module, names) for f, line, module, names in imports
             if module != "paperdeck.index" or not set(names) <= set(engine.__all__)]
    assert wrong == []


def test_every_public_name_resolves() -> None:
    assert all(getattr(engine, name, None) is not None for name in engine.__all__)
