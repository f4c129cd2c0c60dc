"""The output folder of render and build: checked, staged beside it, swapped in whole.

Everything is written into a temporary folder beside the output folder and
moved into place only when complete, so a reader (a kiosk, a web server, an
official printing) sees the old output or the new one, never half of each;
and only the output folder itself is ever replaced. Before anything is
deleted the output folder is checked: it must not be the catalogue, one of
its parents, the filesystem root or the home folder, and if it holds
anything it must carry the marker of a previous tthc output, so a typo in
``--out`` can never wipe someone's documents. Runs killed while writing leave
staging folders that the next run removes.
"""

from __future__ import annotations

import contextlib
import os
import re
import secrets
import shutil
import signal
import tempfile
import threading
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path

from tthc.atomic import LinkOnWritePath, checked_path, first_link, folder_mode, output_top, write_new
from tthc.layout import SAFE_NAME

MARKER = ".tthc-output"
"""A file in every output folder: proof that tthc made it and may replace it."""
MARKER_TEXT = "Thư mục này do tthc tạo ra (tthc render / tthc build) và sẽ được thay thế toàn bộ khi tạo lại.\n"

Progress = Callable[[int, int], None]
"""Called with (files written, files in all)."""


class RenderError(Exception):
    """Rendering cannot go on; the message (Vietnamese) is for the user, exit code 2."""




def _home() -> Path | None:
    try:
        return Path.home().resolve()
    except (RuntimeError, KeyError, OSError):
        return None


def check_output(out: Path, catalogue_root: Path | None = None) -> Path:
    """The resolved output folder, or :class:`RenderError` if replacing it could destroy anything else.

    A symbolic link is refused as the output folder, on the way to it from
    the working folder (see :func:`tthc.atomic.output_top`), and anywhere in
    an output folder being replaced: tthc never made it, so someone else did.
    """
    try:
        checked_path(out, output_top(out))
    except LinkOnWritePath as error:
        raise RenderError(str(error)) from error
    target = out.resolve()
    if target == Path(target.anchor):
        raise RenderError("Không thể dùng thư mục gốc của hệ thống tệp làm thư mục đầu ra.")
    home = _home()
    if home is not None and (target == home or target in home.parents):
        raise RenderError(f"Không thể dùng thư mục “{target}” (thư mục nhà hoặc thư mục chứa nó) làm thư mục đầu ra.")
    if catalogue_root is not None:
        root = catalogue_root.resolve()
        if target == root or target in root.parents:
            raise RenderError(
                f"Thư mục đầu ra “{target}” là bộ danh mục hoặc thư mục chứa nó; hãy chọn thư mục khác, ví dụ “build”."
            )
    if target.exists():
        if not target.is_dir():
            raise RenderError(f"“{target}” đã có và không phải là thư mục.")
        if any(target.iterdir()) and not (target / MARKER).is_file():
            raise RenderError(
                f"Thư mục “{target}” đã có nội dung nhưng không phải do tthc tạo ra (thiếu tệp {MARKER}); "
                "tthc không ghi đè để tránh xóa nhầm. Hãy chọn thư mục trống hoặc thư mục mới."
            )
        if (link := first_link(target)) is not None:
            raise RenderError(str(LinkOnWritePath(link, os.readlink(link))))
    return target


_LEFTOVER = r"\.{name}\.(?:tmp-[a-z0-9_]{{8}}|old-[0-9a-f]{{12}})"
"""The folders :func:`staging` and :func:`_publish` make beside an output folder ``name``, and only those."""


@contextmanager
def staging(out: Path) -> Iterator[Path]:
    """A temporary folder beside ``out``; moved into place when the block ends without error.

    Workers that write into it are started inside the block, so that an error
    or an interrupt stops them (:func:`tthc.parallel.pool`) before the folder
    is removed: they would make parts of it again. A run killed outright cannot remove it: the next
    run writing ``out`` does (:func:`remove_leftovers`). The folder is locked
    while in use, so that a run writing ``out`` at the same time keeps it.
    """
    out.parent.mkdir(parents=True, exist_ok=True)
    remove_leftovers(out)
    tmp = Path(tempfile.mkdtemp(prefix=f".{out.name}.tmp-", dir=out.parent))
    with locked(tmp):
        try:
            yield tmp
            (tmp / MARKER).write_text(MARKER_TEXT, encoding="utf-8")
            tmp.chmod(folder_mode())  # mkdtemp makes it private; the output is for a web server or a kiosk
            _publish(tmp, out)
        except BaseException:
            shutil.rmtree(tmp, ignore_errors=True)
            raise


