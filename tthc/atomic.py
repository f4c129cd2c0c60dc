"""Every write tthc makes: atomic, never through a symbolic link, with the mode the user's umask gives.

A reader sees the old file or the new one, never half of one. A catalogue
comes from many hands, and a pull request can commit a symbolic link
(``procedures/viec-lam → ../../x``) where a folder belongs: a write that
followed it would put a file wherever the link points, with exit 0. So every
writer names the folder it writes under (the catalogue root, the output
folder, or the parent of an output file) and :func:`checked_path` refuses a
link on the way from there to the file, the file itself included. Links above
that folder are the user's own choice (a catalogue opened through a link,
``/tmp`` on macOS) and are followed as usual. The rule is the simplest safe
one: any link on the write path is refused, even one that stays inside.

Files get ``0666 & ~umask`` and folders ``0777 & ~umask``, as with any file
the user creates: colleagues and the web server on a shared folder must read
them, and ``tempfile`` would make them private.
"""

from __future__ import annotations

import os
import stat
import tempfile
from collections.abc import Iterable
from pathlib import Path

_NOFOLLOW = getattr(os, "O_NOFOLLOW", 0)


class LinkOnWritePath(OSError):
    """A symbolic link where tthc would write; the message (Vietnamese) names it and where it points.

    An :class:`OSError`, so that a writer that already turns a failed write
    into a message (or, like the cache, skips it) refuses a link the same way.
    """

    def __init__(self, link: Path, target: str) -> None:
        self.link = link
        self.target = target
        super().__init__(
            f"“{link}” là liên kết tượng trưng (symlink) tới “{target}”; tthc không ghi qua liên kết. "
            "Thay liên kết bằng thư mục hoặc tệp thật, hoặc chọn chỗ ghi khác."
        )


def umask() -> int:
    """The process's umask, read without changing it where the system allows (no race with a thread)."""
    try:
        with open("/proc/self/status", encoding="ascii") as status:
            for line in status:
                if line.startswith("Umask:"):
                    return int(line.split()[1], 8)
    except (OSError, ValueError):
        pass
    current = os.umask(0o022)
    os.umask(current)
    return current


def file_mode() -> int:
    """The mode of a new file: what ``open`` gives under the user's umask."""
    return 0o666 & ~umask()


def folder_mode() -> int:
    """The mode of a new folder: what ``mkdir`` gives under the user's umask."""
    return 0o777 & ~umask()


def checked_path(path: Path, top: Path | None = None) -> Path:
    """``path`` made absolute (``..`` read by name), after refusing a link between ``top`` and it.

    ``top`` is the folder the write belongs under (default: the file's own
    folder, so only the file itself is checked). Every existing component
    below ``top`` is looked at with ``lstat``; the first link raises
    :class:`LinkOnWritePath`, shown as the caller spelled it. What does not
    exist yet is created by the writer, as a real folder. Write to the path
    returned, not to ``path``: it is the one that was checked.
    """
    absolute = Path(os.path.abspath(path))
    base = Path(os.path.abspath(top)) if top is not None else absolute.parent
    try:
        parts = absolute.relative_to(base).parts
    except ValueError:
        raise ValueError(f"{path} is not under {top}") from None  # a caller's mistake, not the user's
    current = base
    for part in parts:
        current = current / part
        try:
            mode = os.lstat(current).st_mode
        except (FileNotFoundError, NotADirectoryError):
            break  # created by the writer as a real folder, or the write fails with the system's message
        if stat.S_ISLNK(mode):
            raise LinkOnWritePath(_shown(current), os.readlink(current))
    return absolute


def first_link(folder: Path) -> Path | None:
    """The first symbolic link found inside ``folder`` (not followed), or None: what a folder being replaced holds."""
    pending = [os.fspath(folder)]
    while pending:
        with os.scandir(pending.pop()) as entries:
            for entry in sorted(entries, key=lambda e: e.name):
                if entry.is_symlink():
                    return _shown(Path(entry.path))
                if entry.is_dir(follow_symlinks=False):
                    pending.append(entry.path)
    return None


def _shown(path: Path) -> Path:
    """A path as short as the user would type it: from the working folder when it lies there."""
    try:
        return path.relative_to(Path.cwd())
    except ValueError:
        return path


