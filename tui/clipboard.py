"""Copying text: OSC 52 through the terminal, plus the system clipboard through pyperclip. Never raises.

Why both: OSC 52 works over SSH and needs no tool, but many terminals ignore it silently; pyperclip reaches the
desktop clipboard where a tool (xclip, xsel, wl-copy, pbcopy) exists.

Why pyperclip runs in a child process: a clipboard tool can hang (an X server that never answers) or print
errors straight to the terminal the app is drawing on. In a child with its output discarded and a timeout,
neither can reach the screen, and a hung tool is killed with its whole process group. The child reads the
text back (``pyperclip.paste``) so a tool that exits quietly without copying is reported, not trusted.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path

from paperdeck.index import clipboard_text

PYPERCLIP_TIMEOUT = 3.0

_CHILD = r"""
import json, sys, time
text = sys.stdin.buffer.read().decode("utf-8")
def explain(err):
    msg = " ".join(str(err).split())
    if "could not find a copy/paste mechanism" in msg.lower():
        return "no clipboard tool found (install xclip, xsel or wl-clipboard)"
    return (type(err).__name__ + ": " + msg[:120]) if msg else type(err).__name__
try:
    import pyperclip
    pyperclip.copy(text)
    name = (getattr(pyperclip.copy, "__qualname__", "") or "").lower()
    route = next((label for key, label in (("xclip", "xclip"), ("xsel", "xsel"), ("wl", "wl-copy"),
                  ("klipper", "klipper"), ("pbcopy", "pbcopy"), ("windows", "the Windows clipboard"),
                  ("qt", "qt"), ("gtk", "gtk"), ("wsl", "wsl")) if key in name), "the system clipboard")
    back = pyperclip.paste()
    for _ in range(20):  # xclip serves the selection from a process it forks: give it a moment to take it
        if back == text:
            break
        time.sleep(0.05)
        back = pyperclip.paste()
    result = {"ok": back == text, "route": route,
              "problem": None if back == text else route + " ran but the clipboard does not hold the text"}
except BaseException as err:
    result = {"ok": False, "route": None, "problem": explain(err)}
with open(sys.argv[1], "w", encoding="utf-8") as handle:
    json.dump(result, handle)
"""


def copy_with_pyperclip(text: str, timeout: float = PYPERCLIP_TIMEOUT) -> tuple[bool, str]:
    """Try the system clipboard. Returns (worked, route or problem), whatever pyperclip or the tool does."""
    with tempfile.TemporaryDirectory(prefix="paperdeck-clip-") as folder:
        result_path = Path(folder) / "result.json"
        try:
            child = subprocess.Popen([sys.executable, "-c", _CHILD, str(result_path)], stdin=subprocess.PIPE,
                                     stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
        except OSError as err:
            return False, f"could not start the clipboard helper: {err.strerror}"
        try:
            child.communicate(text.encode("utf-8"), timeout=timeout)
        except subprocess.TimeoutExpired:
            _kill_group(child)
            return False, f"the clipboard tool did not answer within {timeout:g} s"
        try:
            result = json.loads(result_path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return False, f"the clipboard helper failed (exit status {child.returncode})"
    if result.get("ok"):
        return True, str(result.get("route"))
    return False, str(result.get("problem") or "unknown problem")


def _kill_group(child: subprocess.Popen[bytes]) -> None:
    try:
        os.killpg(child.pid, signal.SIGKILL)
    except OSError:
        child.kill()
    child.wait()


def copy_everywhere(text: str, send_osc52: Callable[[str], None]) -> tuple[list[str], str | None]:
    """OSC 52 first (cannot fail visibly), then pyperclip. Returns the routes that worked and any problem.

    Whatever the caller passes, only ``clipboard_text`` of it is copied: one line, no ESC, newline or other
    control, because clipboard text gets pasted into shells (``ESC[201~`` ends bracketed paste).
    """
    text = clipboard_text(text)
    routes: list[str] = []
    try:
        send_osc52(text)
        routes.append("OSC 52")
    except Exception:  # a closed terminal; nothing to tell beyond pyperclip's answer
        pass
    worked, detail = copy_with_pyperclip(text)
    if worked:
        routes.append(detail)
        return routes, None
    return routes, detail
