"""The help screen and the README cannot drift from the app: every key bound anywhere in ``paperdeck.tui`` is
listed in the help screen and in the README's key tables, and every query field the parser knows is in the
help's syntax and the README's syntax table."""

from __future__ import annotations

import importlib
import inspect
import pkgutil
import re
from pathlib import Path

from textual.binding import Binding
from textual.dom import DOMNode

import paperdeck.tui
from paperdeck.index.query import USER_FIELDS
from paperdeck.index.schema import QUERY_FIELDS
from paperdeck.tui.screens.help import SYNTAX, HelpScreen, key_name
from paperdeck.tui.testing import make_app, settle

README = Path(__file__).resolve().parents[1] / "README.md"


def bound_classes() -> list[type[DOMNode]]:
    """Every widget, screen and the app in ``paperdeck.tui`` that declares bindings of its own."""
    found: dict[str, type[DOMNode]] = {}
    for module_info in pkgutil.walk_packages(paperdeck.tui.__path__, "paperdeck.tui."):
        module = importlib.import_module(module_info.name)
        for _, cls in inspect.getmembers(module, inspect.isclass):
            if (issubclass(cls, DOMNode) and cls.__module__ == module.__name__ and "BINDINGS" in vars(cls)
                    and cls.BINDINGS):
                found[f"{cls.__module__}.{cls.__qualname__}"] = cls
    return list(found.values())


def bound_keys() -> dict[str, set[str]]:
    """Each key as users read it (``?``, ``ctrl+d``; ``1…9`` for the numbered links) -> where it is bound."""
    keys: dict[str, set[str]] = {}
    for cls in bound_classes():
        for binding in cls.BINDINGS:
            if not isinstance(binding, Binding):
                continue
            for key in binding.key.split(","):
                name = "1…9" if binding.action.startswith("pick_link(") else key_name(key)
                keys.setdefault(name, set()).add(f"{cls.__name__}.{binding.action}")
    return keys


def readme_section(start: str, end: str) -> str:
    text = README.read_text(encoding="utf-8")
    return text[text.index(start):text.index(end, text.index(start))]


def readme_table_keys() -> set[str]:
    """The backticked keys in the first column of the key tables ("The app" and "The daily loop")."""
    keys: set[str] = set()
    for line in readme_section("## The app", "## Sources").splitlines():
        if line.startswith("| `"):
            first_cell = line.split(" | ")[0]
            keys |= set(re.findall(r"`([^`]+)`", first_cell))
    return keys


def test_the_app_binds_the_keys_this_test_expects_to_find() -> None:
    """The derivation itself works: it sees the main screen, the widgets and the dialogs."""
    keys = bound_keys()
    for key in ("enter", "ctrl+d", "?", "1", "r", "R", "d", "w", "u", "v", "1…9", "ctrl+s", "ctrl+r", "-"):
        assert key in keys, key
    names = {cls.__name__ for cls in bound_classes()}
    assert {"PaperdeckApp", "MainScreen", "ResultList", "Reader", "TagsNoteScreen", "BookmarksScreen"} <= names


def test_every_bound_key_is_in_the_readme_key_tables() -> None:
    missing = {key: sorted(where) for key, where in bound_keys().items() if key not in readme_table_keys()}
    assert missing == {}


async def test_every_bound_key_and_every_query_field_is_in_the_help_screen(seeded_home) -> None:
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("question_mark")  # from the search box, where the app starts
        await pilot.pause()
        assert isinstance(app.screen, HelpScreen)
        listed = {key for _, rows in app.screen.sections for keys, _ in rows for key in keys.split(", ")}
        text = app.screen.query_one("#help-text").render()
        shown = getattr(text, "plain", str(text))
    missing = {key: sorted(where) for key, where in bound_keys().items() if key not in listed}
    assert missing == {}
    for key in listed:
        assert key in shown
    for field in (*QUERY_FIELDS, *USER_FIELDS):
        assert any(example.startswith(f"{field}:") for example, _ in SYNTAX), field
        assert f"{field}:" in shown, field
    for needed in ("enter", "ctrl+d", "1", "r", "R", "d", "w", "u", "tag:to-read"):
        assert needed in shown, needed


def test_every_query_field_is_in_the_readme_syntax_table() -> None:
    section = readme_section("## Search syntax", "## Command line")
    rows = [line.split(" | ")[0] for line in section.splitlines() if line.startswith("| `")]
    for field in (*QUERY_FIELDS, *USER_FIELDS):
        assert any(f"`{field}:" in row for row in rows), field


def test_every_remappable_main_screen_binding_id_is_named_in_the_readme() -> None:
    """The README's keymap paragraph names the ids a user can remap in settings.json."""
    from paperdeck.tui.app import PaperdeckApp
    from paperdeck.tui.screens.main import MainScreen

    section = readme_section("## The app", "## The daily loop")
    ids = {b.id for b in (*PaperdeckApp.BINDINGS, *MainScreen.BINDINGS) if isinstance(b, Binding) and b.id}
    assert {i for i in ids if f"`{i}`" not in section} == set()
