"""Catalogues read from git objects, and the sides of ``tthc diff``.

Legal staff compare "the catalogue as it stood when decision X was recorded"
with "the catalogue now". Checking out old revisions would touch a work tree
that someone is editing, so a side that names a revision is read straight from
git objects: ``git ls-tree`` lists the catalogue's files at that commit and one
``git cat-file --batch`` process streams their bytes. The result is the same
:class:`~tthc.source.SourceFile` stream a folder gives, so the loader and the
diff never know where the bytes came from.

A side is one of: a folder; a git revision (``main``, ``HEAD~2``, a tag,
``REV:path/to/catalogue``); a decision number (``1234/QĐ-UBND``) meaning the
commit that added that decision's file. Everything that can go wrong (not a
repository, an unknown revision, a shallow clone, an unknown decision) raises
:class:`SourceError` with a Vietnamese message that says what was asked and
how to fix it; the CLI turns it into exit code 2.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import os
import posixpath
import re
import subprocess
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import IO

from tthc import collation, text
from tthc.layout import (
    DECISIONS,
    PROCEDURES,
    SETTINGS_FILE,
    TYPED_DECISION_NUMBER,
    YAML_SUFFIXES,
    decision_file_stem,
    kind_of,
    normalise_decision_number,
    number_of_file,
    settings_folder,
)
from tthc.source import CatalogueNotFound, SourceFile, find_catalogue, folder_files
from tthc.wording import date_text

__all__ = [
    "GitRepo",
    "Side",
    "SourceError",
    "folder_side",
    "resolve_side",
    "resolve_sides",
    "same_state_note",
]

WORK_TREE_LABEL = "thư mục làm việc (working tree)"
_SHALLOW_HINT = (
    "Kho git này là bản sao nông (shallow clone) nên thiếu lịch sử cũ: chạy “git fetch --unshallow”"
    " (trên GitHub Actions: actions/checkout với “fetch-depth: 0”)."
)


class SourceError(Exception):
    """A side of the diff cannot be read; the message is for the user, in Vietnamese."""


# --- one side -------------------------------------------------------------------------


@dataclass(frozen=True)
class Side:
    """Where one side's catalogue comes from, and how to name it to people."""

    label: str
    """What reports show: the folder, ``main (1a2b3c4)``, ``1234/QĐ-UBND (1a2b3c4)``."""
    root: str
    """The catalogue root: a folder path, or ``COMMIT:path`` inside a repository."""
    folder: Path | None = None
    repo: GitRepo | None = None
    commit: str = ""
    prefix: str = ""
    """The catalogue's folder inside the repository ("" for its top), forward slashes."""
    as_of: dt.date | None = None
    """For a side named by a date: the work tree's catalogue on that date (:func:`tthc.timeline.on_date`)."""

    def files(self) -> Iterator[SourceFile]:
        """The catalogue's files, relative to its root, in a stable order."""
        if self.folder is not None:
            yield from folder_files(self.folder)
        elif self.repo is not None:
            yield from self.repo.tree_files(self.commit, self.prefix)


def folder_side(path: Path, label: str | None = None) -> Side:
    """A side read from a folder holding a catalogue (or any path inside one)."""
    try:
        root = find_catalogue(path)
    except CatalogueNotFound as error:
        raise SourceError(str(error)) from None
    return Side(label=label or str(path), root=str(root), folder=root)


# --- git ------------------------------------------------------------------------------


