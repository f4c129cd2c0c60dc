"""Rules about one procedure record and what it refers to (NĐ 63/2010, Điều 8)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import PurePosixPath
from typing import ClassVar

from tthc import locator, text
from tthc.findings import Finding, Rule, Severity, register
from tthc.layout import CODE, LEGAL_NUMBER
from tthc.links import SPACE_OR_CONTROL, is_email, safe_url
from tthc.model import DISTRICT, REFORM_DATE, Catalogue, Document, Duration, Procedure, code_text
from tthc.wording import date_text


class _ProcedureRule(Rule):
    tags: ClassVar[tuple[str, ...]] = ("procedure",)

    def check(self, catalogue: Catalogue) -> Iterator[Finding]:
        for proc in catalogue.procedures:
            yield from self.check_procedure(proc, catalogue)

    def check_procedure(self, proc: Procedure, catalogue: Catalogue) -> Iterator[Finding]:
        return iter(())


@register
class CodeUnquoted(Rule):
    id = "code-unquoted"
    title = "Mã thủ tục không đặt trong dấu nháy"
    message = "Mã {written} không có dấu nháy nên YAML đọc thành số {number}{lost}.{entry}"
    fix = 'Đặt mã trong dấu nháy: {key}: "{written}"'
    tags = ("procedure", "decision")
    per_document = True

    def check_document(self, doc: Document) -> Iterator[Finding]:
        for path, key, value in _code_places(doc):
            if not isinstance(value, int | float) or isinstance(value, bool):
                continue
            as_written = (locator.written(doc.text, path) if doc.text else None) or code_text(value)
            # Only a code ending in 0 loses a digit (1.000650 → 1.00065); saying
            # so of 1.001193 would send the reader looking for a lost zero.
            lost = " (mất chữ số 0 ở cuối)" if str(value) != as_written else ""
            entry = "" if key else " Mỗi mục của danh sách là một khối ghi mã sau “code:”."
            yield self.finding(
                doc.file, path, code=as_written, written=as_written, number=value, lost=lost,
                entry=entry, key=key or "- code",
            )


def _code_places(doc: Document) -> Iterator[tuple[tuple[str | int, ...], str, object]]:
    """(path, key, value) of every place a procedure code is written; key "" for a bare list item.

    A decision names codes in four lists, and an unquoted one loses its
    digits there as in a procedure file: the same mistake, the same finding.
    """
    data = doc.data
    if not isinstance(data, dict):
        return
    if doc.kind == "procedure" and "code" in data:
        yield ("code",), "code", data["code"]
    if doc.kind != "decision":
        return
    for group in ("new", "amended", "abolished", "replaced"):
        items = data.get(group)
        for i, item in enumerate(items if isinstance(items, list) else []):
            keys = ("old", "new") if group == "replaced" else ("code",)
            if isinstance(item, dict):
                yield from (((group, i, key), key, item[key]) for key in keys if key in item)
            elif group != "replaced":  # a bare code where an entry belongs; in replaced, old or new?
                yield (group, i), "", item


@register
class CodeFormat(_ProcedureRule):
    id = "code-format"
    title = "Mã thủ tục sai định dạng"
    message = "Mã “{code}” không đúng dạng mã TTHC d.dddddd (ví dụ 1.001193)."
    fix = "Sửa mã theo Cơ sở dữ liệu quốc gia về TTHC; thủ tục mới chưa có mã thì dùng mã tạm TAM-<số>."

    def check_procedure(self, proc: Procedure, catalogue: Catalogue) -> Iterator[Finding]:
        if isinstance(proc.raw_code, str) and not CODE.match(proc.code):
            yield self.finding(proc.file, ("code",), code=proc.code)


@register
class CodeDuplicate(Rule):
    id = "code-duplicate"
    title = "Mã thủ tục bị trùng"
    message = "Mã {code} đã có ở tệp {other}."
    fix = "Mỗi thủ tục một tệp: gộp hai tệp hoặc sửa mã của một trong hai."
    tags = ("procedure",)

    def check(self, catalogue: Catalogue) -> Iterator[Finding]:
        first: dict[str, str] = {}
        for proc in catalogue.procedures:
            if not proc.code:
                continue
            if proc.code in first:
                yield self.finding(proc.file, ("code",), code=proc.code, other=first[proc.code])
            else:
                first[proc.code] = proc.file


@register
class FileName(_ProcedureRule):
    id = "file-name-code"
    title = "Tên tệp không khớp mã thủ tục"
    message = "Tên tệp “{name}” không khớp mã thủ tục {code}."
    fix = "Đổi tên tệp thành {code}.yaml."

    def check_procedure(self, proc: Procedure, catalogue: Catalogue) -> Iterator[Finding]:
        stem = PurePosixPath(proc.file).stem
        if proc.code and CODE.match(proc.code) and stem != proc.code:
            yield self.finding(proc.file, ("code",), name=PurePosixPath(proc.file).name, code=proc.code)


@register
class FieldUnknown(_ProcedureRule):
    id = "field-unknown"
    title = "Lĩnh vực chưa khai báo"
    message = "Lĩnh vực “{field}” chưa được khai báo trong tthc.yaml."
    fix = "Dùng một mã lĩnh vực có trong tthc.yaml ({known}) hoặc khai báo lĩnh vực mới trong fields."

    def check_procedure(self, proc: Procedure, catalogue: Catalogue) -> Iterator[Finding]:
        fields = catalogue.settings.fields
        if fields and proc.field and proc.field not in fields:  # no fields: tthc.yaml is broken
            yield self.finding(proc.file, ("field",), code=proc.code, field=proc.field, known=", ".join(fields))


@register
class FieldFolder(_ProcedureRule):
    id = "field-folder"
    title = "Tệp nằm sai thư mục lĩnh vực"
    message = "Thủ tục thuộc lĩnh vực “{field}” nhưng tệp nằm trong thư mục “{folder}”."
    fix = "Chuyển tệp vào procedures/{field}/ hoặc sửa field cho đúng."

    def check_procedure(self, proc: Procedure, catalogue: Catalogue) -> Iterator[Finding]:
        parts = PurePosixPath(proc.file).parts
        folder = parts[1] if len(parts) > 2 else ""
        fields = catalogue.settings.fields
        if fields and proc.field not in fields:
            return  # field-unknown says so; “move the file to procedures/<typo>/” would mislead
        if proc.field and folder != proc.field:
            yield self.finding(proc.file, ("field",), code=proc.code, field=proc.field, folder=folder or "procedures")


def level_path(proc: Procedure, level: str) -> tuple[str | int, ...]:
    """Point at the list item when the level is written as a list."""
    if isinstance(proc.data.get("level"), list):
        return ("level", proc.levels.index(level))
    return ("level",)


@register
class DistrictAfterReform(_ProcedureRule):
    id = "level-district"
    title = "Cấp huyện sau ngày 01/7/2025"
    message = "Từ 01/7/2025 không còn cấp huyện (chính quyền địa phương 2 cấp) nhưng danh mục có hiệu lực ngày {as_of} vẫn ghi “Cấp huyện”."
    fix = "Chuyển thủ tục sang Cấp xã hoặc Cấp tỉnh theo văn bản phân định thẩm quyền (ví dụ NĐ 120/2025/NĐ-CP) và ghi quyết định công bố việc sửa đổi."

    def check_procedure(self, proc: Procedure, catalogue: Catalogue) -> Iterator[Finding]:
        as_of = catalogue.settings.as_of
        if as_of and as_of >= REFORM_DATE and DISTRICT in proc.levels:
            yield self.finding(proc.file, level_path(proc, DISTRICT), code=proc.code, as_of=date_text(as_of))


@register
class LevelNotInForce(_ProcedureRule):
    id = "level-not-in-force"
    title = "Cấp thực hiện không áp dụng trong danh mục"
    message = "“{level}” không nằm trong các cấp của danh mục ({levels})."
    fix = "Dùng một trong các cấp khai báo ở levels trong tthc.yaml."

    def check_procedure(self, proc: Procedure, catalogue: Catalogue) -> Iterator[Finding]:
        settings = catalogue.settings
        reform = settings.as_of is not None and settings.as_of >= REFORM_DATE
        if not settings.levels:
            return
        for level in proc.levels:
            if level not in settings.levels and not (reform and level == DISTRICT):
                yield self.finding(
                    proc.file, level_path(proc, level), code=proc.code, level=level, levels=", ".join(settings.levels)
                )


@register
class AgencyUnknown(_ProcedureRule):
    id = "agency-unknown"
    title = "Cơ quan chưa khai báo"
    message = "Cơ quan “{agency}” chưa được khai báo trong tthc.yaml."
    fix = "Dùng mã cơ quan có trong agencies của tthc.yaml, hoặc khai báo cơ quan mới."

    def check_procedure(self, proc: Procedure, catalogue: Catalogue) -> Iterator[Finding]:
        known = catalogue.settings.agencies
        for role, i, agency in proc.agencies.all():
            if known and agency not in known:
                yield self.finding(proc.file, ("agencies", role, i), code=proc.code, agency=agency)


@register
class MethodMissing(_ProcedureRule):
    id = "method-missing"
    title = "Không có cách thức thực hiện"
    message = "Thủ tục chưa có cách thức thực hiện nào."
    fix = "Thêm ít nhất một mục vào methods (trực tiếp, trực tuyến hoặc bưu chính) với thời hạn và phí."

    def check_procedure(self, proc: Procedure, catalogue: Catalogue) -> Iterator[Finding]:
        # Without the key, the schema's “required” finding says it; a finding of
        # ours at the file's root would claim (and hide) every other one there.
        if not proc.methods and "methods" in proc.data:
            yield self.finding(proc.file, ("methods",), code=proc.code)


@register
class MethodDuplicate(_ProcedureRule):
    id = "method-duplicate"
    title = "Kênh thực hiện bị lặp"
    message = "Kênh “{channel}” được khai hai lần{where}."
    fix = "Mỗi kênh một mục cho mỗi nơi nộp: gộp hai mục “{channel}”, hoặc ghi place cho từng nơi."

    def check_procedure(self, proc: Procedure, catalogue: Catalogue) -> Iterator[Finding]:
        # One channel may appear once per place: chứng thực is "trực tiếp" at the
        # commune and, at another fee, at a mission abroad.
        seen: set[tuple[str, str]] = set()
        for i, method in enumerate(proc.methods):
            key = (method.channel, " ".join(text.nfc(method.place).split()).casefold())
            if method.channel and key in seen:
                where = f" tại “{method.place}”" if method.place else ""
                yield self.finding(
                    proc.file, ("methods", i, "channel"), code=proc.code, channel=method.channel, where=where
                )
            seen.add(key)


@register
class OnlineLevel(_ProcedureRule):
    id = "online-level"
    title = "Dịch vụ trực tuyến chưa ghi mức độ"
    message = "Cách thức trực tuyến chưa ghi mức độ: toàn trình hay một phần (NĐ 42/2022/NĐ-CP)."
    fix = "Thêm online: toàn trình hoặc online: một phần vào mục trực tuyến."

    def check_procedure(self, proc: Procedure, catalogue: Catalogue) -> Iterator[Finding]:
        for i, method in enumerate(proc.methods):
            if method.channel == "trực tuyến" and not method.online:
                yield self.finding(proc.file, ("methods", i), code=proc.code)


@register
class OnlineUrl(_ProcedureRule):
    id = "online-url"
    title = "Dịch vụ trực tuyến thiếu đường dẫn https"
    message = "Cách thức trực tuyến cần đường dẫn https tới dịch vụ công{got}."
    fix = "Thêm url: https://… (trang dịch vụ trên Cổng DVC quốc gia hoặc cổng của tỉnh)."
    tags = ("procedure", "security")

    def check_procedure(self, proc: Procedure, catalogue: Catalogue) -> Iterator[Finding]:
        for i, method in enumerate(proc.methods):
            if method.channel != "trực tuyến" or (method.url.startswith("https://") and safe_url(method.url)):
                continue
            if method.url:
                yield self.finding(proc.file, ("methods", i, "url"), code=proc.code, got=f", không phải “{method.url}”")
            else:
                yield self.finding(proc.file, ("methods", i), code=proc.code, got="")


_RUNS_CODE = ("javascript:", "vbscript:", "data:")


@register
class LinkUnsafe(Rule):
    id = "link-unsafe"
    title = "Đường dẫn không phải http(s), địa chỉ thư sai"
    message = "{label} “{value}” {why}; trang tra cứu và tờ niêm yết chỉ in nó thành chữ, không tạo liên kết."
    fix = "Ghi {expected}."
    tags = ("procedure", "catalogue", "security")
    per_document = True

    def check_document(self, doc: Document) -> Iterator[Finding]:
        from tthc import schema  # not at the top: tthc.schema imports this package

        for path, value, email in _link_places(doc):
            if not isinstance(value, str) or not value.strip():
                continue  # not text: the schema's finding; empty: nothing is linked
            why = _email_problem(value) if email else _url_problem(value, path == ("portal_url",))
            if why is None:
                continue
            label = schema.title_at(doc.kind, path) or "Đường dẫn"
            expected = (
                "địa chỉ thư điện tử dạng ten@coquan.gov.vn (không có “mailto:”, không dấu cách)"
                if email
                else "đường dẫn đầy đủ bắt đầu bằng https:// (hoặc http://), ví dụ https://dichvucong.gov.vn/, không có dấu cách"
            )
            yield self.finding(doc.file, path, label=label, value=text.clip(value, 80), why=why, expected=expected)


def _link_places(doc: Document) -> Iterator[tuple[tuple[str | int, ...], object, bool]]:
    """(path, value, is an e-mail address) of every value a page prints as a link.

    The online method's own address is online-url's (it must be https): one
    mistake, one finding.
    """
    data = doc.data
    if not isinstance(data, dict):
        return
    if doc.kind == "procedure":
        for group, key in (("methods", "url"), ("forms", "url")):
            items = data.get(group)
            for i, item in enumerate(items if isinstance(items, list) else []):
                if isinstance(item, dict) and key in item and item.get("channel") != "trực tuyến":
                    yield (group, i, key), item[key], False
    elif doc.kind == "catalogue":
        if "portal_url" in data:
            yield ("portal_url",), data["portal_url"], False
        agencies = data.get("agencies")
        holders: list[tuple[tuple[str | int, ...], object]] = [
            (("agencies", i), agency) for i, agency in enumerate(agencies if isinstance(agencies, list) else [])
        ]
        holders.append((("feedback",), data.get("feedback")))
        for where, holder in holders:
            if isinstance(holder, dict):
                for key in ("website", "email"):
                    if key in holder:
                        yield (*where, key), holder[key], key == "email"


def _url_problem(value: str, template: bool) -> str | None:
    """Why a page would not link ``value``, in words; None when it would."""
    squeezed = SPACE_OR_CONTROL.sub("", value).casefold()
    if squeezed.startswith(_RUNS_CODE):
        scheme = squeezed.split(":", 1)[0]
        return f"là liên kết “{scheme}:”, loại liên kết chạy mã trong trình duyệt của người dân"
    url = value.strip()
    if SPACE_OR_CONTROL.search(url):
        return "có dấu cách hoặc ký tự điều khiển ở giữa"
    if safe_url(url.replace("{code}", "1.001193") if template else url) is not None:
        return None if url.casefold().startswith(("http://", "https://")) else "là địa chỉ thư, không phải trang web"
    if "://" not in url:
        return "thiếu http:// hoặc https:// ở đầu"
    return "không phải đường dẫn http:// hoặc https:// tới một trang web"


def _email_problem(value: str) -> str | None:
    address = value.strip()
    if address.casefold().startswith("mailto:"):
        return "có “mailto:” ở đầu (tthc tự thêm khi tạo liên kết)"
    return None if not address or is_email(address) else "không phải một địa chỉ thư điện tử"


@register
class OnlineReason(_ProcedureRule):
    id = "online-reason"
    severity = Severity.WARNING
    title = "Dịch vụ một phần chưa nêu lý do"
    message = "Dịch vụ trực tuyến một phần nên nêu lý do chưa cung cấp toàn trình (phải có mặt, kiểm tra thực tế, lý do kỹ thuật)."
    fix = "Thêm online_reason: … vào mục trực tuyến."

    def check_procedure(self, proc: Procedure, catalogue: Catalogue) -> Iterator[Finding]:
        for i, method in enumerate(proc.methods):
            if method.online == "một phần" and not method.online_reason:
                yield self.finding(proc.file, ("methods", i, "online"), code=proc.code)


def _bad_duration(duration: Duration | None, written: object) -> str | None:
    """Why a processing time cannot be right, or None.

    ``written`` is the mapping as loaded: a value or unit that is there but
    is not of its type (``value: "05"``, ``unit:`` left empty) is the schema's
    finding, at that value itself, not a missing one.
    """
    if duration is None:
        return None  # not a mapping: the schema says so more precisely
    if not duration.unit:
        return None if isinstance(written, dict) and "unit" in written else "chưa có đơn vị"
    if duration.unit == "trong ngày":
        return None
    if duration.value is None:
        return None if isinstance(written, dict) and "value" in written else "chưa có số lượng"
    if duration.value <= 0:
        return f"{duration.value:g} không phải số dương"
    limits = {"ngày làm việc": 365, "ngày": 730, "giờ làm việc": 240, "giờ": 720, "tháng": 36}
    if duration.value > limits.get(duration.unit, 365):
        return f"{duration.value:g} {duration.unit} là quá dài"
    return None


@register
class TimeInvalid(_ProcedureRule):
    id = "time-invalid"
    title = "Thời hạn giải quyết không hợp lệ"
    message = "Thời hạn giải quyết của kênh “{channel}” không hợp lệ: {why}."
    fix = "Ghi thời hạn dạng time: {{value: 5, unit: ngày làm việc}} (hoặc unit: trong ngày)."

    def check_procedure(self, proc: Procedure, catalogue: Catalogue) -> Iterator[Finding]:
        for i, method in enumerate(proc.methods):
            present = method_data(proc, i)
            for key in ("time", "local_time"):
                duration = getattr(method, key)
                why = _bad_duration(duration, present[key]) if key in present else None
                if why:
                    # A wrong number is pointed at; a missing part, at the time it belongs in.
                    wrong_number = duration.unit and duration.value is not None
                    path = ("methods", i, key, "value") if wrong_number else ("methods", i, key)
                    yield self.finding(proc.file, path, code=proc.code, channel=method.channel, why=why)


def method_data(proc: Procedure, index: int) -> dict[str, object]:
    methods = proc.data.get("methods")
    if isinstance(methods, list) and index < len(methods) and isinstance(methods[index], dict):
        return dict(methods[index])
    return {}


@register
class LocalTimeLonger(_ProcedureRule):
    id = "local-time-longer"
    title = "Thời hạn cam kết dài hơn thời hạn luật định"
    message = "Thời hạn địa phương cam kết ({local}) dài hơn thời hạn luật định ({legal})."
    fix = "Thời hạn cam kết chỉ được bằng hoặc ngắn hơn thời hạn luật định; sửa local_time."

    def check_procedure(self, proc: Procedure, catalogue: Catalogue) -> Iterator[Finding]:
        for i, method in enumerate(proc.methods):
            legal, local = method.time, method.local_time
            if not (legal and local and legal.value and local.value and legal.unit == local.unit):
                continue
            if local.value > legal.value:
                yield self.finding(
                    proc.file,
                    ("methods", i, "local_time"),
                    code=proc.code,
                    local=f"{local.value:g} {local.unit}",
                    legal=f"{legal.value:g} {legal.unit}",
                )


@register
class LegalNumber(_ProcedureRule):
    id = "legal-number"
    severity = Severity.WARNING
    title = "Số, ký hiệu văn bản không đúng dạng"
    message = "Số, ký hiệu văn bản “{number}” không đúng dạng số/năm/ký hiệu (ví dụ 123/2015/NĐ-CP, 60/2014/QH13)."
    fix = "Ghi đúng số, ký hiệu như trên văn bản; tên văn bản ghi ở title."

    def check_procedure(self, proc: Procedure, catalogue: Catalogue) -> Iterator[Finding]:
        for i, ref in enumerate(proc.legal_basis):
            if ref.number and not LEGAL_NUMBER.match(ref.number):
                yield self.finding(proc.file, ("legal_basis", i, "number"), code=proc.code, number=ref.number)