def _publish(tmp: Path, out: Path) -> None:
    """Swap the finished folder in: the old output is renamed away first, then deleted.

    Ctrl-C and SIGTERM are ignored while it runs (a fraction of a second):
    once it starts, the new output goes into place and the command ends as
    done (exit code 0), never with half of a swap undone.
    """
    with _signals_held():
        if not out.exists():
            os.rename(tmp, out)
            return
        old = out.parent / f".{out.name}.old-{secrets.token_hex(6)}"
        with locked(out):  # the lock moves with the folder to its old name
            os.rename(out, old)
            try:
                os.rename(tmp, out)
            except BaseException:
                os.rename(old, out)
                raise
            shutil.rmtree(old, ignore_errors=True)


def remove_leftovers(out: Path) -> None:
    """Remove the staging and old folders of runs killed while writing ``out`` (60 MB each at 1,500 procedures).

    Only folders named as tthc names them, real folders (not links), and
    not locked by a run still going.
    """
    leftover = re.compile(_LEFTOVER.format(name=re.escape(out.name)))
    with os.scandir(out.parent) as entries:
        found = [Path(e.path) for e in entries if leftover.fullmatch(e.name) and e.is_dir(follow_symlinks=False)]
    for folder in found:
        with contextlib.suppress(OSError), locked(folder, wait=False):
            shutil.rmtree(folder)


@contextmanager
def locked(folder: Path, wait: bool = True) -> Iterator[None]:
    """An exclusive lock on ``folder``, freed when the block ends or the process dies; OSError when taken and not ``wait``."""
    try:
        import fcntl
    except ImportError:  # not on POSIX: no lock
        yield
        return
    fd = os.open(folder, os.O_RDONLY)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX if wait else fcntl.LOCK_EX | fcntl.LOCK_NB)
        yield
    finally:
        os.close(fd)


@contextmanager
def _signals_held() -> Iterator[None]:
    """Ctrl-C and SIGTERM ignored during the block (only the main thread may set handlers)."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    stops = (signal.SIGINT, signal.SIGTERM)
    before = [signal.signal(s, signal.SIG_IGN) for s in stops]
    try:
        yield
    finally:
        for s, handler in zip(stops, before, strict=True):
            signal.signal(s, signal.SIG_DFL if handler is None else handler)


class Writer:
    """Writes files under one folder, refusing any path that could leave it.

    A folder is checked (resolved, symlinks followed) and created once, when
    its first file is written, and remembered: a build writes thousands of
    pages into a handful of folders. Each file is still checked on its own
    when it already exists as a symlink, the one way left to point outside.
    """

    def __init__(self, root: Path, total: int, progress: Progress | None, done: int = 0) -> None:
        self.root = root
        self.real_root = root.resolve()
        self.total = total
        self.done = done
        self.progress = progress
        self._folders: dict[tuple[str, ...], Path] = {}
        self._made: set[Path] = set()

    def _refuse(self, relative: str) -> RenderError:
        return RenderError(f"Đường dẫn đầu ra “{relative}” ra ngoài thư mục đầu ra.")

    def _folder(self, parts: tuple[str, ...], relative: str) -> Path:
        folder = self._folders.get(parts)
        if folder is None:
            folder = self.root.joinpath(*parts)
            if not folder.resolve().is_relative_to(self.real_root):
                raise self._refuse(relative)
            self._folders[parts] = folder
        return folder

    def path(self, relative: str) -> Path:
        parts = relative.split("/")
        if not parts or any(not SAFE_NAME.fullmatch(part) for part in parts):
            raise RenderError(f"Đường dẫn đầu ra không hợp lệ: “{relative}”.")
        target = self._folder(tuple(parts[:-1]), relative) / parts[-1]
        if target.is_symlink() and not target.resolve().is_relative_to(self.real_root):
            raise self._refuse(relative)
        return target

    def write(self, relative: str, data: str | bytes) -> Path:
        target = self.path(relative)
        folder = target.parent
        if folder not in self._made:
            folder.mkdir(parents=True, exist_ok=True)
            self._made.add(folder)
        write_new(target, data.encode("utf-8") if isinstance(data, str) else data)
        self.tick()
        return target

    def stream(self, relative: str, pieces: Iterable[str]) -> Path:
        """:meth:`write` of a page as its template makes it: the index and the posting lists of 50,000
        procedures are a few hundred MB each as one string, and as many again in pieces and in UTF-8."""
        target = self.path(relative)
        target.parent.mkdir(parents=True, exist_ok=True)
        write_new(target, _batches(pieces))
        self.tick()
        return target

    def tick(self) -> None:
        self.advance(1)

    def advance(self, files: int) -> None:
        """Count ``files`` written (here, or by a worker that cannot report)."""
        self.done += files
        if self.progress is not None:
            self.progress(self.done, self.total)


def _batches(pieces: Iterable[str], size: int = 4096) -> Iterator[bytes]:
    """``pieces`` in UTF-8, joined ``size`` at a time: one write per piece would cost more than the page."""
    batch: list[str] = []
    for piece in pieces:
        batch.append(piece)
        if len(batch) == size:
            yield "".join(batch).encode("utf-8")
            batch.clear()
    yield "".join(batch).encode("utf-8")