class GitRepo:
    """One repository, driven through the ``git`` command (no library, no checkout)."""

    def __init__(self, top: Path) -> None:
        self.top = top

    @classmethod
    def find(cls, start: Path, asked: str) -> GitRepo:
        """The repository holding ``start``; ``asked`` names what the user wanted, for the message."""
        try:
            out = _run(["rev-parse", "--show-toplevel"], start)
        except _GitFailed:
            raise SourceError(
                f"Không đọc được “{asked}” từ git: thư mục “{start}” không nằm trong kho git nào"
                " (not a git repository). Chạy lệnh trong kho chứa bộ danh mục, hoặc so sánh hai thư mục."
            ) from None
        return cls(Path(out.strip()))

    def git(self, args: Sequence[str]) -> str:
        return _run(args, self.top)

    @property
    def shallow(self) -> bool:
        try:
            return self.git(["rev-parse", "--is-shallow-repository"]).strip() == "true"
        except _GitFailed:
            return False

    def shallow_commits(self) -> set[str]:
        """The cut-off commits of a shallow clone: their parents are missing."""
        try:
            path = Path(self.git(["rev-parse", "--git-path", "shallow"]).strip())
        except _GitFailed:
            return set()
        path = path if path.is_absolute() else self.top / path
        try:
            return set(path.read_text("ascii").split())
        except OSError:
            return set()

    def commit(self, rev: str) -> str:
        """The full commit id of ``rev``; a clear error when it does not exist here."""
        if not rev or rev.startswith("-"):
            raise SourceError(f"“{rev}” không phải một revision git hợp lệ.")
        try:
            return self.git(["rev-parse", "--verify", "--quiet", "--end-of-options", f"{rev}^{{commit}}"]).strip()
        except _GitFailed:
            pass
        hint = (
            " " + _SHALLOW_HINT
            if self.shallow
            else " Xem các revision có sẵn bằng “git log --oneline” hoặc “git branch -a”, “git tag”."
        )
        raise SourceError(
            f"Không tìm thấy revision git “{rev}” trong kho {self.top} (unknown revision), và đây cũng không phải"
            f" một thư mục có sẵn.{hint}"
        )

    def short(self, commit: str) -> str:
        try:
            return self.git(["rev-parse", "--short", commit]).strip()
        except _GitFailed:
            return commit[:7]

    def has_path(self, commit: str, prefix: str) -> bool:
        """Whether the catalogue folder (its settings file or procedures) exists at ``commit``."""
        try:
            listing = self.git(
                ["ls-tree", "-z", "--name-only", commit, "--", _join(prefix, SETTINGS_FILE), _join(prefix, PROCEDURES)]
            )
        except _GitFailed:  # a path git refuses (outside the repository) holds no catalogue either
            return False
        return bool(listing.strip("\0"))

    def tree_files(self, commit: str, prefix: str) -> Iterator[SourceFile]:
        """Every catalogue file under ``prefix`` at ``commit``, read with one ``cat-file --batch``."""
        listing = self.git(["ls-tree", "-r", "-z", "--full-tree", commit, *(["--", prefix] if prefix else [])])
        entries: list[tuple[str, str, str]] = []
        cut = len(prefix) + 1 if prefix else 0
        for record in listing.split("\0"):
            meta, _, path = record.partition("\t")
            if not path or (prefix and not path.startswith(prefix + "/")):
                continue
            mode, kind, sha = meta.split(" ")
            rel = text.nfc(path[cut:])
            if kind == "blob" and kind_of(rel) is not None:
                entries.append((rel, mode, sha))
        entries.sort()
        with _Batch(self.top) as batch:
            for rel, mode, sha in entries:
                file_kind = kind_of(rel)
                assert file_kind is not None
                if mode == "120000":  # a symbolic link: its blob is a path, never catalogue text
                    yield SourceFile(rel, file_kind, None, "liên kết tượng trưng (symlink) trong git")
                    continue
                data = batch.read(sha)
                if data is None:
                    yield SourceFile(rel, file_kind, None, f"thiếu đối tượng git {sha[:10]}")
                else:
                    yield SourceFile(rel, file_kind, data)

    def decision_commit(self, number: str, prefix: str) -> str:
        """The commit that added the file of decision ``number`` under ``prefix/decisions``.

        Files are matched by name (the layout's contract: ``1234/QĐ-UBND`` lives
        in ``decisions/<year>/1234-QĐ-UBND.yaml``), over the whole history so
        that a decision whose file was later moved or deleted is still found.
        """
        folder = _join(prefix, DECISIONS)
        stem = text.fold(decision_file_stem(number))
        history = self.git(["log", "--no-renames", "--format=", "--name-only", "-z", "HEAD", "--", folder])
        paths = sorted(
            {p for p in history.replace("\n", "").split("\0") if p and _stem_of(p) == stem}
        )
        if not paths:
            known = sorted(
                {number_of_file(p) for p in history.replace("\n", "").split("\0") if p.endswith(YAML_SUFFIXES)},
                key=collation.sort_key,
            )
            listing = f" Các quyết định có trong lịch sử: {', '.join(known[:12])}{' …' if len(known) > 12 else ''}." if known else ""
            shallow = " " + _SHALLOW_HINT if self.shallow else ""
            raise SourceError(
                f"Không tìm thấy quyết định {number} trong lịch sử git của “{folder}” (tìm tệp"
                f" {decision_file_stem(number)}.yaml).{listing}{shallow} Kiểm tra lại số quyết định, hoặc so sánh"
                " theo revision (tthc diff REV1 REV2)."
            )
        added = self.git(["log", "--no-renames", "--diff-filter=A", "--format=%H", "HEAD", "--", *paths]).split()
        if not added:
            raise SourceError(f"Không xác định được commit ghi nhận quyết định {number} (tệp {', '.join(paths)}).")
        if len(added) > 1:
            listed = "; ".join(
                self.git(["log", "-1", "--format=%h %ad %s", "--date=short", c]).strip() for c in added
            )
            raise SourceError(
                f"Quyết định {number} được thêm vào danh mục ở nhiều commit ({listed}), không biết chọn commit nào."
                " Hãy chỉ rõ revision, ví dụ “tthc diff <commit>~1 <commit>”."
            )
        commit = added[0]
        if commit in self.shallow_commits():
            raise SourceError(
                f"Quyết định {number} nằm ở commit {commit[:10]}, nhưng đó là điểm cắt của bản sao nông"
                f" (shallow clone): git coi mọi tệp như được thêm ở đây nên không biết nó được ghi khi nào. {_SHALLOW_HINT}"
            )
        return commit


