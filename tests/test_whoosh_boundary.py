"""The engine uses Whoosh only through its public API: no private Whoosh name is read, and nothing in Whoosh
is patched. Why: whoosh-reloaded 2.7.5 is pinned (the last release), but private names and patched classes
break silently under any other Whoosh; paperdeck's own storage lives in its codec (``index/codec.py``).

The check parses the engine's source: a private name (``_x``) that Whoosh itself defines may not be read off
any object but our own (``self`` in a class that does not inherit from Whoosh), and no attribute of anything
imported from Whoosh may be assigned, deleted or ``setattr``'d.
"""

from __future__ import annotations

import ast
import warnings
from pathlib import Path

import whoosh

from conftest import REPO

ENGINE = REPO / "index"


def _is_private(name: str) -> bool:
    return name.startswith("_") and not name.startswith("__")


def whoosh_private_names() -> frozenset[str]:
    """Every ``_name`` Whoosh defines or reads as an attribute or method."""
    names: set[str] = set()
    for path in Path(whoosh.__file__).parent.rglob("*.py"):
        with warnings.catch_warnings():  # old escape sequences in Whoosh's source
            warnings.simplefilter("ignore")
            tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.Attribute) and _is_private(node.attr):
                names.add(node.attr)
            elif isinstance(node, (ast.FunctionDef, ast.ClassDef)) and _is_private(node.name):
                names.add(node.name)
    return frozenset(names)


def _whoosh_imports(tree: ast.Module) -> set[str]:
    """Local names bound to Whoosh modules, classes or functions."""
    bound: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and (node.module or "").split(".")[0] == "whoosh":
            bound.update(alias.asname or alias.name for alias in node.names)
        elif isinstance(node, ast.Import):
            bound.update((alias.asname or alias.name).split(".")[0] for alias in node.names
                         if alias.name.split(".")[0] == "whoosh")
    return bound


def _root(node: ast.expr) -> ast.expr:
    while isinstance(node, (ast.Attribute, ast.Subscript, ast.Call)):
        node = node.func if isinstance(node, ast.Call) else node.value
    return node


def violations(source: str, filename: str, private: frozenset[str]) -> list[str]:
    """Private Whoosh names read and Whoosh objects patched in ``source``, as ``file:line: what``."""
    tree = ast.parse(source)
    from_whoosh = _whoosh_imports(tree)
    found: list[tuple[int, str]] = []
    whoosh_subclass_lines: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ClassDef) and any(isinstance(_root(b), ast.Name) and _root(b).id in from_whoosh
                                                  for b in node.bases):
            whoosh_subclass_lines.update(range(node.lineno, (node.end_lineno or node.lineno) + 1))
    for node in ast.walk(tree):
        if isinstance(node, ast.Attribute) and node.attr in private:
            own = isinstance(node.value, ast.Name) and node.value.id in ("self", "cls")
            if not own or node.lineno in whoosh_subclass_lines:
                found.append((node.lineno, f"reads Whoosh's private name {node.attr}"))
        targets: list[ast.expr] = []
        if isinstance(node, (ast.Assign, ast.Delete)):
            targets = list(node.targets)
        elif isinstance(node, (ast.AugAssign, ast.AnnAssign)):
            targets = [node.target]
        for target in targets:
            root = _root(target)
            if isinstance(target, ast.Attribute) and isinstance(root, ast.Name) and root.id in from_whoosh:
                found.append((node.lineno, f"patches {ast.unparse(target)}"))
        if (isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id in ("setattr", "delattr")
                and node.args and isinstance(_root(node.args[0]), ast.Name)
                and _root(node.args[0]).id in from_whoosh):
            found.append((node.lineno, f"patches {ast.unparse(node.args[0])} with {node.func.id}"))
    return [f"{filename}:{line}: {what}" for line, what in sorted(found)]


def test_the_engine_reads_no_private_whoosh_name_and_patches_nothing() -> None:
    private = whoosh_private_names()
    found = [v for path in sorted(ENGINE.rglob("*.py"))
             for v in violations(path.read_text(encoding="utf-8"), str(path.relative_to(REPO)), private)]
    assert found == []


def test_the_check_finds_what_the_engine_used_to_do() -> None:
    """The patterns the engine had before its codec (so the check above can fail)."""
    private = whoosh_private_names()
    before = '''
from whoosh.codec import whoosh3
from whoosh.spelling import ListCorrector
import whoosh.scoring

whoosh3.W3PerDocReader.doc_field_length = lambda self, d, f, default=0: 0
setattr(whoosh3.W3PerDocReader, "close", None)
b = bm25._field_B.get("title")
if m._data is None:
    m._read_data()
words = ListCorrector(["a"])._suggestions("a", 1, 0)

class Reader(whoosh3.W3PerDocReader):
    def length(self):
        return self._doccount

class Own:
    def __init__(self):
        self._data = 1  # our own object: fine
'''
    found = violations(before, "before.py", private)
    assert [line.split(": ", 1)[1] for line in found] == [
        "patches whoosh3.W3PerDocReader.doc_field_length",
        "patches whoosh3.W3PerDocReader with setattr",
        "reads Whoosh's private name _field_B",
        "reads Whoosh's private name _data",
        "reads Whoosh's private name _read_data",
        "reads Whoosh's private name _suggestions",
        "reads Whoosh's private name _doccount",
    ]


def test_whoosh_is_pinned_to_its_last_release() -> None:
    """The codec subclasses Whoosh 2.7.5's classes: another Whoosh must be a deliberate change."""
    pyproject = (REPO / "pyproject.toml").read_text(encoding="utf-8")
    assert '"whoosh-reloaded==2.7.5"' in pyproject
    assert whoosh.versionstring() == "2.7.5"
