"""The installed app in real surroundings: a real terminal (tmux) and a real X clipboard (Xvfb + xclip).

CI installs tmux, Xvfb and xclip (``.ci/run``); on a machine without them these tests skip locally but fail in
CI, so a missing install step cannot pass unnoticed.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from paperdeck.tui.testing import make_app, settle

pytestmark = pytest.mark.slow


def need(tool: str) -> str:
    path = shutil.which(tool)
    if path is None:
        if os.environ.get("CI"):
            pytest.fail(f"{tool} is missing in CI: .ci/run must install it")
        pytest.skip(f"{tool} is not installed")
    return path


def paperdeck_exe() -> str:
    exe = Path(sys.executable).with_name("paperdeck")
    return str(exe) if exe.exists() else need("paperdeck")


class Tmux:
    """One tmux session running a command, with send-keys and a polling capture-pane."""

    def __init__(self, name: str, command: str, env: dict[str, str]) -> None:
        self.name = name
        self.transcript: list[str] = []
        self.env = env
        subprocess.run([need("tmux"), "new-session", "-d", "-s", name, "-x", "120", "-y", "40", command],
                       check=True, env=env)

    def send(self, *keys: str) -> None:
        subprocess.run(["tmux", "send-keys", "-t", self.name, *keys], check=True, env=self.env)

    def capture(self) -> str:
        return subprocess.run(["tmux", "capture-pane", "-p", "-t", self.name], capture_output=True, text=True,
                              env=self.env).stdout

    def wait_for(self, text: str, timeout: float = 60.0) -> str:
        deadline = time.monotonic() + timeout
        screen = ""
        while time.monotonic() < deadline:
            screen = self.capture()
            if text in screen:
                self.transcript.append(f"--- after waiting for {text!r} ---\n{screen}")
                return screen
            time.sleep(0.2)
        raise AssertionError(f"{text!r} never appeared; the screen was:\n{screen}")

    def alive(self) -> bool:
        return subprocess.run(["tmux", "has-session", "-t", self.name], capture_output=True, env=self.env).returncode == 0

    def kill(self) -> None:
        subprocess.run(["tmux", "kill-session", "-t", self.name], capture_output=True, env=self.env)


def test_smoke_search_open_bookmark_quit_in_tmux(seeded_home: Path, tmp_path: Path) -> None:
    env = {**os.environ, "PAPERDECK_HOME": str(seeded_home), "TERM": "xterm-256color",
           "TMUX_TMPDIR": str(tmp_path)}
    env.pop("TMUX", None)
    session = Tmux(f"paperdeck-smoke-{os.getpid()}", f"{paperdeck_exe()}", env)
    try:
        session.wait_for("456 papers")
        session.send("sparse attention")
        session.wait_for("12 papers")
        session.wait_for("Efficient Content-Based Sparse Attention")
        session.send("Escape")
        time.sleep(0.5)  # let Textual tell a lone ESC from the start of an escape sequence
        session.send("Enter")
        session.wait_for("listed on 003_171782c9c99b4678.txt")
        session.send("b")
        session.wait_for("★ bookmarked")
        session.send("q")
        deadline = time.monotonic() + 30
        while session.alive() and time.monotonic() < deadline:
            time.sleep(0.2)
        assert not session.alive(), "q did not quit the app"
    finally:
        (tmp_path / "transcript.txt").write_text("\n".join(session.transcript))
        session.kill()
    listed = subprocess.run([paperdeck_exe(), "bookmarks", "list", "--json"], capture_output=True, text=True,
                            env=env, check=True)
    marks = json.loads(listed.stdout)
    assert [m["key"] for m in marks] == ["efficient-content-based-sparse-attention-with-routing-transformers"]


@pytest.fixture
def x_display(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    """A real X server (Xvfb) for this test, with DISPLAY pointing at it."""
    need("xclip")
    read_fd, write_fd = os.pipe()
    server = subprocess.Popen([need("Xvfb"), "-displayfd", str(write_fd), "-nolisten", "tcp", "-screen", "0",
                               "640x480x24"], pass_fds=(write_fd,), stderr=subprocess.DEVNULL)
    os.close(write_fd)
    with os.fdopen(read_fd) as reader:
        number = reader.readline().strip()
    display = f":{number}"
    monkeypatch.setenv("DISPLAY", display)
    monkeypatch.delenv("WAYLAND_DISPLAY", raising=False)
    yield display
    server.terminate()
    server.wait(timeout=10)


async def test_y_puts_the_paper_url_on_the_x_clipboard(seeded_home, x_display) -> None:
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press(*"sparse attention")
        main = await settle(pilot)
        await pilot.press("escape", "y")
        await settle(pilot)
        url = main.query_one("#results").current.paper.url
        notes = [n.message for n in app._notifications]
    clip = subprocess.run(["xclip", "-o", "-selection", "clipboard"], capture_output=True, text=True, timeout=10,
                          env={**os.environ, "DISPLAY": x_display})
    assert clip.stdout == url
    assert notes[-1] == "Copied the paper link via OSC 52 and xclip"


async def test_no_display_and_no_tool_is_a_notification(seeded_home, monkeypatch, tmp_path) -> None:
    monkeypatch.delenv("DISPLAY", raising=False)
    monkeypatch.delenv("WAYLAND_DISPLAY", raising=False)
    empty_bin = tmp_path / "bin"
    empty_bin.mkdir()
    monkeypatch.setenv("PATH", str(empty_bin))
    app, notes = await copy_link_after_searching("pruning")
    assert app.clipboard.startswith("https://")  # OSC 52 was still sent
    assert notes[-1] == ("Copied the paper link via OSC 52; system clipboard: no clipboard tool found "
                         "(install xclip, xsel or wl-clipboard)")


async def copy_link_after_searching(query: str):  # type: ignore[no-untyped-def]
    """Run the app, search, press y; return the app and the notifications it showed."""
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press(*query)
        await settle(pilot)
        await pilot.press("escape", "y")
        await settle(pilot)
        notes = [n.message for n in app._notifications]
    return app, notes


def _fake_tool(folder: Path, name: str, body: str) -> None:
    folder.mkdir(exist_ok=True)
    tool = folder / name
    tool.write_text("#!/bin/sh\n" + body + "\n")
    tool.chmod(0o755)


@pytest.mark.parametrize("body,problem", [
    ("echo 'Error: Can\'t open display' >&2; exit 1", "xclip ran but the clipboard does not hold the text"),
    ("sleep 60", "the clipboard tool did not answer within 3 s"),
])
async def test_a_clipboard_tool_that_fails_or_hangs(seeded_home, monkeypatch, tmp_path, body, problem) -> None:
    fake_bin = tmp_path / "bin"
    for name in ("xclip", "xsel", "wl-copy", "wl-paste"):
        _fake_tool(fake_bin, name, body if name == "xclip" else "exit 1")
    monkeypatch.setenv("PATH", f"{fake_bin}:/usr/bin:/bin")
    monkeypatch.setenv("DISPLAY", ":4321")
    app, notes = await copy_link_after_searching("pruning")
    assert app.return_code is None  # still running when the test left it
    assert notes[-1] == f"Copied the paper link via OSC 52; system clipboard: {problem}"