class _GitFailed(Exception):
    pass


def _run(args: Sequence[str], cwd: Path) -> str:
    """Run git; never prompt, never page, never quote non-ASCII paths."""
    env = {**os.environ, "GIT_TERMINAL_PROMPT": "0", "LC_ALL": "C", "GIT_PAGER": "cat"}
    env.pop("GIT_DIR", None)
    env.pop("GIT_WORK_TREE", None)
    try:
        done = subprocess.run(
            ["git", "-c", "core.quotepath=false", "--literal-pathspecs", *args],
            cwd=cwd,
            env=env,
            capture_output=True,
            check=False,
        )
    except FileNotFoundError:
        raise SourceError("Không tìm thấy lệnh git trên máy này: cài git để so sánh theo revision.") from None
    except NotADirectoryError:
        raise _GitFailed(str(cwd)) from None
    if done.returncode != 0:
        raise _GitFailed(done.stderr.decode("utf-8", "replace"))
    return done.stdout.decode("utf-8", "replace")


class _Batch:
    """One ``git cat-file --batch`` process, asked for one object at a time.

    Asking and reading in turn (rather than writing every request first) keeps
    both pipes short, so a large catalogue can never deadlock on a full pipe.
    """

    def __init__(self, top: Path) -> None:
        self.top = top
        self.process: subprocess.Popen[bytes] | None = None

    def __enter__(self) -> _Batch:
        try:
            self.process = subprocess.Popen(
                ["git", "cat-file", "--batch"],
                cwd=self.top,
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
                stderr=subprocess.DEVNULL,
            )
        except FileNotFoundError:
            raise SourceError("Không tìm thấy lệnh git trên máy này.") from None
        return self

    def __exit__(self, *exc: object) -> None:
        if self.process is not None:
            assert self.process.stdin is not None
            self.process.stdin.close()
            self.process.wait()

    def read(self, sha: str) -> bytes | None:
        assert self.process is not None
        stdin: IO[bytes] | None = self.process.stdin
        stdout: IO[bytes] | None = self.process.stdout
        assert stdin is not None and stdout is not None
        stdin.write(sha.encode("ascii") + b"\n")
        stdin.flush()
        header = stdout.readline().split()
        if len(header) != 3:
            return None
        size = int(header[2])
        data = stdout.read(size)
        stdout.read(1)  # the newline after the contents
        return data


