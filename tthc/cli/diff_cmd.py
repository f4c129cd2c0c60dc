from __future__ import annotations

import shutil
import sys
from pathlib import Path
from typing import TYPE_CHECKING

import click

from tthc.cli.common import EXIT_FINDINGS, EXIT_OK, fail, open_cache, wants_color

if TYPE_CHECKING:
    from tthc.model import Catalogue
    from tthc.rules.announcement_rules import Unannounced

FORMATS = ("text", "json", "markdown", "annex", "docx")


@click.command()
@click.argument("old", required=False)
@click.argument("new", required=False)
@click.option(
    "-f", "--format", "fmt", type=click.Choice(FORMATS), default="text", show_default=True,
    help="Định dạng: text (cho người đọc), json, markdown (bình luận pull request, $GITHUB_STEP_SUMMARY),"
    " annex (phụ lục quyết định công bố, HTML để in), docx (phụ lục dạng Word, cần --output).",
)
@click.option(
    "-o", "--output", type=click.Path(dir_okay=False, path_type=Path),
    help="Ghi kết quả vào tệp (ghi nguyên tử, atomic) thay vì ra màn hình; bắt buộc với docx.",
)
@click.option(
    "--exit-code", is_flag=True,
    help="Mã thoát 1 khi có khác biệt, 0 khi không có (như git diff --exit-code); 2 khi lỗi.",
)
@click.option(
    "--require-decisions", is_flag=True,
    help="Kiểm tra cho CI: mọi thủ tục mới, sửa đổi nội dung pháp lý, thay thế hay bãi bỏ phải được nêu"
    " trong một quyết định công bố được thêm (hoặc sửa) giữa OLD và NEW; sửa biên tập thì được bỏ qua."
    " Vi phạm: mã thoát 1.",
)
@click.option(
    "--catalogue", type=click.Path(file_okay=False, path_type=Path),
    help="Thư mục danh mục trong cây làm việc (mặc định: tìm tthc.yaml từ thư mục hiện tại đi lên, rồi"
    " ./catalogue); revision và số quyết định được đọc ở cùng đường dẫn đó trong git.",
)
def diff(
    old: str | None,
    new: str | None,
    fmt: str,
    output: Path | None,
    exit_code: bool,
    require_decisions: bool,
    catalogue: Path | None,
) -> None:
    """So sánh hai bộ danh mục (diff): thủ tục mới, sửa đổi, thay thế, bãi bỏ.

    \b
    OLD và NEW là một trong:
      thư mục danh mục          catalogue/, ../ban-cu/catalogue
      revision git              main, HEAD~2, v2025.1, main:catalogue
      số quyết định công bố     1234/QĐ-UBND (danh mục tại commit ghi nhận quyết định đó)
    Không có đối số: commit cuối (HEAD) so với cây làm việc (working tree);
    một đối số: OLD so với cây làm việc. Revision được đọc thẳng từ git,
    không checkout.

    \b
    Ví dụ:
      tthc diff                                   # chưa commit gì?
      tthc diff main HEAD --require-decisions     # kiểm tra pull request
      tthc diff 2150/QĐ-UBND 1420/QĐ-UBND -f annex -o phu-luc.html
      tthc diff HEAD~1 HEAD -f docx -o phu-luc.docx
    """
    from tthc import diff as core
    from tthc.atomic import write_bytes_atomic
    from tthc.gitsource import SourceError, resolve_sides, same_state_note
    from tthc.reading import load_catalogues
    from tthc.rules.announcement_rules import unannounced
    from tthc.writers import NEEDS_FILE, WRITERS, Context

    if fmt in NEEDS_FILE and output is None:
        fail(f"định dạng {fmt} là tệp nhị phân: chỉ rõ tệp cần ghi bằng --output, ví dụ -o phu-luc.{fmt}.")
    try:
        sides = resolve_sides(old, new, catalogue)
        if (note := same_state_note(sides)) is not None:
            click.echo(f"tthc: lưu ý: {note}", err=True)
        catalogues: list[Catalogue] = []
        store = open_cache(sides[1].root)  # one store for both sides: they share most files
        loaded_sides = load_catalogues([(side.root, list(side.files())) for side in sides], store)
        for side, (loaded, findings) in zip(sides, loaded_sides, strict=True):
            broken = sum(1 for f in findings if f.severity.value == "error")
            if broken:
                click.echo(
                    f"tthc: cảnh báo: {side.label} có {broken} lỗi khi đọc tệp; các tệp lỗi bị bỏ qua khi so sánh"
                    " (chạy tthc validate để xem).",
                    err=True,
                )
            if not loaded.documents:
                raise SourceError(f"“{side.label}” không có tệp nào của bộ danh mục.")
            catalogues.append(loaded)
    except SourceError as error:
        fail(str(error))
    store.save()
    changes = core.diff(catalogues[0], catalogues[1])
    offences = tuple(unannounced(changes)) if require_decisions else None
    to_terminal = output is None and fmt == "text"
    context = Context(
        old_label=sides[0].label,
        new_label=sides[1].label,
        color=to_terminal and wants_color(sys.stdout),
        width=shutil.get_terminal_size().columns if to_terminal and sys.stdout.isatty() else None,
        unannounced=offences,
    )
    data = WRITERS[fmt](changes, context)
    try:
        if output is not None:
            write_bytes_atomic(output, data)
        else:
            sys.stdout.buffer.write(data)
            sys.stdout.flush()
    except OSError as error:
        fail(f"không ghi được “{output or 'stdout'}”: {error.strerror or error}.")
    if offences is not None and (fmt not in ("text", "markdown") or output is not None):
        _report_offences(offences)
    if offences:
        sys.exit(EXIT_FINDINGS)
    if exit_code and not changes.empty:
        sys.exit(EXIT_FINDINGS)
    sys.exit(EXIT_OK)


def _report_offences(offences: tuple[Unannounced, ...]) -> None:
    """The --require-decisions verdict on stderr, when stdout carries another format."""
    import io

    from rich.console import Console

    from tthc.writers.text import write_unannounced

    buffer = io.StringIO()
    color = wants_color(sys.stderr)
    console = Console(file=buffer, force_terminal=color, no_color=not color, highlight=False, soft_wrap=True)
    write_unannounced(console, offences)
    click.echo(buffer.getvalue(), err=True, nl=False)
