from __future__ import annotations

import datetime as dt
import re
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, TypeVar

import click

from tthc.cli import asking
from tthc.cli.common import EXIT_OK, display_prefix, fail

if TYPE_CHECKING:
    from tthc.init import NationalField

T = TypeVar("T")


def _ask(label: str, check: Callable[[str], T], given: str | None, option: str, default: str | None = None) -> T:
    """:func:`tthc.cli.asking.ask` with the answers that :mod:`tthc.init` finds wrong."""
    from tthc.init import InitError

    return asking.ask(label, check, given, option, default, invalid=(InitError,))


def _date(value: str) -> dt.date:
    from tthc.cli.new_cmd import _date as parse
    from tthc.init import InitError

    try:
        return dt.date.fromisoformat(parse(value))
    except click.BadParameter as error:
        raise InitError(error.message) from None


def _levels(as_of: dt.date) -> Callable[[str], tuple[str, ...]]:
    from tthc.cells import parse_levels
    from tthc.init import InitError, check_levels

    def check(value: str) -> tuple[str, ...]:
        levels, bad = parse_levels(value)
        if bad:
            raise InitError(f"không hiểu cấp “{', '.join(bad)}”; ghi ví dụ “Cấp tỉnh, Cấp xã”.")
        return check_levels(levels, as_of)

    return check


def _listed(fields: Sequence[NationalField], numbers: dict[NationalField, int], limit: int = 0) -> str:
    shown = fields[:limit] if limit else fields
    lines = [f"  {numbers[f]:>3}. {f.label}" if f in numbers else f"       {f.label}" for f in shown]
    if limit and len(fields) > limit:
        lines.append(f"       và {len(fields) - limit} lĩnh vực khác; gõ thêm chữ để thu hẹp.")
    return "\n".join(lines)


def _given_fields(values: Sequence[str], national: Sequence[NationalField]) -> list[NationalField]:
    """The fields named by --field options; outside a terminal, one that names none or several stops the command."""
    from tthc.init import InitError, resolve_field

    chosen: list[NationalField] = []
    numbers = {f: i for i, f in enumerate(national, 1)}
    for value in values:
        try:
            hits = resolve_field(value, national)
        except InitError as error:
            fail(f"--field “{value}”: {error}")
        if len(hits) == 1:
            chosen.append(hits[0])
            continue
        if asking.interactive():
            click.echo(f"--field “{value}”: không chọn được đúng một lĩnh vực; chọn lại bên dưới.", err=True)
            continue
        if hits:
            fail(f"--field “{value}”: có {len(hits)} lĩnh vực khớp; ghi mã (id) của lĩnh vực cần chọn:\n"
                 + _listed(hits, numbers, 12))
        fail(f"--field “{value}”: không có lĩnh vực nào khớp trong danh sách quốc gia. Thử từ khác, hoặc khai báo"
             " lĩnh vực chưa có trong danh sách: --field \"Tên lĩnh vực=ma-thu-muc\".")
    return chosen


def _pick_fields(chosen: list[NationalField], national: Sequence[NationalField]) -> list[NationalField]:
    """Fields picked in a terminal: by words (no diacritics needed) or by number in the national list."""
    from tthc.init import InitError, resolve_field

    numbers = {f: i for i, f in enumerate(national, 1)}
    click.echo(
        "Lĩnh vực của danh mục: gõ vài chữ để tìm (không cần dấu, ví dụ “ho tich” hay “tu phap”), số thứ tự để chọn"
        " (nhiều số cách nhau bằng dấu phẩy), * để xem cả danh sách. Lĩnh vực chưa có trong danh sách:"
        " “Tên lĩnh vực=ma-thu-muc”.",
        err=True,
    )

    def add(f: NationalField) -> None:
        if any(c.id == f.id for c in chosen):
            click.echo(f"  {f.id} đã chọn rồi.", err=True)
        else:
            chosen.append(f)
            click.echo(f"  Đã chọn: {f.label}", err=True)

    while True:
        label = "Lĩnh vực" + (f" (đã chọn {len(chosen)}; Enter để kết thúc)" if chosen else "")
        answer = click.prompt(label, default="", show_default=False, err=True).strip()
        if not answer:
            if chosen:
                return chosen
            click.echo(click.style("Chọn ít nhất một lĩnh vực.", fg="red"), err=True)
        elif answer == "*":
            click.echo(_listed(national, numbers), err=True)
        elif re.fullmatch(r"[\d,;\s]+", answer):
            for number in re.findall(r"\d+", answer):
                if 1 <= int(number) <= len(national):
                    add(national[int(number) - 1])
                else:
                    click.echo(click.style(f"Không có số {number} (1–{len(national)}).", fg="red"), err=True)
        else:
            try:
                hits = resolve_field(answer, national)
            except InitError as error:
                click.echo(click.style(f"Chưa đúng: {error}", fg="red"), err=True)
                continue
            if len(hits) == 1:
                add(hits[0])
            elif hits:
                click.echo(_listed(hits, numbers, 20) + "\n  Gõ số thứ tự để chọn.", err=True)
            else:
                click.echo(f"Không thấy lĩnh vực nào khớp “{answer}”. Thử từ khác, hoặc ghi “Tên lĩnh vực=ma-thu-muc”.", err=True)


