from __future__ import annotations

import csv
import datetime as dt
import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING, TextIO

import click

from tthc.cli.common import (
    AS_OF,
    DATE_HINT,
    EXIT_FINDINGS,
    EXIT_OK,
    catalogue_root,
    fail,
    read_catalogue,
    typed_date,
    wants_color,
)
from tthc.wording import date_text, percent_text

if TYPE_CHECKING:
    from collections.abc import Callable

    from rich.console import Console
    from rich.table import Table

    from tthc.stats import Period, Span, Stats


def _pct(count: int, total: int) -> str:
    return percent_text(100 * count / total) if total else "–"


def shown(value: str) -> str:
    """Catalogue text in a cell: neither rich markup (“[/]” would raise) nor escape codes."""
    from rich.markup import escape

    from tthc.text import printable

    return escape(printable(value))


def write_text(stats: Stats, out: TextIO, color: bool) -> None:
    """Aligned tables: coloured by rich in a terminal, plain text when piped."""
    from rich import box
    from rich.console import Console
    from rich.table import Table

    console = Console(
        file=out, force_terminal=color, no_color=not color, highlight=False,
        width=None if color else 120,
    )
    total = stats.procedures
    as_of = f" (danh mục có hiệu lực {shown(date_text(stats.as_of))})" if stats.as_of else ""
    console.print(f"[bold]Tổng số thủ tục: {total}[/]{as_of}")
    style = box.SIMPLE_HEAD if color else box.ASCII2

    def table(title: str, first: str) -> Table:
        t = Table(title=title, title_justify="left", title_style="bold cyan", box=style, header_style="bold")
        t.add_column(first)
        t.add_column("Số thủ tục", justify="right")
        t.add_column("Tỷ lệ", justify="right")
        return t

    levels = table("Theo cấp thực hiện", "Cấp")
    for c in stats.by_level:
        style_ = "bold red" if c.key == "Cấp huyện" and c.count else ""
        levels.add_row(shown(c.label), str(c.count), _pct(c.count, total), style=style_)
    levels.add_row("[dim]Thực hiện ở nhiều cấp[/]", str(stats.several_levels), _pct(stats.several_levels, total))
    console.print(levels)

    channels = table("Cách thức thực hiện", "Kênh")
    channels.add_row("Trực tuyến toàn trình", str(stats.online_full.count), percent_text(stats.online_full.percent))
    channels.add_row("Trực tuyến một phần", str(stats.online_partial.count), percent_text(stats.online_partial.percent))
    channels.add_row("Có nộp trực tuyến", str(stats.online_any.count), percent_text(stats.online_any.percent))
    channels.add_row("Qua bưu chính công ích", str(stats.postal.count), percent_text(stats.postal.percent))
    console.print(channels)

    cuts = stats.time_cuts
    t = Table(title="Thời hạn giải quyết cam kết rút ngắn", title_justify="left", title_style="bold cyan",
              box=style, show_header=False)
    t.add_column("")
    t.add_column("", justify="right")
    t.add_row("Thủ tục có thời hạn cam kết", str(cuts.with_local_time))
    t.add_row("So sánh được với thời hạn luật định (cùng đơn vị)", str(cuts.compared))
    t.add_row("Rút ngắn trung bình", percent_text(cuts.average_cut_percent) if cuts.compared else "–")
    console.print(t)

    fields = table("Theo lĩnh vực", "Lĩnh vực")
    for c in stats.by_field:
        fields.add_row(shown(c.label), str(c.count), _pct(c.count, total))
    console.print(fields)

    agencies = table("Theo cơ quan trực tiếp thực hiện", "Cơ quan")
    for c in stats.by_agency:
        agencies.add_row(shown(c.label), str(c.count), _pct(c.count, total))
    console.print(agencies)

    if stats.district:
        console.print(f"[bold red]Còn ở cấp huyện ({len(stats.district)}):[/] {shown(', '.join(stats.district))}")
    else:
        console.print("[green]Không còn thủ tục nào ở cấp huyện.[/]")
    console.print()

    def decisions_table(title: str, date_column: str) -> Table:
        d = Table(title=title, title_justify="left", title_style="bold cyan", box=style, header_style="bold")
        for name, justify in (("Quyết định", "left"), (date_column, "left"), ("Mới", "right"), ("Sửa đổi", "right"),
                              ("Thay thế", "right"), ("Bãi bỏ", "right"), ("Cộng", "right")):
            d.add_column(name, justify=justify)  # type: ignore[arg-type]
        return d

    d = decisions_table("Theo quyết định công bố (cũ trước)", "Hiệu lực")
    for dec in stats.decisions:
        d.add_row(shown(dec.number), shown(date_text(dec.effective)), str(dec.new), str(dec.amended), str(dec.replaced),
                  str(dec.abolished), str(dec.total))
    console.print(d)
    if stats.period is not None:
        write_period(stats.period, console, decisions_table)