def _join(prefix: str, name: str) -> str:
    return f"{prefix}/{name}" if prefix else name


def _stem_of(path: str) -> str:
    name = path.rsplit("/", 1)[-1]
    for suffix in YAML_SUFFIXES:
        if name.endswith(suffix):
            name = name[: -len(suffix)]
    return text.fold(text.nfc(name))


# --- resolving what the user typed ---------------------------------------------------


def resolve_side(spec: str, catalogue: Path | None = None, cwd: Path | None = None) -> Side:
    """Turn one argument of ``tthc diff`` into a :class:`Side`.

    A decision number wins, then an ISO date (``2027-01-01``: the work tree's
    catalogue on that date), then an existing path (a folder), then a git
    revision, optionally ``REV:path``. ``catalogue`` is where the catalogue
    lives in the work tree (found from ``cwd`` when not given): a revision or
    a decision is read at the same place inside the repository.
    """
    cwd = cwd or Path.cwd()
    spec = text.nfc(spec)
    if TYPED_DECISION_NUMBER.match(spec.strip()):
        number = normalise_decision_number(spec)
        repo, prefix = _repo_and_prefix(catalogue, cwd, number)
        commit = repo.decision_commit(number, prefix)
        return _git_side(repo, commit, prefix, f"{number} ({repo.short(commit)})")
    if (date := _iso_date(spec.strip())) is not None:
        root = _work_tree_catalogue(catalogue, cwd)
        return dataclasses.replace(folder_side(root, f"ngày {date_text(date)}"), as_of=date)
    path = Path(spec)
    if not path.is_absolute():
        path = cwd / path
    if path.exists():
        return folder_side(path, spec)
    rev, colon, inner = spec.partition(":")
    if colon and rev:
        repo = GitRepo.find(cwd, spec)
        commit = repo.commit(rev)
        prefix = _inner_prefix(repo, inner, cwd)
        if not repo.has_path(commit, prefix):
            raise SourceError(
                f"Ở revision “{rev}” không có bộ danh mục tại “{prefix or '.'}” (không thấy {SETTINGS_FILE}"
                " hay thư mục procedures). Đường dẫn sau dấu “:” tính từ gốc kho git (hoặc bắt đầu bằng ./)."
            )
        return _git_side(repo, commit, prefix, f"{spec} ({repo.short(commit)})")
    repo, prefix = _repo_and_prefix(catalogue, cwd, spec)
    commit = repo.commit(spec)
    if not repo.has_path(commit, prefix):
        raise SourceError(
            f"Ở revision “{spec}” chưa có bộ danh mục tại “{prefix or '.'}”. Chỉ rõ đường dẫn bằng"
            f" “{spec}:đường/dẫn/danh-mục”."
        )
    return _git_side(repo, commit, prefix, f"{spec} ({repo.short(commit)})")


