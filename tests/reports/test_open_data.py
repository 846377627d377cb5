"""The open data of a public edition: a Frictionless Data Package that ``frictionless validate``
accepts, CSV in the 自治体標準オープンデータセット's column order, the same rows as JSON."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest

from kpi.domain.fiscal import Month
from kpi.reports.open_data import TABLES
from kpi.reports.publication import Published, publish, write_files

from ..conftest import ADMIN, TODAY
from ..publication_data import build_database

AS_OF = Month(2026, 10)


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> tuple[Published, Path]:
    tmp = tmp_path_factory.mktemp("open-data")
    engine = build_database(tmp)
    result = publish(engine, ADMIN, 2026, AS_OF, TODAY)
    engine.dispose()
    assert result is not None
    write_files(result.files, tmp / "site")
    return result, tmp / "site"


def _rows(path: Path) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(path.read_text(encoding="utf-8"))))


def test_frictionless_validate_passes(site: tuple[Published, Path]) -> None:
    from frictionless import validate

    _result, out = site
    report = validate(str(out / "data" / "datapackage.json"))
    assert report.valid, report.flatten(["rowNumber", "fieldName", "type", "note"])
    assert len(report.tasks) == len(TABLES)


def test_the_package_names_licence_attribution_source_keys_and_units(site: tuple[Published, Path]) -> None:
    _result, out = site
    package = json.loads((out / "data" / "datapackage.json").read_text(encoding="utf-8"))
    assert package["licenses"][0]["name"] == "CC-BY-4.0"
    assert package["contributors"][0]["title"] == "草津市"
    assert package["sources"][0]["path"] == "https://www.city.kusatsu.shiga.jp/"
    assert package["created"].startswith(TODAY.isoformat())
    by_name = {r["name"]: r for r in package["resources"]}
    assert by_name["monthly_values"]["schema"]["foreignKeys"][0]["reference"]["resource"] == "indicators"
    assert all(r["schema"]["primaryKey"] == ["ID"] for r in package["resources"])
    fields = {f["name"]: f for f in by_name["monthly_values"]["schema"]["fields"]}
    assert fields["年月"]["type"] == "yearmonth" and "単位" in fields["実績値"]["description"]


def test_csv_starts_with_the_standard_columns_and_holds_plain_numbers(site: tuple[Published, Path]) -> None:
    result, out = site
    for name in TABLES:
        raw = (out / "data" / f"{name}.csv").read_bytes()
        assert not raw.startswith(b"\xef\xbb\xbf")  # UTF-8 without BOM
        header = raw.decode("utf-8").splitlines()[0].split(",")
        assert header[:3] == ["全国地方公共団体コード", "ID", "地方公共団体名"]
    monthly = _rows(out / "data" / "monthly_values.csv")
    # long form: one row per indicator and month, April to the published month
    assert len(monthly) == len(result.edition.data.indicators) * 7
    assert {r["年月"] for r in monthly} == {f"2026-{m:02d}" for m in range(4, 11)}
    for r in monthly:
        assert r["全国地方公共団体コード"] == "252034" and r["地方公共団体名"] == "草津市"
        for key in ("実績値", "計画値", "目標値"):
            if r[key]:
                float(r[key])  # no separators, no units
                assert "," not in r[key] and "e" not in r[key]
    assert {r["サンプル"] for r in monthly} == {"false"}  # real values only: none is flagged as sample
    sep = next(r for r in monthly if r["指標ID"] == "01-online-procedures" and r["年月"] == "2026-09")
    assert sep["実績値"] == "78" and sep["状況コード"] and sep["状況"]


def test_json_holds_the_same_rows_as_the_csv(site: tuple[Published, Path]) -> None:
    _result, out = site
    for name, (_title, _desc, columns, _fk) in TABLES.items():
        rows = _rows(out / "data" / f"{name}.csv")
        records = json.loads((out / "data" / f"{name}.json").read_text(encoding="utf-8"))
        assert len(records) == len(rows)
        for r, rec in zip(rows, records, strict=True):
            assert list(rec) == [c.name for c in columns]
            for key, text in r.items():
                value = rec[key]
                assert (value is None) == (text == "")
                if isinstance(value, bool):
                    assert text == ("true" if value else "false")
                elif value is not None and isinstance(value, int | float):
                    assert float(text) == pytest.approx(float(value))
