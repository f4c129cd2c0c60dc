"""The hostile corpus's HTML payloads in real headless Chromium: nothing may run, nothing may load.

Every page tthc renders (the site, the posting sheets and lists, the annex of
``tthc diff``) is built from a catalogue whose every printed field holds the
payloads of ``tests/hostile/cases.yaml``: codes, decision numbers and levels
included, because the model is built directly, without the validation that
would refuse them. Each page is opened from file:// in Debian's Chromium
(launched as ``tests/test_browser.py`` does), every element gets mouse,
focus and click events, and the test listens for dialogs, console errors
(a blocked inline script logs one) and requests: there must be none, and no
request may leave file://. In CI (``CI=true``) a missing Chromium fails the
test instead of skipping it.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from tests.test_hostile import CASES, html_problems
from tthc import render
from tthc.diff import diff
from tthc.model import Catalogue, Document
from tthc.records import build_catalogue
from tthc.writers import WRITERS, Context

PAYLOADS = [case["payload"] for case in CASES if "payload" in case]
TEXT = " ".join(PAYLOADS)
"""Every payload at once, in every text field."""
LINKS = [
    "javascript:alert('href')",
    " JaVaScRiPt:alert('case')",
    "java\tscript:alert('tab')",
    "data:text/html,<script>alert('data')</script>",
    "vbscript:msgbox('vb')",
    "//evil.example/x.js",
    "https://example.vn/\" onmouseover=\"alert('attr')",
]


def hostile(text: str, links: list[str]) -> Catalogue:
    """A catalogue model with ``text`` in every printed field and a bad link in every link field."""
    link = iter(links * 4).__next__
    settings = {
        "authority": {"name": text, "short_name": text, "province": text},
        "as_of": "2026-01-01",
        "levels": ["Cấp xã", text],
        "fields": [{"id": "ho-tich", "name": text, "code": text}],
        "agencies": [
            {"id": "ubnd-xa", "name": text, "level": text, "address": text, "phone": text, "email": link(), "website": link()},
            {"id": text, "name": text, "address": text, "email": f"a{text}@x.vn", "website": link()},
        ],
        "feedback": {"agency": text, "address": text, "phone": text, "email": link(), "website": link()},
        "portal_url": link() + "{code}",
    }  # fmt: skip
    procedures = []
    for code in ("1.001193", text):
        procedures.append({
            "code": code, "name": text, "field": "ho-tich", "level": ["Cấp xã", text], "kind": text,
            "decisions": ["10/QĐ-UBND", text], "steps": [text, f"Bước 2: {text}"],
            "methods": [
                {"channel": "trực tuyến", "time": {"value": 1, "unit": text, "note": text},
                 "local_time": {"value": 1, "unit": text, "note": text},
                 "fee": {"amount": 8000, "note": text, "basis": text}, "online": "một phần",
                 "online_reason": text, "url": link(), "note": text},
                {"channel": text, "time": {"unit": text}, "fee": {"note": text}, "url": link(), "note": text},
                {"channel": "bưu chính", "time": {"value": 2, "unit": "ngày"}, "fee": {"free": True, "note": text}},
            ],
            "dossier": {"sets": 1, "cases": [{"case": text, "items": [{"name": text, "form": text, "note": text}]}]},
            "subjects": [text], "agencies": {"performing": ["ubnd-xa", text], "deciding": [text],
                                            "authorised": [text], "coordinating": [text]},
            "results": [{"name": text, "code": text, "template": text}], "requirements": [text],
            "legal_basis": [{"number": text, "type": text, "date": text, "title": text}],
            "forms": [{"name": text, "source": text, "url": link()}], "note": text,
        })  # fmt: skip
    decisions = [
        {"number": number, "title": text, "issuer": text, "signer": {"name": text, "title": text},
         "signed": "2025-08-01", "effective": "2025-08-01",
         "new": [{"code": "1.001193", "name": text, "by": text}, {"code": text, "name": text, "by": text}],
         "amended": [{"code": text, "name": text, "components": ["fee", text], "by": text}],
         "replaced": [{"old": text, "new": "1.001193", "name": text, "by": text}],
         "abolished": [{"code": text, "name": text, "by": text}], "cancels": [text, "10/QĐ-UBND"]}
        for number in ("10/QĐ-UBND", text)
    ]  # fmt: skip
    documents = {"tthc.yaml": Document("tthc.yaml", "catalogue", settings)}
    for i, data in enumerate(procedures):
        documents[f"procedures/ho-tich/{i}.yaml"] = Document(f"procedures/ho-tich/{i}.yaml", "procedure", data)
    for i, data in enumerate(decisions):
        documents[f"decisions/2025/{i}.yaml"] = Document(f"decisions/2025/{i}.yaml", "decision", data)
    return build_catalogue("", documents)


@pytest.fixture(scope="module")
def pages(tmp_path_factory: pytest.TempPathFactory) -> list[Path]:
    """Site, sheets, posting lists and the annex, every printed field hostile."""
    top = tmp_path_factory.mktemp("hostile-browser")
    catalogue = hostile(TEXT, LINKS)
    render.build(catalogue, top / "build")
    empty = build_catalogue("", {"tthc.yaml": Document("tthc.yaml", "catalogue", {})})
    annex = WRITERS["annex"](diff(empty, catalogue), Context(old_label=TEXT, new_label=TEXT))
    (top / "phu-luc.html").write_bytes(annex)
    found = [*sorted((top / "build").rglob("*.html")), top / "phu-luc.html"]
    assert len(found) >= 10
    return found


PROVOKE = """() => {
  for (const el of document.querySelectorAll('*')) {
    for (const type of ['mouseover', 'mouseenter', 'focus', 'focusin', 'pointerdown', 'animationstart']) {
      el.dispatchEvent(new Event(type, {bubbles: true}));
    }
    if (el.tagName !== 'A' && typeof el.click === 'function') el.click();
  }
  return {
    handlers: [...document.querySelectorAll('*')].flatMap(el =>
      [...el.attributes].filter(a => a.name.startsWith('on')).map(a => el.tagName + ' ' + a.name)),
    scripts: [...document.scripts].filter(s => s.type !== 'application/json').map(s => s.src || 'inline'),
    links: [...document.querySelectorAll('[href], [src], [action]')]
      .map(el => el.href || el.src || el.action || '')
      .filter(u => u && !/^(https?:|mailto:|file:)/i.test(u)),
    pwned: window.__pwned || null,
  };
}"""


def test_no_payload_runs_on_any_page(browser: Any, pages: list[Path]) -> None:
    context = browser.new_context(service_workers="block", java_script_enabled=True)
    requests: list[str] = []
    dialogs: list[str] = []
    errors: list[str] = []
    context.on("request", lambda request: requests.append(request.url))
    page = context.new_page()
    def dialog(opened: Any) -> None:
        dialogs.append(opened.message)
        opened.dismiss()

    page.on("dialog", dialog)
    page.on("console", lambda message: errors.append(message.text) if message.type == "error" else None)
    page.on("pageerror", lambda error: errors.append(str(error)))
    try:
        for path in pages:
            assert html_problems(path.read_text("utf-8")) == [], path
            page.goto(path.resolve().as_uri())
            page.wait_for_load_state("load")
            seen = page.evaluate(PROVOKE)
            assert seen["handlers"] == [], f"{path.name}: event handler attributes {seen['handlers']}"
            assert set(seen["scripts"]) <= {(path.parent / "assets" / "site.js").resolve().as_uri(),
                                            (path.parent.parent / "assets" / "site.js").resolve().as_uri()}, seen
            assert seen["links"] == [], f"{path.name}: links that are not http(s), mailto or local: {seen['links']}"
            assert seen["pwned"] is None
            if path.name == "index.html" and (path.parent / "assets" / "site.js").exists():
                box = page.get_by_label("Tìm theo tên hoặc mã thủ tục")
                if box.count():
                    box.fill(PAYLOADS[0])  # search must show the payload as text, not run it
            page.wait_for_timeout(50)
            assert dialogs == [], f"{path.name}: a payload opened a dialog: {dialogs}"
            assert errors == [], f"{path.name}: console errors (an injected script was blocked or failed): {errors}"
        off_disk = [u for u in requests if not u.startswith("file://")]
        assert off_disk == [], f"requests left file://: {off_disk}"
        assert any(u.endswith("/assets/site.js") for u in requests)  # the listener does see requests
    finally:
        context.close()


def test_payload_text_is_shown_not_parsed(browser: Any, pages: list[Path]) -> None:
    """The payloads appear as text a reviewer can read: escaped, not dropped."""
    context = browser.new_context()
    page = context.new_page()
    try:
        procedure = next(p for p in pages if p.parent.name == "thu-tuc" and p.parent.parent.name == "site")
        page.goto(procedure.resolve().as_uri())
        body = page.inner_text("body")
        for payload in PAYLOADS:
            assert " ".join(payload.split()) in " ".join(body.split()), payload
        assert page.locator("script:not([type='application/json'])").count() == 1
    finally:
        context.close()
