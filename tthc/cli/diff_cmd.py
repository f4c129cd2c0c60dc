from __future__ import annotations

import datetime as dt
import shutil
import sys
from pathlib import Path
from typing import TYPE_CHECKING

import click

from tthc.cli.common import AS_OF, EXIT_FINDINGS, EXIT_OK, display_prefix, emit, fail, open_cache, wants_color

if TYPE_CHECKING:
    from tthc.findings import Finding
    from tthc.gitsource import Side
    from tthc.model import Catalogue
    from tthc.rules.announcement_rules import Unannounced

FORMATS = ("text", "json", "markdown", "annex", "annex-pdf", "docx")
FINDINGS_FORMATS = ("text", "json", "github", "sarif")
"""Those of ``tthc validate``, for the findings of --require-decisions."""
SHOWN_FILES = 5


@click.command()
@click.argument("old", required=False)
@click.argument("new", required=False)
@click.option(
    "-f", "--format", "fmt", type=click.Choice(FORMATS), default="text", show_default=True,
    help="Định dạng: text (cho người đọc), json, markdown (bình luận pull request, $GITHUB_STEP_SUMMARY),"
    " annex (phụ lục quyết định công bố, HTML để in), annex-pdf (phụ lục dạng PDF khổ A4, đánh số trang,"
    " cần --output và WeasyPrint), docx (phụ lục dạng Word, cần --output).",
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
    "--findings-format", type=click.Choice(FINDINGS_FORMATS), default="text", show_default=True,
    help="Với --require-decisions: định dạng các phát hiện, như tthc validate -f. text: kết luận như trên;"
    " json, github (annotations), sarif: ghi ra stderr, hoặc vào tệp --findings-output.",
)
@click.option(
    "--findings-output", type=click.Path(dir_okay=False, path_type=Path),
    help="Với --require-decisions: ghi các phát hiện (theo --findings-format) vào tệp này.",
)
@click.option(
    "--catalogue", type=click.Path(file_okay=False, path_type=Path),
    help="Thư mục danh mục trong cây làm việc (mặc định: tìm tthc.yaml từ thư mục hiện tại đi lên, rồi"
    " ./catalogue); revision và số quyết định được đọc ở cùng đường dẫn đó trong git.",
)
@AS_OF
def diff(
    old: str | None,
    new: str | None,
    fmt: str,
    output: Path | None,
    exit_code: bool,
    require_decisions: bool,
    findings_format: str,
    findings_output: Path | None,
    catalogue: Path | None,
    as_of: dt.date | None,
) -> None:
    """So sánh hai bộ danh mục (diff): thủ tục mới, sửa đổi, thay thế, bãi bỏ.

    \b
    OLD và NEW là một trong:
      thư mục danh mục          catalogue/, ../ban-cu/catalogue
      revision git              main, HEAD~2, v2025.1, main:catalogue
      số quyết định công bố     1234/QĐ-UBND (danh mục tại commit ghi nhận quyết định đó)
      ngày                      2027-01-01 (danh mục trong cây làm việc tại ngày đó)
    Không có đối số: commit cuối (HEAD) so với cây làm việc (working tree);
    một đối số: OLD so với cây làm việc. Revision được đọc thẳng từ git,
    không checkout.

    \b
    Ví dụ:
      tthc diff                                   # chưa commit gì?
      tthc diff main HEAD --require-decisions     # kiểm tra pull request
      tthc diff 2150/QĐ-UBND 1420/QĐ-UBND -f annex -o phu-luc.html
      tthc diff HEAD~1 HEAD -f docx -o phu-luc.docx
      tthc diff 2026-12-31 2027-01-01             # những gì có hiệu lực ngày 01/01/2027

    --as-of: so sánh cả hai bên tại cùng một ngày (mặc định: nội dung các tệp).
    """
    from tthc import diff as core
    from tthc.gitsource import SourceError, resolve_sides, same_state_note
    from tthc.reading import load_catalogues
    from tthc.rules.announcement_rules import unannounced
    from tthc.timeline import on_date
    from tthc.writers import NEEDS_FILE, WRITERS, Context

    if fmt in NEEDS_FILE and output is None:
        fail(
            f"định dạng {fmt} là tệp nhị phân: chỉ rõ tệp cần ghi bằng --output, "
            f"ví dụ -o phu-luc.{fmt.rsplit('-', 1)[-1]}."
        )
    if fmt == "annex-pdf":
        from tthc.pdf import pdf_problem

        if (problem := pdf_problem()) is not None:
            fail(problem)
    if (findings_format != "text" or findings_output is not None) and not require_decisions:
        fail("--findings-format và --findings-output chỉ dùng cùng --require-decisions.")
    try:
        sides = resolve_sides(old, new, catalogue)
        if require_decisions and (as_of is not None or any(side.as_of for side in sides)):
            fail("--require-decisions so sánh các tệp giữa hai phiên bản; không dùng cùng ngày (--as-of, NGÀY NGÀY).")
        if (note := same_state_note(sides)) is not None:
            click.echo(f"tthc: lưu ý: {note}", err=True)
        catalogues: list[Catalogue] = []
        store = open_cache(sides[1].root)  # one store for both sides: they share most files
        loaded_sides = load_catalogues(((side.root, list(side.files())) for side in sides), store)
        for side, (loaded, findings) in zip(sides, loaded_sides, strict=True):
            _warn_broken(side.label, loaded, findings)
            if not loaded.documents:
                raise SourceError(f"“{side.label}” không có tệp nào của bộ danh mục.")
            date = side.as_of or as_of
            catalogues.append(on_date(loaded, date) if date is not None else loaded)
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
    emit(WRITERS[fmt](changes, context), output)
    if offences is not None and findings_format != "text":
        _write_findings(offences, catalogues[1], sides[1], findings_format, findings_output)
    elif offences is not None and (fmt not in ("text", "markdown") or output is not None):
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


