"""Everything the command line writes goes through here, so nothing untrusted reaches the terminal as control.

Why a module of its own: titles, file names, URLs and keys come from files anyone can craft, from old libraries
and from hand-edited bookmarks; a ``print`` that forgot to escape one of them could set the window title, clear
the screen or fake an output line. Commands call ``out``/``err``/``out_json`` and never ``print``.
"""

from __future__ import annotations

import sys
from typing import Any

from .clean import one_line, plural  # noqa: F401 - plural is re-exported for the commands
from .safety import for_terminal, json_for_terminal, safe_url

JSON_HELP = "print JSON instead of text"
KEY_HELP = "paper key (arXiv id or title slug, as shown by search)"


def out(*parts: object, sep: str = " ") -> None:
    """One or more lines on stdout; each part escaped for the terminal (newlines between lines kept). Flushed,
    so a long command's report lines appear as they happen."""
    sys.stdout.write(for_terminal(sep.join(str(p) for p in parts), multiline=True) + "\n")
    sys.stdout.flush()


def err(line: object) -> None:
    """A message on stderr, on one line whatever it quotes."""
    sys.stderr.write(for_terminal(line) + "\n")
    sys.stderr.flush()


def out_json(data: Any) -> None:
    """JSON on stdout, ASCII-escaped wherever a character could act on a terminal (``\\u009b``), its links
    re-checked (a library or bookmark file written before links were validated may hold any string)."""
    sys.stdout.write(json_for_terminal(checked_links(data)) + "\n")


def checked_links(data: Any) -> Any:
    """``data`` with every ``url``/``code_url`` that is not a valid http(s) link set to null, and such links
    left out of ``code_urls`` and ``links`` lists."""
    if isinstance(data, list):
        return [checked_links(item) for item in data]
    if not isinstance(data, dict):
        return data
    clean = {key: checked_links(value) for key, value in data.items()}
    for key in ("url", "code_url"):
        if isinstance(clean.get(key), str):
            clean[key] = safe_url(clean[key])
    if isinstance(clean.get("code_urls"), list):
        clean["code_urls"] = [u for u in clean["code_urls"] if safe_url(u)]
    if isinstance(clean.get("links"), list):
        clean["links"] = [link for link in clean["links"] if not isinstance(link, dict) or link.get("url")]
    return clean


def field(text: object) -> str:
    """A value embedded in a line: escaped on its own, so a newline in it cannot start a new output line."""
    return for_terminal(text)


def link(url: str) -> str:
    """A link for the terminal: re-checked here too (old libraries and hand-edited files exist)."""
    return safe_url(url) or "(link withheld: not a plain http(s) URL)"


class ProgressBar:
    """A rich progress bar on stderr, started lazily so quick commands print nothing."""

    def __init__(self) -> None:
        self._progress: Any = None
        self._task: Any = None

    def update(self, done: int, total: int, label: str) -> None:
        if self._progress is None:
            from rich.console import Console
            from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

            self._progress = Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(),
                                      TimeElapsedColumn(), console=Console(stderr=True), transient=True)
            self._progress.start()
            self._task = self._progress.add_task("indexing", total=total)
        from rich.markup import escape  # a file name like "[bold]x.txt" is text, not rich markup

        label = escape(for_terminal(one_line(label))[:40])
        self._progress.update(self._task, completed=done, total=total, description=label)

    def stop(self) -> None:
        if self._progress is not None:
            self._progress.stop()