def output_top(path: Path) -> Path:
    """Where the check of an output the user named starts: the working folder, when the output lies in it.

    A repository checked out in CI is the working folder, and a pull request
    controls what is in it: ``-o reports/out.sarif`` must not follow a
    ``reports`` link it committed. Outside the working folder, only the
    output itself is checked; the folders above it are the user's own.
    """
    here = Path.cwd()
    absolute = Path(os.path.abspath(path))
    return here if absolute.is_relative_to(here) and absolute != here else absolute.parent


def write_output(path: Path, data: bytes) -> None:
    """Write a report, export or annex the user named with ``--output``: atomically, through no link."""
    write_bytes_atomic(path, data, output_top(path))


def _make_folder(folder: Path) -> None:
    folder.mkdir(parents=True, exist_ok=True)  # mkdir applies the umask to 0777 itself


def _temporary(path: Path, data: bytes, mode: int) -> str:
    """A temporary file beside ``path`` holding ``data``, flushed to disk, with ``mode``."""
    return _temporary_parts(path, (data,), mode)


def _temporary_parts(path: Path, parts: Iterable[bytes | memoryview], mode: int) -> str:
    """:func:`_temporary` of the bytes of ``parts`` one after the other, never joined in memory."""
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        os.fchmod(fd, mode)  # mkstemp makes it private (0600); a catalogue file or report is not a secret
        with os.fdopen(fd, "wb") as handle:
            for part in parts:
                handle.write(part)
            handle.flush()
            os.fsync(handle.fileno())
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return tmp


def write_bytes_atomic(path: Path, data: bytes, top: Path | None = None) -> None:
    """Replace ``path`` (or create it, and its folders) at once; refuses a link below ``top`` or at ``path``.

    A new file gets the user's file mode; a file replaced keeps its own.
    """
    write_parts_atomic(path, (data,), top)


def write_parts_atomic(path: Path, parts: Iterable[bytes | memoryview], top: Path | None = None) -> None:
    """:func:`write_bytes_atomic` of the bytes of ``parts``, written one after the other.

    For a file of hundreds of megabytes made of pieces already in memory
    (the cache's store): joining them first would hold the file twice.
    """
    target = checked_path(path, top)
    _make_folder(target.parent)
    try:
        mode = stat.S_IMODE(os.lstat(target).st_mode)  # a file replaced keeps its mode, as an editor keeps it
    except OSError:
        mode = file_mode()
    tmp = _temporary_parts(target, parts, mode)
    try:
        os.replace(tmp, target)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def write_text_atomic(path: Path, text: str, top: Path | None = None) -> None:
    write_bytes_atomic(path, text.encode("utf-8"), top)


def create_atomic(path: Path, data: bytes, top: Path) -> None:
    """Create a new file at once, never over one, even one that appears meanwhile (:class:`FileExistsError`).

    The content goes to a temporary file first and is then hard-linked into
    place, which fails if the name is taken (a link there included): no
    half-written file, and no race with a colleague creating the same file.
    """
    target = checked_path(path, top)
    if os.path.lexists(target):
        raise FileExistsError(path)
    _make_folder(target.parent)
    checked_path(path, top)  # the folders now exist: none of them may have been a link made meanwhile
    tmp = _temporary(target, data, file_mode())
    try:
        try:
            os.link(tmp, target)
        except FileExistsError:
            raise
        except OSError:  # a file system without hard links: O_EXCL neither overwrites nor follows a link
            fd = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666)
            with os.fdopen(fd, "wb") as handle:
                handle.write(data)
    finally:
        Path(tmp).unlink(missing_ok=True)


def write_new(path: Path, data: bytes | Iterable[bytes]) -> None:
    """Write a file that is not a link, in a folder already checked: ``O_NOFOLLOW``, the user's mode.

    For the many files of a render, written into a fresh staging folder:
    nothing there can be a link unless something made one, and then the
    write fails rather than following it.
    """
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC | _NOFOLLOW, 0o666)
    except OSError:
        if path.is_symlink():
            raise LinkOnWritePath(_shown(path), os.readlink(path)) from None
        raise
    with os.fdopen(fd, "wb") as handle:
        if isinstance(data, bytes):
            handle.write(data)
        else:  # a page too big to hold whole, written as it is made
            handle.writelines(data)