@click.command()
@click.argument("folder", required=False, default=".", type=click.Path(file_okay=False, path_type=Path))
@click.option("--authority", help="Cơ quan công bố danh mục, ví dụ “Ủy ban nhân dân tỉnh Quảng Trị”.")
@click.option("--province", help="Tỉnh, thành phố (mặc định: lấy từ tên cơ quan công bố, ví dụ Quảng Trị).")
@click.option("--as-of", help="Ngày danh mục có hiệu lực: 2026-07-01 hoặc 01/07/2026 (mặc định: hôm nay).")
@click.option("--level", help="Các cấp đang áp dụng (mặc định: “Cấp tỉnh, Cấp xã”).")
@click.option(
    "--field", "fields", multiple=True,
    help="Lĩnh vực (dùng nhiều lần): mã (ho-tich), tên (“Hộ tịch”, không dấu cũng được) trong danh sách quốc gia,"
    " hoặc “Tên lĩnh vực=ma-thu-muc” cho lĩnh vực chưa có trong danh sách.",
)
@click.option(
    "--feedback-agency",
    help="Cơ quan tiếp nhận phản ánh, kiến nghị (mặc định: Văn phòng của cơ quan công bố, nếu là Ủy ban nhân dân).",
)
@click.option("--feedback-address", help="Địa chỉ tiếp nhận phản ánh, kiến nghị.")
@click.option("--feedback-phone", help="Số điện thoại tiếp nhận phản ánh, kiến nghị.")
@click.option("--feedback-email", help="Thư điện tử tiếp nhận phản ánh, kiến nghị.")
@click.option("--feedback-website", help="Trang thông tin điện tử tiếp nhận phản ánh, kiến nghị (nếu có).")
@click.option("--portal-url", help="Đường dẫn trang thủ tục trên Cổng DVC quốc gia, {code} là mã thủ tục (mặc định: dichvucong.gov.vn).")
def init(
    folder: Path,
    authority: str | None,
    province: str | None,
    as_of: str | None,
    level: str | None,
    fields: tuple[str, ...],
    feedback_agency: str | None,
    feedback_address: str | None,
    feedback_phone: str | None,
    feedback_email: str | None,
    feedback_website: str | None,
    portal_url: str | None,
) -> None:
    """Tạo bộ danh mục mới, hợp lệ, chưa có thủ tục nào (init).

    \b
    Tạo trong FOLDER (mặc định: thư mục hiện tại):
      tthc.yaml                    thiết lập; mỗi khóa có chú thích nói nó in ở đâu
      procedures/, decisions/      nơi đặt thủ tục và quyết định công bố
      .pre-commit-config.yaml      kiểm tra trước mỗi commit (ở gốc kho git)
      .github/workflows/tthc.yml   kiểm tra trên GitHub Actions (ở gốc kho git)
    Nếu FOLDER chưa nằm trong kho git nào, lệnh chạy git init ở đó.
    Trong terminal, lệnh hỏi lần lượt (lĩnh vực chọn theo số hoặc tìm
    không dấu trong danh sách quốc gia); trong script hãy ghi đủ tùy chọn.
    Không bao giờ ghi đè: nếu một trong các tệp đã có, lệnh dừng và không
    ghi gì (mã thoát 2).

    \b
    Ví dụ:
      tthc init danh-muc
      tthc init danh-muc --authority "Ủy ban nhân dân tỉnh Quảng Trị" \\
          --field ho-tich --field "chung thuc" --feedback-address "Số 1 Hùng Vương, phường Đồng Hới" \\
          --feedback-phone "0232 3822 123" --feedback-email kiemsoattthc@quangtri.gov.vn
    """
    from tthc import init as core
    from tthc.layout import SETTINGS_FILE
    from tthc.model import DEFAULT_PORTAL_URL

    try:
        top = core.repository_top(folder)
        core.refuse_existing(core.targets(folder.resolve(), top or folder.resolve()))
    except core.InitError as error:
        fail(str(error))

    ask = asking.interactive()
    if ask:
        click.echo(f"Tạo bộ danh mục thủ tục hành chính trong “{folder}”. Nhấn Enter để nhận giá trị trong [ ].", err=True)
    authority_value = _ask("Cơ quan công bố danh mục (ví dụ Ủy ban nhân dân tỉnh Quảng Trị)",
                           lambda v: core.check_text(v, 3), authority, "--authority")
    province_value = _ask("Tỉnh, thành phố", core.check_text, province, "--province",
                          core.province_of(authority_value) or None)
    as_of_value = _ask("Ngày danh mục có hiệu lực (2026-07-01 hoặc 01/07/2026)", _date, as_of, "--as-of",
                       f"{dt.date.today():%d/%m/%Y}")
    levels_value = _ask("Các cấp đang áp dụng (Cấp bộ, Cấp tỉnh, Cấp xã, Cơ quan khác)", _levels(as_of_value),
                        level, "--level", ", ".join(core.DEFAULT_LEVELS))
    national = core.national_fields()
    chosen = _given_fields(fields, national)
    if not chosen and not ask:
        fail("thiếu --field (ít nhất một lĩnh vực; khi không chạy trong terminal, phải ghi đủ các tùy chọn).")
    if not fields or len(chosen) < len(fields):
        chosen = _pick_fields(chosen, national)
    ids = [f.id for f in chosen]
    if len(set(ids)) < len(ids):
        fail(f"hai lĩnh vực cùng mã {next(i for i in ids if ids.count(i) > 1)}; mỗi lĩnh vực một mã (tên thư mục).")
    answers = core.Answers(
        authority=authority_value,
        province=province_value,
        as_of=as_of_value,
        levels=levels_value,
        fields=tuple(chosen),
        feedback_agency=_ask("Cơ quan tiếp nhận phản ánh, kiến nghị", core.check_text, feedback_agency,
                             "--feedback-agency", core.feedback_agency_of(authority_value) or None),
        feedback_address=_ask("Địa chỉ tiếp nhận phản ánh, kiến nghị", core.check_text, feedback_address,
                              "--feedback-address"),
        feedback_phone=_ask("Điện thoại", core.check_phone, feedback_phone, "--feedback-phone"),
        feedback_email=_ask("Thư điện tử", core.check_email, feedback_email, "--feedback-email"),
        feedback_website=_ask("Trang thông tin điện tử (nếu có; Enter để bỏ qua)", core.check_website,
                              feedback_website, "--feedback-website", ""),
        portal_url=_ask("Đường dẫn Cổng DVC quốc gia ({code} là mã thủ tục)", core.check_portal_url, portal_url,
                        "--portal-url", DEFAULT_PORTAL_URL),
    )

    root = folder.resolve()
    files = core.plan(answers, root, top or root)
    problems = core.findings(files[root / SETTINGS_FILE])
    if problems:
        said = dict.fromkeys(f"  {p.message} → {p.fix}" if p.fix else f"  {p.message}" for p in problems)
        fail("tthc.yaml làm từ các câu trả lời chưa hợp lệ, chưa ghi tệp nào:\n" + "\n".join(said))
    try:
        core.write(files, root, new_repository=top is None)
    except core.InitError as error:
        fail(str(error))

    shown = display_prefix(root)
    where = " và một kho git mới (git init)." if top is None else f", trong kho git có sẵn {display_prefix(top)}."
    click.echo(f"Đã tạo bộ danh mục trong {shown}{where}")
    for path in files:
        click.echo(f"  {display_prefix(path)}")
    click.echo("Tiếp theo: tthc new decision, rồi tthc new procedure (hoặc tthc import danh-muc.xlsx);"
               " tthc validate để kiểm tra, tthc build để in tờ niêm yết; pre-commit install để kiểm tra trước mỗi commit.")
    sys.exit(EXIT_OK)