def resolve_sides(
    old: str | None, new: str | None, catalogue: Path | None = None, cwd: Path | None = None
) -> tuple[Side, Side]:
    """Both sides, as ``git diff`` reads its arguments.

    No argument: the last commit (HEAD) against the work tree. One argument:
    that side against the work tree. Two: old against new.
    """
    cwd = cwd or Path.cwd()
    if old is None:
        old = "HEAD"
    old_side = resolve_side(old, catalogue, cwd)
    if new is None:
        root = _work_tree_catalogue(catalogue, cwd)
        return old_side, folder_side(root, WORK_TREE_LABEL)
    return old_side, resolve_side(new, catalogue, cwd)


def same_state_note(sides: tuple[Side, Side]) -> str | None:
    """A word for the user when both sides are one commit, so an empty diff is not mistaken for news.

    This happens when two decisions were recorded in the same commit (a
    catalogue entered in one go, as the bundled sample was): each decision
    number names the catalogue as of that commit, and both name the same.
    """
    old, new = sides
    if old.repo is None or new.repo is None or old.commit != new.commit or old.prefix != new.prefix:
        return None
    short = old.repo.short(old.commit)
    return (
        f"“{old.label}” và “{new.label}” là cùng một commit, nên không có gì để so sánh. Xem commit đó"
        f" thay đổi gì: tthc diff {short}~1 {short}"
    )


def _iso_date(spec: str) -> dt.date | None:
    if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", spec):
        return None
    try:
        return dt.date.fromisoformat(spec)
    except ValueError:
        raise SourceError(f"“{spec}” không phải ngày hợp lệ (ghi dạng 2027-01-01).") from None


def _git_side(repo: GitRepo, commit: str, prefix: str, label: str) -> Side:
    return Side(label=label, root=f"{commit[:12]}:{prefix}", repo=repo, commit=commit, prefix=prefix)


def _work_tree_catalogue(catalogue: Path | None, cwd: Path) -> Path:
    try:
        if catalogue is not None:
            return find_catalogue(catalogue if catalogue.is_absolute() else cwd / catalogue)
        return _find_from(cwd)
    except CatalogueNotFound as error:
        raise SourceError(str(error)) from None


def _find_from(cwd: Path) -> Path:
    """Like :func:`find_catalogue` with no argument, but from ``cwd`` rather than the process's."""
    root = settings_folder(cwd)
    if root is not None:
        return root
    if (cwd / "catalogue" / SETTINGS_FILE).is_file():
        return cwd / "catalogue"
    raise CatalogueNotFound(
        f"Không tìm thấy bộ danh mục: không có {SETTINGS_FILE} ở “{cwd}”, các thư mục cha, hay ./catalogue."
        " Chỉ rõ bằng --catalogue, hoặc dùng REV:đường/dẫn."
    )


def _repo_and_prefix(catalogue: Path | None, cwd: Path, asked: str) -> tuple[GitRepo, str]:
    """The repository and the catalogue's place in it, from the work tree's catalogue."""
    root = _work_tree_catalogue(catalogue, cwd)
    repo = GitRepo.find(root, asked)
    try:
        prefix = root.resolve().relative_to(repo.top.resolve()).as_posix()
    except ValueError:
        raise SourceError(f"Bộ danh mục “{root}” không nằm trong kho git {repo.top}.") from None
    return repo, "" if prefix == "." else prefix


def _inner_prefix(repo: GitRepo, inner: str, cwd: Path) -> str:
    """The path after ``REV:``: from the repository top, or from ``cwd`` when it starts with ./ or ../."""
    inner = inner.strip()
    if inner.startswith(("./", "../")) or inner in (".", ".."):
        full = (cwd / inner).resolve()
        try:
            inner = full.relative_to(repo.top.resolve()).as_posix()
        except ValueError:
            raise SourceError(f"“{inner}” nằm ngoài kho git {repo.top}.") from None
    normal = posixpath.normpath(inner.strip("/") or ".")
    if normal == ".." or normal.startswith("../"):
        raise SourceError(f"“{inner}” nằm ngoài kho git {repo.top}.")
    return "" if normal == "." else normal
