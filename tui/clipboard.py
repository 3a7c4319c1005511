"""Copying text: OSC 52 through the terminal, plus the system clipboard through pyperclip. Never raises.

Why both: OSC 52 works over SSH and needs no tool, but many terminals ignore it silently; pyperclip reaches the
desktop clipboard where a tool (xclip, xsel, wl-copy, pbcopy) exists. The pyperclip call runs in a daemon
thread with a timeout, because a clipboard tool can hang (an X server that never answers).
"""

from __future__ import annotations

import threading
from collections.abc import Callable

PYPERCLIP_TIMEOUT = 3.0


def copy_with_pyperclip(text: str, timeout: float = PYPERCLIP_TIMEOUT) -> tuple[bool, str]:
    """Try the system clipboard. Returns (worked, route or problem), whatever pyperclip does."""
    outcome: list[tuple[bool, str]] = []

    def attempt() -> None:
        try:
            import pyperclip

            pyperclip.copy(text)
            outcome.append((True, _route_name(pyperclip)))
        except Exception as err:  # pyperclip raises its own and OS errors; none may reach the user
            outcome.append((False, _explain(err)))

    worker = threading.Thread(target=attempt, name="paperdeck-clipboard", daemon=True)
    worker.start()
    worker.join(timeout)
    if not outcome:
        return False, f"the clipboard tool did not answer within {timeout:g} s"
    return outcome[0]


def _route_name(pyperclip_module) -> str:  # type: ignore[no-untyped-def]
    copy = pyperclip_module.copy
    qualname = getattr(copy, "__qualname__", "") or getattr(copy, "__name__", "")
    for tool in ("xclip", "xsel", "wl", "klipper", "pbcopy", "windows", "qt", "gtk", "cygwin", "wsl"):
        if tool in qualname.lower():
            return {"wl": "wl-copy", "windows": "the Windows clipboard"}.get(tool, tool)
    return "the system clipboard"


def _explain(err: Exception) -> str:
    text = " ".join(str(err).split())
    if "could not find a copy/paste mechanism" in text.lower():
        return "no clipboard tool found (install xclip, xsel or wl-clipboard)"
    return f"{type(err).__name__}: {text[:120]}" if text else type(err).__name__


def copy_everywhere(text: str, send_osc52: Callable[[str], None]) -> tuple[list[str], str | None]:
    """OSC 52 first (cannot fail visibly), then pyperclip. Returns the routes that worked and any problem."""
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
