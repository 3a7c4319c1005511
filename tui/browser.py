"""Opening a link in the user's web browser, and saying truthfully whether that happened.

Why not ``App.open_url`` alone: it calls ``webbrowser.open`` and ignores the answer, so on a machine with no
browser the app said "Opening ..." and nothing opened. And without a display, ``webbrowser`` falls back to
console browsers (lynx, w3m, links) that would take over the very terminal the app is drawing on; those count
as "no browser" here, and the caller copies the link instead.
"""

from __future__ import annotations

import webbrowser
from urllib.parse import urlsplit


def open_in_browser(url: str) -> tuple[bool, str]:
    """Try to open ``url``; returns (opened, what happened in a few words). Never raises."""
    if urlsplit(url).scheme.lower() not in ("http", "https"):
        return False, "only http(s) links are opened"
    try:
        browser = webbrowser.get()
    except webbrowser.Error:
        return False, "no browser found"
    if isinstance(browser, webbrowser.GenericBrowser) and not isinstance(browser, webbrowser.BackgroundBrowser):
        # a console browser: it would run in the foreground of this very terminal
        return False, f"only a console browser ({browser.name}) was found"
    try:
        opened = browser.open(url)
    except Exception as err:  # a broken browser command: report it, keep the app running
        return False, f"the browser failed ({type(err).__name__})"
    return (True, "opened in the browser") if opened else (False, "the browser did not start")