def write_period(period: Period, console: Console, decisions_table: Callable[[str, str], Table]) -> None:
    """The reporting period: its decisions (by signing date) with a total row, then the procedures cut."""
    from tthc.stats import CUT_LABEL, GROUPS, NO_DECISION, PERIOD_BASIS

    title = f"Trong kỳ {period.label}, {PERIOD_BASIS}"
    if not period.decisions:
        console.print(f"[bold cyan]{title}[/]")
        console.print(NO_DECISION)
        return
    d = decisions_table(title, "Ngày ký")
    for dec in period.decisions:
        d.add_row(shown(dec.number), date_text(dec.signed), str(dec.new), str(dec.amended), str(dec.replaced),
                  str(dec.abolished), str(dec.total))
    d.add_row(f"[bold]Cộng ({len(period.decisions)} quyết định)[/]", "",
              *(str(period.sum_of(group)) for group, _ in GROUPS), str(period.total))
    console.print(d)
    console.print(f"{CUT_LABEL}: {period.cut} thủ tục")


@click.command(short_help="Thống kê: cấp, lĩnh vực, trực tuyến, thời hạn, quyết định.")
@click.argument("path", required=False, type=click.Path(path_type=Path))
@click.option(
    "-f", "--format", "fmt", type=click.Choice(["text", "json", "csv"]), default="text", show_default=True,
    help="text (bảng cho người đọc), json hoặc csv (mục, mã, tên, giá trị).",
)
@click.option("--from", "start", metavar="NGÀY", help="Kỳ báo cáo từ ngày này (2026-01-01 hoặc 01/01/2026), tính cả ngày đó.")
@click.option("--to", "end", metavar="NGÀY", help="Kỳ báo cáo đến ngày này, tính cả ngày đó.")
@AS_OF
def stats(path: Path | None, fmt: str, start: str | None, end: str | None, as_of: dt.date | None) -> None:
    """Thống kê bộ danh mục (stats): theo cấp, lĩnh vực, cơ quan; tỷ lệ trực tuyến, bưu chính;
    thời hạn cam kết rút ngắn; thủ tục còn ở cấp huyện; theo quyết định công bố.

    Với --from/--to: số thủ tục mới ban hành, sửa đổi, thay thế, bãi bỏ và cắt
    giảm (bãi bỏ, gộp) trong kỳ, theo ngày ký các quyết định công bố.
    Thủ tục thực hiện ở nhiều cấp được đếm ở mỗi cấp. PATH: thư mục danh mục.
    Mã thoát 1 nếu có tệp không đọc được (số liệu khi đó chưa đủ), 2 nếu ngày sai.
    """
    from tthc.stats import compute, rows

    span = _span(start, end)
    catalogue = read_catalogue(catalogue_root((path,) if path else ()), as_of)
    result = compute(catalogue, span)
    if fmt == "json":
        click.echo(json.dumps(result.to_dict(), ensure_ascii=False, indent=2))
    elif fmt == "csv":
        writer = csv.writer(sys.stdout, lineterminator="\n")
        writer.writerow(["muc", "ma", "ten", "gia_tri"])
        writer.writerows(rows(result))
    else:
        write_text(result, sys.stdout, wants_color(sys.stdout))
    unreadable = sorted(doc.file for doc in catalogue.documents.values() if doc.data is None)
    if unreadable:
        click.echo(
            f"tthc: {len(unreadable)} tệp không đọc được nên không được đếm (chạy `tthc validate`): "
            + ", ".join(unreadable[:5]),
            err=True,
        )
        sys.exit(EXIT_FINDINGS)
    sys.exit(EXIT_OK)


def _span(start: str | None, end: str | None) -> Span | None:
    """The reporting period of --from/--to; stop (exit 2) on a day that is not one or an end before the start."""
    if start is None and end is None:
        return None
    days: list[dt.date | None] = []
    for option, value in (("--from", start), ("--to", end)):
        day = None if value is None else typed_date(value)
        if value is not None and day is None:
            fail(f"{option} “{value.strip()}” không phải ngày hợp lệ ({DATE_HINT}).")
        days.append(day)
    first, last = days
    if first and last and last < first:
        fail(f"kỳ báo cáo không hợp lệ: ngày --to ({date_text(last)}) trước ngày --from ({date_text(first)}).")
    return first, last
