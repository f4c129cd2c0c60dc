from __future__ import annotations

import os
import sys
from pathlib import Path

import click

from tthc.cli.common import EXIT_FINDINGS, EXIT_OK, catalogue_root, fail, wants_color


def _shown(path: Path) -> str:
    try:
        return os.path.relpath(path, Path.cwd())
    except ValueError:
        return str(path)


def _colour_diff(diff: str) -> str:
    lines = []
    for line in diff.splitlines(keepends=True):
        if line.startswith(("+++", "---")):
            lines.append(click.style(line, bold=True))
        elif line.startswith("@@"):
            lines.append(click.style(line, fg="cyan"))
        elif line.startswith("+"):
            lines.append(click.style(line, fg="green"))
        elif line.startswith("-"):
            lines.append(click.style(line, fg="red"))
        else:
            lines.append(line)
    return "".join(lines)


@click.command(short_help="Định dạng tệp theo dạng chuẩn, giữ chú thích (--check cho CI).")
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path))
@click.option(
    "--check", is_flag=True,
    help="Không ghi gì: in phần khác biệt (diff) và trả mã thoát 1 nếu có tệp cần định dạng lại (dùng trong CI).",
)
def fmt(paths: tuple[Path, ...], check: bool) -> None:
    """Định dạng tệp YAML theo một dạng chuẩn (fmt), giữ nguyên chú thích.

    \b
    - thứ tự khóa theo hồ sơ TTHC quốc gia (như JSON Schema);
    - mã thủ tục, số quyết định luôn trong dấu nháy kép;
    - văn bản chuẩn hóa Unicode NFC;
    - thụt lề 2 khoảng, mục danh sách "  - ", ngắt danh sách [ ] ở khoảng 100 cột.

    Chú thích (#), dòng trống, kiểu viết [a, b] hay từng dòng được giữ nguyên.
    Tệp chỉ được ghi lại khi có thay đổi. PATHS: tệp hoặc thư mục; mặc định là
    bộ danh mục tìm từ thư mục hiện tại (như `tthc validate`).
    """
    from tthc.atomic import LinkOnWritePath
    from tthc.fmt import format_file, refuse_links, targets

    missing = [p for p in paths if not p.exists()]
    if missing:
        fail(f"Không tìm thấy “{missing[0]}”.")
    files = targets(paths or (catalogue_root(()),))
    try:
        refuse_links(() if check else files)
    except LinkOnWritePath as error:
        fail(str(error))
    color = wants_color(sys.stdout)
    changed = errors = 0
    for path in files:
        outcome = format_file(path, write=not check)
        shown = _shown(path)
        if outcome.error:
            errors += 1
            where = f"{shown}:{outcome.line}:{outcome.column}" if outcome.line else shown
            click.echo(f"{where}: lỗi: không định dạng được: {outcome.error}", err=True)
            continue
        if not outcome.changed:
            continue
        changed += 1
        if check:
            diff = outcome.diff(shown)
            click.echo(_colour_diff(diff) if color else diff, nl=False, color=color)
        else:
            click.echo(f"đã định dạng: {shown}", err=True)
    kept = len(files) - changed - errors
    if check:
        summary = (
            f"{changed} tệp cần định dạng lại (chạy `tthc fmt`), {kept} tệp đã đúng dạng chuẩn"
            if changed
            else f"{'✓ ' if not errors else ''}{kept} tệp đã đúng dạng chuẩn"
        )
    else:
        summary = f"Đã định dạng {changed} tệp, {kept} tệp giữ nguyên"
    if errors:
        summary += f", {errors} tệp không định dạng được (lỗi YAML, xem ở trên)"
    click.echo(summary + ".", err=True)
    sys.exit(EXIT_FINDINGS if errors or (check and changed) else EXIT_OK)
