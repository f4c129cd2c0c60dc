"""Rules about the catalogue's settings file (tthc.yaml) as a whole."""

from __future__ import annotations

from collections.abc import Iterator

from tthc.findings import Finding, Rule, register
from tthc.layout import SETTINGS_FILE
from tthc.model import DISTRICT, REFORM_DATE, Catalogue
from tthc.wording import date_text


@register
class SettingsMissing(Rule):
    id = "settings-missing"
    title = "Thiếu tệp tthc.yaml"
    message = "Thư mục danh mục chưa có tệp tthc.yaml (cơ quan công bố, ngày hiệu lực, cấp, lĩnh vực, cơ quan)."
    fix = "Tạo tệp tthc.yaml ở gốc danh mục (xem README, mục Bố cục danh mục)."
    tags = ("catalogue",)

    def check(self, catalogue: Catalogue) -> Iterator[Finding]:
        if SETTINGS_FILE not in catalogue.documents:
            yield self.finding(SETTINGS_FILE)


@register
class DuplicateId(Rule):
    id = "settings-duplicate-id"
    title = "Mã lĩnh vực hoặc cơ quan bị trùng"
    message = "Mã “{id}” khai báo hai lần trong {section}."
    fix = "Mỗi mã chỉ khai báo một lần trong {section}."
    tags = ("catalogue",)

    def check(self, catalogue: Catalogue) -> Iterator[Finding]:
        data = catalogue.settings.data
        for section in ("fields", "agencies"):
            items = data.get(section)
            seen: set[str] = set()
            for i, item in enumerate(items if isinstance(items, list) else []):
                ident = item.get("id") if isinstance(item, dict) else None
                if isinstance(ident, str):
                    if ident in seen:
                        yield self.finding(catalogue.settings.file, (section, i, "id"), id=ident, section=section)
                    seen.add(ident)


@register
class SettingsDistrict(Rule):
    id = "settings-district-level"
    title = "Danh mục sau 01/7/2025 còn cấp huyện"
    message = "Danh mục có hiệu lực ngày {as_of} nhưng levels vẫn có “Cấp huyện”; từ 01/7/2025 không còn cấp huyện."
    fix = "Xóa “Cấp huyện” khỏi levels và chuyển các thủ tục cấp huyện sang cấp xã hoặc cấp tỉnh."
    tags = ("catalogue",)

    def check(self, catalogue: Catalogue) -> Iterator[Finding]:
        settings = catalogue.settings
        if settings.as_of and settings.as_of >= REFORM_DATE and DISTRICT in settings.levels:
            index = settings.levels.index(DISTRICT)
            yield self.finding(settings.file, ("levels", index), as_of=date_text(settings.as_of))
