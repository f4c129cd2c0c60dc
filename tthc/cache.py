"""Results of earlier runs, keyed by the content that produced them.

Validation runs on every save (pre-commit) and every pull request, and in a
catalogue of thousands of files almost none changed since the last run. So
what one file gives (its data, its YAML and schema findings, its text
findings) is kept under a key made of everything it depends on: the file's
path, kind and bytes, the limits in force, and tthc itself (every module and
schema of the installed package, so an upgrade or a local edit of tthc
starts afresh). Cross-file rules always run again on the whole catalogue;
a whole validation report is kept too, under the keys of all its files.

The store is one file per catalogue, written to a temporary file and renamed
(two runs at once: the last one wins, both files are whole), with a checksum
over its content: a file that is cut short, corrupt, foreign or from another
version of tthc is ignored, never trusted. Only what the last run used is
written back, so the store stays the size of the catalogue. Values are
plain data (``marshal``), so reading a store can run no code.

Where: ``$TTHC_CACHE_DIR``, else ``$XDG_CACHE_HOME/tthc``, else
``~/.cache/tthc``; ``TTHC_CACHE_DIR=off`` (or an empty value) turns it off.
"""

from __future__ import annotations

import functools
import hashlib
import marshal
import os
from pathlib import Path
from typing import Any

from tthc import __version__
from tthc.atomic import write_bytes_atomic

MAGIC = b"tthc-cache 1\n"
_DIGEST = 32


@functools.cache
def salt() -> bytes:
    """A digest of tthc's own code and schemas: results of another tthc are never reused."""
    h = hashlib.blake2b(__version__.encode(), digest_size=_DIGEST)
    package = Path(__file__).parent
    for path in sorted(p for p in package.rglob("*") if p.suffix in (".py", ".json")):
        h.update(path.relative_to(package).as_posix().encode() + b"\0" + path.read_bytes() + b"\0")
    return h.digest()


def key(*parts: bytes | str) -> bytes:
    """The key of a result, from everything it depends on (tthc's :func:`salt` included)."""
    h = hashlib.blake2b(salt(), digest_size=20)
    for part in parts:
        data = part.encode("utf-8", "surrogateescape") if isinstance(part, str) else part
        h.update(len(data).to_bytes(8, "little") + data)
    return h.digest()


def directory() -> Path | None:
    """Where stores live, or None when caching is off."""
    chosen = os.environ.get("TTHC_CACHE_DIR")
    if chosen is not None:
        return None if chosen.strip() in ("", "off", "0") else Path(chosen)
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "tthc"


class Cache:
    """One catalogue's store: get and put by key, then :meth:`save` once."""

    def __init__(self, file: Path | None = None, entries: dict[bytes, Any] | None = None) -> None:
        self.file = file
        self._old = entries or {}
        self._used: dict[bytes, Any] = {}

    @classmethod
    def open(cls, name: str) -> Cache:
        """The store for a catalogue named ``name`` (its absolute path); empty if missing or unusable."""
        folder = directory()
        if folder is None:
            return cls()
        file = folder / (hashlib.blake2b(name.encode("utf-8", "surrogateescape"), digest_size=16).hexdigest() + ".bin")
        return cls(file, _read(file))

    def get(self, k: bytes) -> Any:
        """The value kept under ``k``, or None."""
        value = self._used.get(k)
        if value is None and (value := self._old.get(k)) is not None:
            self._used[k] = value
        return value

    def put(self, k: bytes, value: Any) -> None:
        self._used[k] = value

    def save(self) -> None:
        """Write what this run used, if that differs from what was read; never fails the run."""
        if self.file is None or self._used.keys() == self._old.keys():
            return
        payload = marshal.dumps(self._used)
        digest = hashlib.blake2b(payload, key=salt(), digest_size=_DIGEST).digest()
        try:
            self.file.parent.mkdir(parents=True, exist_ok=True)
            write_bytes_atomic(self.file, MAGIC + digest + payload)
        except OSError:
            pass  # a read-only home or a full disk costs speed, not the result


def _read(file: Path) -> dict[bytes, Any]:
    try:
        blob = file.read_bytes()
    except OSError:
        return {}
    head = len(MAGIC)
    digest, payload = blob[head : head + _DIGEST], blob[head + _DIGEST :]
    if not blob.startswith(MAGIC) or digest != hashlib.blake2b(payload, key=salt(), digest_size=_DIGEST).digest():
        return {}
    try:
        entries = marshal.loads(payload)
    except (ValueError, EOFError, TypeError):
        return {}
    return entries if isinstance(entries, dict) else {}
