"""App settings (theme, key remapping), kept in the config directory.

Why not in ``paperdeck.index``: these are preferences of the face, not the engine. The file is small JSON
written atomically; a broken one is kept aside like every other paperdeck file.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

from paperdeck.index import locations
from paperdeck.index import one_line
from paperdeck.index import load_json_recovering, save_json_with_backup


@dataclass
class Settings:
    theme: str = "textual-dark"
    keymap: dict[str, str] = field(default_factory=dict)  # binding id -> keys, e.g. {"copy_link": "Y"}


def _validate(data: Any) -> Settings:
    if not isinstance(data, dict):
        raise ValueError("expected an object")
    keymap = data.get("keymap") or {}
    if not isinstance(keymap, dict) or not all(isinstance(k, str) and isinstance(v, str) for k, v in keymap.items()):
        raise ValueError("'keymap' must map binding ids to keys")
    theme = data.get("theme")
    # A hand-edited file is untrusted text like any source: single-line, no controls, bounded.
    return Settings(theme=one_line(theme)[:100] if isinstance(theme, str) and one_line(theme) else Settings.theme,
                    keymap={one_line(k)[:100]: one_line(v)[:100] for k, v in keymap.items()})


def load_settings() -> tuple[Settings, str | None]:
    return load_json_recovering(locations.settings_path(), _validate, Settings)


def save_settings(settings: Settings) -> None:
    save_json_with_backup(locations.settings_path(), asdict(settings))
