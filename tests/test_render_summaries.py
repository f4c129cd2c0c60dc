"""A build keeps only each procedure's summary: the pages that list many procedures must not see the difference.

The workers make each procedure's whole view, write its pages and send back
its summary (:data:`tthc.procedure_view.SUMMARY_KEYS`); the index, the
posting lists, the contents of the sheets and the decisions are rendered
from those. Here they are rendered again from the whole views, as the build
did before (and as ``benchmarks/bare_render.py`` still does), and compared
byte for byte; and the records sent to the workers come back the same.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from markupsafe import Markup

from tests.test_render import in_workers, loaded  # noqa: F401 (in_workers is a fixture)
from tthc import parallel, render, timeline
from tthc.catalogue_view import catalogue_view, posting_lists
from tthc.model import Catalogue
from tthc.procedure_view import SUMMARY_KEYS, View


def _whole_views(catalogue: Catalogue) -> View:
    site = catalogue_view(catalogue)
    for p in site["procedures"]:
        svg = render._qr_svg(p, True)
        p["qr_svg"] = Markup(svg) if svg is not None else None
    return site


def _pages_listing_many(site: View, catalogue: Catalogue) -> dict[str, str]:
    env = render.templating.environment()
    lists = posting_lists(catalogue, site)
    pages = {
        "site/index.html": render._render(env, "index.html.j2", render._context(site, "", render.SITE_CSS, qr=True)),
        "sheets/index.html": render._render(
            env, "sheets-index.html.j2", render._context(site, "", render.SHEET_CSS, lists=lists, shops=[], pdf=False)
        ),
    }
    for item in lists:
        context = render._context(site, "../", render.SHEET_CSS, list=item, qr=True)
        pages[f"sheets/{item['path']}"] = render._render(env, "posting-list.html.j2", context)
    for d in site["decisions"]:
        context = render._context(site, "../", render.SITE_CSS, d=d)
        pages[f"site/{d['path']}"] = render._render(env, "decision.html.j2", context)
    return pages


@pytest.mark.parametrize("where", ["one process", "workers"])
def test_lists_of_many_procedures_are_what_the_whole_views_give(
    sample: Path, tmp_path: Path, where: str, request: pytest.FixtureRequest
) -> None:
    if where == "workers":
        request.getfixturevalue("in_workers")
    catalogue = timeline.on_date(loaded(sample))
    render.build(catalogue, tmp_path / "out")
    expected = _pages_listing_many(_whole_views(catalogue), catalogue)
    assert len(expected) > 10
    for path, page in expected.items():
        assert (tmp_path / "out" / path).read_text("utf-8") == page, path


def test_a_summary_has_what_the_lists_show_and_not_the_rest(sample: Path) -> None:
    site = _whole_views(loaded(sample))
    whole = site["procedures"][0]
    assert set(SUMMARY_KEYS) <= set(whole)
    assert {"steps", "dossier", "methods", "legal_basis"}.isdisjoint(SUMMARY_KEYS)


def test_records_sent_to_workers_come_back_the_same(sample: Path) -> None:
    catalogue = loaded(sample)
    chunk = [(p, f"name-{i}") for i, p in enumerate(catalogue.procedures)]
    back = parallel.unpacked(parallel.packed(chunk))
    assert back == chunk
    assert [p.data for p, _ in back] == [p.data for p, _ in chunk]  # not compared by ==
    assert [p.previous for p, _ in back] == [p.previous for p, _ in chunk]
    shared = catalogue.procedures[0].agencies
    first, second = parallel.unpacked(parallel.packed([shared, shared]))
    assert first is second, "an object sent twice is one object on arrival, as pickle's own way keeps it"
    settings = parallel.unpacked(parallel.packed(catalogue.settings))
    assert settings == catalogue.settings
