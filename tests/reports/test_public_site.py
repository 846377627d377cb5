"""The public site: nothing internal leaks, every text is escaped, the pages are plain HTML
with relative links only, and the same database and month give byte-identical files."""

from __future__ import annotations

import io
import re
import sqlite3
import zipfile
from datetime import timedelta
from pathlib import Path

import pytest

from kpi.domain.fiscal import Month
from kpi.reports.publication import Published, publish, write_files, zip_bytes

from ..conftest import ADMIN, TODAY
from ..publication_data import HOSTILE_NAME, PUBLIC_COMMENT, PUBLIC_EVALUATION, SECRET_MARKERS, build_database

AS_OF = Month(2026, 10)


@pytest.fixture(scope="module")
def published(tmp_path_factory: pytest.TempPathFactory) -> tuple[Published, Path, bytes]:
    tmp = tmp_path_factory.mktemp("public-site")
    engine = build_database(tmp)
    result = publish(engine, ADMIN, 2026, AS_OF, TODAY, ("ja", "en"))
    assert result is not None
    out = tmp / "site"
    write_files(result.files, out)
    engine.dispose()
    return result, out, zip_bytes(result.files, result.edition.published_on)


def _every_text(out: Path, archive: bytes) -> dict[str, str]:
    """Every file written (HTML, CSS, CSV, JSON) and every member of the zip, as text."""
    texts = {str(p.relative_to(out)): p.read_text(encoding="utf-8") for p in out.rglob("*") if p.is_file()}
    with zipfile.ZipFile(io.BytesIO(archive)) as zf:
        texts |= {f"zip:{name}": zf.read(name).decode("utf-8") for name in zf.namelist()}
    return texts


def test_no_marker_of_internal_data_reaches_any_file_or_the_zip(published: tuple[Published, Path, bytes]) -> None:
    _result, out, archive = published
    texts = _every_text(out, archive)
    assert any(name.endswith(".svg") or "<svg" in text for name, text in texts.items())  # charts are read too
    assert {".html", ".css", ".csv", ".json"} <= {Path(n).suffix for n in texts}
    dump = "\n".join(sqlite3.connect(out.parent / "kpi.db").iterdump())
    assert all(marker in dump for marker in SECRET_MARKERS)  # each marker is in the database
    leaks = [(name, marker) for name, text in texts.items() for marker in SECRET_MARKERS if marker in text]
    assert not leaks, leaks


def test_real_data_carries_no_sample_notice(published: tuple[Published, Path, bytes]) -> None:
    from kpi.text.catalog import t

    _result, out, _archive = published
    pages = list(out.rglob("*.html"))
    notices = [t("pub_sample", lang) for lang in ("ja", "en")]
    assert pages and not any(n in p.read_text(encoding="utf-8") for p in pages for n in notices)


def test_the_approved_public_comment_and_the_confirmed_evaluation_are_published(
    published: tuple[Published, Path, bytes],
) -> None:
    _result, out, _archive = published
    page = (out / "project-4.html").read_text(encoding="utf-8")
    assert PUBLIC_COMMENT in page and PUBLIC_EVALUATION in page
    projects = (out / "data" / "projects.csv").read_text(encoding="utf-8")
    assert PUBLIC_COMMENT in projects and PUBLIC_EVALUATION in projects
    # the draft (project 2) and the returned evaluation (project 3) are not
    assert "returned draft" not in (out / "project-3.html").read_text(encoding="utf-8")


def test_markup_in_a_plan_name_reads_as_text_and_loads_nothing(published: tuple[Published, Path, bytes]) -> None:
    _result, out, _archive = published
    page = (out / "project-1.html").read_text(encoding="utf-8")
    assert "&lt;script&gt;alert(&#39;mk&#39;)&lt;/script&gt;" in page
    assert "![x](http://example.invalid/x.png)" in page  # shown as written: no Markdown is rendered
    for path in out.rglob("*.html"):
        html = path.read_text(encoding="utf-8")
        assert "<script" not in html.lower(), path
        assert "<img" not in html.lower() and "<iframe" not in html.lower(), path
        assert not re.search(r"\ssrc=", html), path
    assert HOSTILE_NAME in (out / "data" / "projects.csv").read_text(encoding="utf-8")  # data keep it as written


def test_pages_link_only_relatively_except_plain_links_to_other_sites(
    published: tuple[Published, Path, bytes],
) -> None:
    _result, out, _archive = published
    for path in out.rglob("*.html"):
        html = path.read_text(encoding="utf-8")
        for tag, href in re.findall(r"<(\w+)[^>]*\shref=\"([^\"]*)\"", html):
            if href.startswith(("http://", "https://")):
                assert tag == "a", (path, tag, href)  # a link the reader may follow, never a request
                continue
            assert not href.startswith("/") and "//" not in href, (path, href)
            target = (path.parent / href.split("#")[0]).resolve()
            assert target.exists(), (path, href)
        assert "@import" not in html and "url(" not in html


def test_japanese_edition_at_the_top_and_english_beside_it(published: tuple[Published, Path, bytes]) -> None:
    _result, out, _archive = published
    index = (out / "index.html").read_text(encoding="utf-8")
    assert '<html lang="ja">' in index and "草津市" in index and 'href="https://www.city.kusatsu.shiga.jp/"' in index
    english = (out / "en" / "index.html").read_text(encoding="utf-8")
    assert '<html lang="en">' in english and 'href="../style.css"' in english and "Projects by status" in english
    css = (out / "style.css").read_text(encoding="utf-8")
    assert "@media print" in css and "print-color-adjust:exact" in css


def test_every_status_reads_in_colour_shape_and_word(published: tuple[Published, Path, bytes]) -> None:
    _result, out, _archive = published
    page = (out / "project-4.html").read_text(encoding="utf-8")
    chip = re.search(r'<span class="chip s-(\w+)"><span class="shape" aria-hidden="true">(.)</span> (\S+)</span>', page)
    assert chip is not None
    from kpi.text.palette import STATUS_STYLES

    style = {s.value: st for s, st in STATUS_STYLES.items()}[chip.group(1)]
    assert (chip.group(2), chip.group(3)) == (style.symbol, style.ja)
    assert f".s-{chip.group(1)}{{background:{style.color}" in (out / "style.css").read_text(encoding="utf-8")


def test_every_chart_is_inline_svg_with_a_text_alternative_and_its_table(
    published: tuple[Published, Path, bytes],
) -> None:
    result, out, _archive = published
    page = (out / "project-4.html").read_text(encoding="utf-8")
    svgs = re.findall(r"<svg[^>]*>.*?</svg>", page, flags=re.S)
    assert len(svgs) == len(result.edition.data.indicators.query("project_no == 4"))
    for svg in svgs:
        assert 'role="img"' in svg and "<title" in svg and "<desc" in svg
        assert "polyline" in svg  # the series of the chart data
    assert "マイナンバーカード保有率の月別の値" in page and "2026年10月" in page
    assert "2026年11月" not in page  # no month after the published one


def test_same_database_and_month_give_byte_identical_files(tmp_path: Path) -> None:
    engine = build_database(tmp_path)
    first = publish(engine, ADMIN, 2026, AS_OF, TODAY)
    # a rerun on another day (the first publication is recorded now) keeps the first date
    second = publish(engine, ADMIN, 2026, AS_OF, TODAY + timedelta(days=3))
    assert first is not None and second is not None
    assert first.files == second.files and first.checksum == second.checksum
    assert zip_bytes(first.files, first.edition.published_on) == zip_bytes(second.files, second.edition.published_on)
    engine.dispose()
