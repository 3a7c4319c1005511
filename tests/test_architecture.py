"""The engine stays usable without the TUI: import-linter's contract (pyproject.toml) must hold."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

from conftest import REPO


def test_index_never_imports_textual() -> None:
    exe = shutil.which("lint-imports") or str(Path(sys.executable).with_name("lint-imports"))
    proc = subprocess.run([exe], cwd=REPO, capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "Contracts: 1 kept, 0 broken." in proc.stdout


def test_no_engine_module_reaches_the_tui_in_any_form() -> None:
    """Not even as text: a script run with ``python -c`` or ``-m`` is invisible to import-linter."""
    for path in sorted((REPO / "index").rglob("*.py")):
        text = path.read_text(encoding="utf-8")
        assert "paperdeck.tui" not in text and "paperdeck.bench" not in text, path


def test_importing_the_engine_does_not_load_textual() -> None:
    code = "import sys, paperdeck.index.library, paperdeck.index.cli, paperdeck.tui.main; print('textual' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "False"
