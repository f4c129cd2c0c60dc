"""Where a catalogue's bytes come from, and which kind each file is.

Everything after this module works on (relative path, bytes) pairs and does
not know whether they came from a folder or from git objects.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

SETTINGS_FILE = "tthc.yaml"
YAML_SUFFIXES = (".yaml", ".yml")
OUTSIDE = "outside"


class CatalogueNotFound(Exception):
    """No catalogue where the user pointed; the CLI turns this into exit code 2."""


@dataclass(frozen=True)
class SourceFile:
    path: str
    """Relative to the catalogue root, with forward slashes."""
    kind: str
    data: bytes | None
    """None when the file was refused or could not be read; ``error`` says why."""
    error: str = ""


def kind_of(path: str) -> str | None:
    """The kind of a catalogue file from its place: the layout is the contract."""
    if path == SETTINGS_FILE:
        return "catalogue"
    if not path.endswith(YAML_SUFFIXES):
        return None
    top = path.split("/", 1)[0]
    if top == "procedures":
        return "procedure"
    if top == "decisions":
        return "decision"
    return None


def find_catalogue(start: Path | None = None) -> Path:
    """The catalogue root for a path given by the user, or for the working folder.

    An explicit folder or file wins; otherwise walk up to a ``tthc.yaml``;
    otherwise ``./catalogue``.
    """
    if start is not None:
        start = start.resolve() if start.exists() else start
        if not start.exists():
            raise CatalogueNotFound(f"Không tìm thấy “{start}”.")
        here = start if start.is_dir() else start.parent
        for folder in (here, *here.parents):
            if (folder / SETTINGS_FILE).is_file():
                return folder
        if start.is_dir() and (start / "procedures").is_dir():
            return start
        raise CatalogueNotFound(
            f"“{start}” không nằm trong một bộ danh mục (không thấy tệp {SETTINGS_FILE} ở thư mục này hay thư mục cha)."
        )
    cwd = Path.cwd()
    for folder in (cwd, *cwd.parents):
        if (folder / SETTINGS_FILE).is_file():
            return folder
    fallback = cwd / "catalogue"
    if (fallback / SETTINGS_FILE).is_file():
        return fallback
    raise CatalogueNotFound(
        f"Không tìm thấy bộ danh mục: không có {SETTINGS_FILE} ở thư mục hiện tại, các thư mục cha, hay ./catalogue."
    )


def folder_files(root: Path) -> Iterator[SourceFile]:
    """Catalogue files under ``root`` in a stable order; links out of it are refused.

    Plain ``os`` calls on strings, not ``pathlib``: at 10,000 files the
    objects pathlib builds per file cost more than reading the bytes.
    """
    real_root = root.resolve()
    top = os.fspath(root)
    entries: list[tuple[str, str]] = []
    for dirpath, dirnames, filenames in os.walk(top, followlinks=False):
        dirnames[:] = sorted(d for d in dirnames if not d.startswith("."))
        folder = os.path.relpath(dirpath, top).replace(os.sep, "/")
        for name in filenames:
            rel = name if folder == "." else f"{folder}/{name}"
            if kind_of(rel) is not None:
                entries.append((rel, os.path.join(dirpath, name)))
    for rel, full in sorted(entries):
        kind = kind_of(rel)
        assert kind is not None
        if os.path.islink(full) and _leads_out(Path(full), real_root):
            yield SourceFile(rel, kind, None, OUTSIDE)
            continue
        try:
            with open(full, "rb") as handle:
                data = handle.read()
        except OSError as error:
            yield SourceFile(rel, kind, None, error.strerror or str(error))
            continue
        yield SourceFile(rel, kind, data)


def _leads_out(link: Path, real_root: Path) -> bool:
    """Whether a symbolic link ends outside the catalogue.

    A link loop ends nowhere: Python before 3.13 raises on resolving it, which
    must not stop the whole run; reading it then fails, and says so.
    """
    try:
        return not link.resolve().is_relative_to(real_root)
    except RuntimeError:
        return False