def _warn_broken(label: str, catalogue: Catalogue, findings: list[Finding]) -> None:
    """Say which files with errors were left out of the comparison, and which were compared all the same.

    A file that cannot be read (YAML, encoding, size) has no data and is
    not in the model; one whose data breaks the schema still is, as far as
    its values can be read, and its changes are shown.
    """
    from tthc.collation import sort_key

    broken = {f.file for f in findings if f.severity.value == "error"}
    left_out = sorted(
        (file for file in broken if (doc := catalogue.documents.get(file)) is None or doc.data is None), key=sort_key
    )
    compared = sorted(broken.difference(left_out), key=sort_key)
    if left_out:
        click.echo(
            f"tthc: cảnh báo: {label}: {len(left_out)} tệp không đọc được nên không được so sánh: {_files(left_out)}"
            " (chạy tthc validate để xem lỗi).",
            err=True,
        )
    if compared:
        click.echo(
            f"tthc: cảnh báo: {label}: {len(compared)} tệp sai cấu trúc nhưng vẫn được so sánh theo những giá trị"
            f" đọc được: {_files(compared)} (chạy tthc validate để xem lỗi).",
            err=True,
        )


def _files(files: list[str]) -> str:
    shown = ", ".join(files[:SHOWN_FILES])
    return shown + (f" và {len(files) - SHOWN_FILES} tệp khác" if len(files) > SHOWN_FILES else "")


def _write_findings(
    offences: tuple[Unannounced, ...], catalogue: Catalogue, side: Side, fmt: str, output: Path | None
) -> None:
    """The findings of --require-decisions as tthc validate reports findings: to ``output``, or stderr."""
    import io

    from tthc.atomic import LinkOnWritePath, write_output
    from tthc.report import Report
    from tthc.reporters import REPORTERS, Context

    report = Report(
        root=side.label,
        findings=[o.finding for o in offences],
        files=len(catalogue.documents),
        procedures=len(catalogue.procedures),
        decisions=len(catalogue.decisions),
    )
    folder = side.folder or (side.repo.top / side.prefix if side.repo is not None else None)
    prefix = display_prefix(folder) if folder is not None else ""
    buffer = io.StringIO()
    REPORTERS[fmt](report, buffer, Context(prefix, color=False))
    try:
        if output is not None:
            write_output(output, buffer.getvalue().encode("utf-8"))
        else:
            click.echo(buffer.getvalue(), err=True, nl=False)
    except LinkOnWritePath as error:
        fail(str(error))
    except OSError as error:
        fail(f"không ghi được “{output}”: {error.strerror or error}.")
