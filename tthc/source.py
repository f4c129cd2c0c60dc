"""Where a catalogue's bytes come from: a folder read as (relative path, kind, bytes).

Everything after this module works on (relative path, bytes) pairs and does
not know whether they came from a folder or from git objects.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from tthc.layout import PROCEDURES, SETTINGS_FILE, kind_of, settings_folder, yaml_files

__all__ = ["OUTSIDE", "SETTINGS_FILE", "CatalogueNotFound", "SourceFile", "find_catalogue", "folder_files"]

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


def find_catalogue(start: Path | None = None) -> Path:
    """The catalogue root for a path given by the user, or for the working folder.

    An explicit folder or file wins; otherwise walk up to a ``tthc.yaml``;
    otherwise ``./catalogue``.
    """
    if start is not None:
        start = start.resolve() if start.exists() else start
        if not start.exists():
            raise CatalogueNotFound(f"Không tìm thấy “{start}”.")
        root = settings_folder(start if start.is_dir() else start.parent)
        if root is not None:
            return root
        if start.is_dir() and (start / PROCEDURES).is_dir():
            return start
        raise CatalogueNotFound(
            f"“{start}” không nằm trong một bộ danh mục (không thấy tệp {SETTINGS_FILE} ở thư mục này hay thư mục cha)."
        )
    cwd = Path.cwd()
    root = settings_folder(cwd)
    if root is not None:
        return root
    fallback = cwd / "catalogue"
    if (fallback / SETTINGS_FILE).is_file():
        return fallback
    raise CatalogueNotFound(
        f"Không tìm thấy bộ danh mục: không có {SETTINGS_FILE} ở thư mục hiện tại, các thư mục cha, hay ./catalogue."
    )


def folder_files(root: Path) -> Iterator[SourceFile]:
    """Catalogue files under ``root`` in a stable order; links out of it are refused."""
    real_root = root.resolve()
    for rel, full in yaml_files(root):
        kind = kind_of(rel)
        if kind is None:
            continue
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
