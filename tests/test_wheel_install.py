"""A non-editable install works with no checkout present: the installed CLI finds the bundled seeds.

Offline by design: the wheel is built without build isolation, installed with ``--no-deps --no-index`` into a
fresh venv, and that venv borrows this environment's site-packages for the dependencies only (a plain path in
a .pth file, so this environment's editable install of paperdeck is *not* picked up).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import sysconfig
import venv
from pathlib import Path

import pytest

from conftest import REPO, UNIQUE_SEED_PAPERS

pytestmark = pytest.mark.slow


def test_wheel_installs_and_searches_the_bundled_seeds(tmp_path: Path) -> None:
    dist = tmp_path / "dist"
    subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "-q",
                    "-w", str(dist), str(REPO)], check=True, cwd=tmp_path, timeout=300)
    [wheel] = list(dist.glob("paperdeck-*.whl"))
    names = subprocess.run([sys.executable, "-m", "zipfile", "-l", str(wheel)], capture_output=True, text=True,
                           check=True).stdout
    assert "paperdeck/seeds/004_9444e382372ba2c9.txt" in names
    assert "paperdeck/tui/app.tcss" in names
    assert {f"paperdeck/tui/screens/{name}.tcss" for name in ("bookmarks", "help", "tags_note")} <= set(names.split())
    assert "\nindex/" not in names and not any(line.startswith("index/") for line in names.splitlines())

    env_dir = tmp_path / "venv"
    venv.create(env_dir, with_pip=False)
    py = env_dir / "bin" / "python"
    target_site = subprocess.run([str(py), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
                                 capture_output=True, text=True, check=True).stdout.strip()
    Path(target_site, "borrowed_deps.pth").write_text(sysconfig.get_paths()["purelib"] + "\n")
    subprocess.run([sys.executable, "-m", "pip", "--python", str(py), "install", "--no-deps", "--no-index", "-q",
                    str(wheel)], check=True, timeout=300)

    run_dir = tmp_path / "elsewhere"
    run_dir.mkdir()
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    env["PAPERDECK_HOME"] = str(tmp_path / "home")
    where = subprocess.run([str(py), "-c", "import paperdeck.index, paperdeck.tui; print(paperdeck.index.__file__)"],
                           capture_output=True, text=True, check=True, cwd=run_dir, env=env).stdout
    assert where.startswith(str(env_dir)), where
    proc = subprocess.run([str(env_dir / "bin" / "paperdeck"), "search", "sparse attention", "--json"],
                          capture_output=True, text=True, cwd=run_dir, env=env, timeout=300)
    assert proc.returncode == 0, proc.stderr
    results = json.loads(proc.stdout)
    assert results[0]["title"] == "Efficient Content-Based Sparse Attention with Routing Transformers"
    stats = subprocess.run([str(env_dir / "bin" / "paperdeck"), "stats", "--json"], capture_output=True, text=True,
                           cwd=run_dir, env=env, timeout=300)
    assert json.loads(stats.stdout)["papers"] == UNIQUE_SEED_PAPERS
