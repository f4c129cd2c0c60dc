"""Results of earlier runs, keyed by the content that produced them.

Validation runs on every save (pre-commit) and every pull request, and in a
catalogue of thousands of files almost none changed since the last run. So
what one file gives (its data, its YAML and schema findings, the findings
of the rules that need that file alone; not those when a command that only
reads the catalogue, such as diff, kept it, and then validation checks the
file again) is kept under a key made of everything it depends on: the file's
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

At 50,000 procedures the store is a quarter of a gigabyte, so it is never
copied whole: it is read once, each value is a view into what was read, and
it is written back value by value (``MAGIC``, the values, an index of their
keys and lengths, the index's length, then the checksum of all of that).

Where: ``$TTHC_CACHE_DIR``, else ``$XDG_CACHE_HOME/tthc``, else
``~/.cache/tthc``; ``TTHC_CACHE_DIR=off`` (or an empty value) turns it off.
"""

from __future__ import annotations

import functools
import hashlib
import itertools
import marshal
import os
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

from tthc import __version__
from tthc.atomic import write_parts_atomic

MAGIC = b"tthc-cache 3\n"
_DIGEST = 32
_LENGTH = 8
"""Bytes of the index's length, before the checksum at the end."""

Raw = bytes | memoryview
"""A value as marshal wrote it: bytes put in this run, or a view into the store read."""


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
    """One catalogue's store: get and put by key, then :meth:`save` once.

    Each value is kept marshalled on its own inside the store, and decoded
    only when asked for: a run in which nothing changed needs just the
    report, and decoding every file's data (a second per 10,000 files) would
    be most of its time. Entries that a run keeps without reading are
    written back as the bytes they came in.
    """

    def __init__(self, file: Path | None = None, entries: Mapping[bytes, Raw] | None = None) -> None:
        self.file = file
        self._old = entries or {}
        self._used: dict[bytes, Raw] = {}
        self._fresh: dict[bytes, Any] = {}
        self._changed = False

    @classmethod
    def open(cls, name: str) -> Cache:
        """The store for a catalogue named ``name`` (its absolute path); empty if missing or unusable."""
        folder = directory()
        if folder is None:
            return cls()
        file = folder / (hashlib.blake2b(name.encode("utf-8", "surrogateescape"), digest_size=16).hexdigest() + ".bin")
        return cls(file, _read(file))

    def get(self, k: bytes) -> Any:
        """The value kept under ``k``, or None; a value put in this run comes back as the same object."""
        if (value := self._fresh.get(k)) is not None:
            return value
        raw = self._used.get(k) or self._old.get(k)
        if raw is None:
            return None
        try:
            value = marshal.loads(raw)
        except (ValueError, EOFError, TypeError):
            return None
        self._used[k] = raw
        return value

    def __contains__(self, k: bytes) -> bool:
        """Whether a value is kept under ``k`` (not decoded, so a damaged one may still fail :meth:`get`)."""
        return k in self._fresh or k in self._used or k in self._old

    def keep(self, k: bytes) -> None:
        """Keep the value under ``k`` for the next run without decoding it: still in use, not read now."""
        if (raw := self._old.get(k)) is not None:
            self._used.setdefault(k, raw)

    def put(self, k: bytes, value: Any, raw: bytes | None = None) -> None:
        """Keep ``value`` under ``k``; ``raw`` is ``marshal.dumps(value)`` when the caller has it already."""
        raw = marshal.dumps(value) if raw is None else raw
        self._changed = self._changed or self._old.get(k) != raw  # an entry without rules, now with them
        self._used[k] = raw
        self._fresh[k] = value  # the new side of a diff asks again for most of what the old side put

    def save(self) -> None:
        """Write what this run used, if that differs from what was read; never fails the run."""
        if self.file is None or (not self._changed and self._used.keys() == self._old.keys()):
            return
        try:
            self.file.parent.mkdir(parents=True, exist_ok=True)
            write_parts_atomic(self.file, _parts(self._used))
        except OSError:
            pass  # a read-only home or a full disk costs speed, not the result


def _parts(entries: Mapping[bytes, Raw]) -> Iterator[Raw]:
    """The store's bytes, piece by piece (see the module's docstring), its checksum worked out on the way."""
    h = hashlib.blake2b(key=salt(), digest_size=_DIGEST)
    index = marshal.dumps((tuple(entries), tuple(map(len, entries.values()))))
    for part in itertools.chain((MAGIC,), entries.values(), (index, len(index).to_bytes(_LENGTH, "little"))):
        h.update(part)
        yield part
    yield h.digest()


def _read(file: Path) -> dict[bytes, Raw]:
    """Every value of the store by key, as views into the file read once; empty if the file is not a store."""
    try:
        blob = file.read_bytes()
    except OSError:
        return {}
    view, start, end = memoryview(blob), len(MAGIC), len(blob) - _LENGTH - _DIGEST
    if end < start or not blob.startswith(MAGIC):
        return {}
    if view[end + _LENGTH :] != hashlib.blake2b(view[: end + _LENGTH], key=salt(), digest_size=_DIGEST).digest():
        return {}
    size = int.from_bytes(view[end : end + _LENGTH], "little")
    try:
        keys, lengths = marshal.loads(view[max(start, end - size) : end])
    except (ValueError, EOFError, TypeError):
        return {}
    if not (
        isinstance(keys, tuple)
        and isinstance(lengths, tuple)
        and len(keys) == len(lengths)
        and all(isinstance(k, bytes) for k in keys)
        and all(type(n) is int and n >= 0 for n in lengths)
        and start + sum(lengths) == end - size
    ):
        return {}
    offsets = list(itertools.accumulate(lengths, initial=start))
    return {k: view[a:b] for k, a, b in zip(keys, offsets[:-1], offsets[1:], strict=True)}
