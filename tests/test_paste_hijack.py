"""The paste hijack of issue 12, end to end: a crafted HF JSON, ``c`` in the app, the real X clipboard read back,
and the text pasted into bash (bracketed paste on) in tmux. First the harness proves it can see a hijack: the raw
crafted link, pasted the same way, does run ``touch pwned``."""

from __future__ import annotations

import json
import os
import re
import subprocess
import time
from dataclasses import replace
from pathlib import Path

import pytest

from hostile import PASTE_HIJACK, printable
from paperdeck.index.export import markdown_text
from paperdeck.index.library import Library
from paperdeck.index.models import Link
from paperdeck.tui.clipboard import copy_everywhere
from paperdeck.tui.screens.main import MainScreen
from paperdeck.tui.testing import make_app, settle
from test_hostile_text import screen_text
from test_tui_pilot import fake_clipboard, notifications, search_for  # noqa: F401 - fake_clipboard: a fixture
from test_real_terminal import Tmux, need, x_display  # noqa: F401 - x_display is a fixture used below

pytestmark = pytest.mark.slow


class Shell:
    """bash in tmux with bracketed paste on, in an empty folder; text is pasted the way a terminal pastes it."""

    def __init__(self, folder: Path) -> None:
        need("bash")
        self.folder = folder
        env = {"PATH": "/usr/bin:/bin", "HOME": str(folder), "TERM": "xterm-256color", "PS1": "$ ",
               "TMUX_TMPDIR": str(folder)}
        self.tmux = Tmux(f"paperdeck-paste-{os.getpid()}", "env PS1='shell> ' bash --norc --noprofile", env)
        self.tmux.wait_for("shell>", timeout=60)  # keys typed before readline starts can be lost
        self.run("cd " + str(folder) + "; bind 'set enable-bracketed-paste on'; echo READY-$((20+1))", "READY-21")

    def run(self, command: str, expect: str) -> None:
        self.tmux.send("-l", command)
        self.tmux.send("Enter")
        self.tmux.wait_for(expect, timeout=60)

    def paste_after(self, typed: str, text: str) -> None:
        buffer = self.folder.parent / "clip.txt"
        buffer.write_bytes(text.encode("utf-8"))
        self.tmux.send("-l", typed)
        subprocess.run(["tmux", "load-buffer", "-b", "clip", str(buffer)], check=True, env=self.tmux.env)
        subprocess.run(["tmux", "paste-buffer", "-p", "-b", "clip", "-t", self.tmux.name], check=True,
                       env=self.tmux.env)

    def settle(self, marker: str) -> None:
        """Cancel the line being edited and run a marker: anything the paste ran has run before it shows."""
        self.tmux.send("C-c")
        self.run(f"echo {marker}-$((40+2))", f"{marker}-42")


@pytest.fixture
def shell(tmp_path: Path):  # type: ignore[no-untyped-def]
    folder = tmp_path / "shell"
    folder.mkdir()
    session = Shell(folder)
    yield session
    (tmp_path / "transcript.txt").write_text("\n".join(session.tmux.transcript))
    session.tmux.kill()


def test_the_harness_sees_a_hijack_when_the_raw_link_is_pasted(shell: Shell) -> None:
    shell.paste_after(": git clone ", PASTE_HIJACK)
    deadline = time.monotonic() + 30
    while not (shell.folder / "pwned").exists() and time.monotonic() < deadline:
        time.sleep(0.2)
    assert (shell.folder / "pwned").exists(), "the control paste should run touch pwned"


async def test_c_in_the_app_copies_an_inert_link_that_runs_nothing_when_pasted(
        isolated_home, tmp_path: Path, x_display: str, shell: Shell) -> None:  # noqa: F811
    crafted = tmp_path / "crafted.json"
    crafted.write_text(json.dumps([{"paper": {
        "id": "2401.06666", "title": "Quixotic Hijack \x1b]0;owned\x07Paper\n#",
        "summary": "We release code at " + PASTE_HIJACK + " for everyone.", "githubRepo": PASTE_HIJACK,
        "authors": [{"name": "Mallory \x1b[5mBlink\u202e"}], "projectPage": "javascript:alert(1)"}}]))
    with Library() as library:
        [report] = library.add([crafted])
    assert report.status == "added"
    assert any("code link 'https://github.com/a/b touch pwned #' dropped" in w for w in report.warnings)

    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        assert (await search_for(pilot, "quixotic")).results.total == 1
        await pilot.press("escape", "c")
        await settle(pilot)
        notes, osc52, screen = notifications(app), app.clipboard, screen_text(app)
    assert notes[-1] == "Copied the code link via OSC 52 and xclip"
    assert "Quixotic Hijack Paper #" in screen and "Mallory Blink" in screen  # shown inert on screen too
    assert printable(screen) and "javascript" not in screen
    # the reader's only code link (numbered, shown without its scheme): the one from the abstract
    assert re.findall(r"\d code +(\S+) *\n", screen) == ["github.com/a/b"]
    clip = subprocess.run(["xclip", "-o", "-selection", "clipboard"], capture_output=True, timeout=10,
                          env={**os.environ, "DISPLAY": x_display}).stdout.decode("utf-8")
    assert clip == osc52 == "https://github.com/a/b"

    shell.paste_after(": git clone ", clip)
    shell.tmux.wait_for(": git clone https://github.com/a/b")
    shell.settle("AFTER-APP-COPY")
    assert not (shell.folder / "pwned").exists()


def test_even_a_raw_hijack_string_handed_to_the_clipboard_is_copied_inert(x_display: str,  # noqa: F811
                                                                          shell: Shell) -> None:
    sent: list[str] = []
    routes, problem = copy_everywhere(PASTE_HIJACK, sent.append)
    assert problem is None and routes == ["OSC 52", "xclip"]
    clip = subprocess.run(["xclip", "-o", "-selection", "clipboard"], capture_output=True, timeout=10,
                          env={**os.environ, "DISPLAY": x_display}).stdout.decode("utf-8")
    assert clip == sent[0] == "https://github.com/a/b touch pwned #"
    shell.paste_after(": git clone ", clip)
    shell.tmux.wait_for("touch pwned #")
    shell.settle("AFTER-RAW-COPY")
    assert not (shell.folder / "pwned").exists()


async def test_copy_and_open_recheck_links_from_an_old_library(seeded_home, monkeypatch,
                                                               fake_clipboard: list[str]) -> None:  # noqa: F811
    """A library written before links were validated: the keys refuse its bad links and say so."""
    app = make_app()
    opened: list[str] = []
    monkeypatch.setattr(app, "open_url", lambda url, new_tab=True: opened.append(url))
    async with app.run_test(size=(120, 40)) as pilot:
        main = await search_for(pilot, "pruning")
        hostile = replace(main.current_paper(), url="javascript:alert(1)",
                          links=[Link(PASTE_HIJACK, "code", "github.com")])
        monkeypatch.setattr(MainScreen, "current_paper", lambda self: hostile)
        await pilot.press("escape", "y", "c", "o", "m")
        await settle(pilot)
        notes = notifications(app)
    assert opened == []
    assert notes.count("Not using the paper link: it is not a plain http(s) link.") == 2  # y and o
    assert "Not using the code link: it is not a plain http(s) link." in notes
    assert fake_clipboard == [markdown_text(hostile.title)]  # m: without a valid link, the title alone
