"""Run the same writer script in two processes at once against one ``PAPERDECK_HOME`` (for the "two writers lose
nothing" tests of the user files)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path


def run_two_writers(script: str, home: Path, count: int, names: tuple[str, str] = ("left", "right")) -> None:
    """Start ``python -c script NAME COUNT`` for both names at once and wait for both to succeed."""
    env = {**os.environ, "PAPERDECK_HOME": str(home)}
    procs = [subprocess.Popen([sys.executable, "-c", script, name, str(count)], env=env, stdout=subprocess.DEVNULL)
             for name in names]
    for proc in procs:
        assert proc.wait(timeout=300) == 0
