"""The open data of a public edition: CSV (UTF-8, one header row, ISO dates, numbers without
separators), the same rows as JSON, and a Frictionless ``datapackage.json`` with a Table Schema
per CSV (types, units, primary and foreign keys), the licence and its attribution.

The first columns follow the 自治体標準オープンデータセット: 全国地方公共団体コード, ID,
地方公共団体名. Pure: bytes out of a ``PublicEdition``; the same edition gives the same bytes.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from kpi.domain.frames import opt, opt_float
from kpi.reports.public_content import PublicEdition
from kpi.text.catalog import t
from kpi.text.labels import status_label

DATA_DIR = "data"
LICENSES = {
    "CC-BY-4.0": ("Creative Commons Attribution 4.0", "https://creativecommons.org/licenses/by/4.0/"),
    "CC0-1.0": ("CC0 1.0", "https://creativecommons.org/publicdomain/zero/1.0/"),
}
CODE, ID, TOWN = "全国地方公共団体コード", "ID", "地方公共団体名"
SAMPLE = "サンプル"  # monthly_values: the value is sample data, never a real actual


@dataclass(frozen=True)
class Column:
    name: str
    type: str  # a Table Schema type: string | integer | number | yearmonth | date
    description: str
    required: bool = False


def _head(id_type: str, id_description: str) -> list[Column]:
    return [
        Column(CODE, "string", "全国地方公共団体コード（6桁、検査数字つき）", True),
        Column(ID, id_type, id_description, True),
        Column(TOWN, "string", "地方公共団体名", True),
    ]


STATUS_DESC = (
    "状況コード: achieved 達成 / on_track 順調 / caution 注意 / delayed 遅延 / no_data 未入力 / "
    "no_baseline 基準値未設定 / reference 参考 / not_due 予定 / done 完了"
)

TABLES: dict[str, tuple[str, str, list[Column], list[tuple[str, str, str]]]] = {
    # name → (title, description, columns, foreign keys (field, resource, field))
    "projects": (
        "実施事業",
        "計画の実施事業ごとの状況（基準月時点）",
        [
            *_head("integer", "実施事業の番号"),
            Column("年度", "integer", "計画の年度（西暦、4月始まり）", True),
            Column("基準月", "yearmonth", "状況を判定した月", True),
            Column("基本方針番号", "integer", "基本方針の番号", True),
            Column("基本方針", "string", "基本方針の名称"),
            Column("重点施策番号", "integer", "重点施策の番号", True),
            Column("重点施策", "string", "重点施策の名称"),
            Column("表示コード", "string", "計画に印刷された実施事業の番号"),
            Column("実施事業名", "string", "実施事業の名称", True),
            Column("担当部署", "string", "担当部署"),
            Column("関係部署", "string", "関係部署（「・」区切り）"),
            Column("事業概要", "string", "計画に書かれた事業概要"),
            Column("状況コード", "string", STATUS_DESC),
            Column("状況", "string", "状況（日本語）"),
            Column("公開コメント", "string", "担当課のコメント（承認済みのもの）"),
            Column("期末評価", "string", "確定した期末評価（実績の検証評価）"),
            Column("期末評価の理由", "string", "確定した期末評価の状況・理由等"),
            Column("関連URL", "string", "関連するページのURL"),
        ],
        [],
    ),
    "indicators": (
        "指標",
        "実施事業の指標ごとの目標と基準月時点の実績",
        [
            *_head("string", "指標ID（計画ファイルの id）"),
            Column("実施事業番号", "integer", "指標の属する実施事業の番号（projects.csv の ID）", True),
            Column("指標名", "string", "指標の名称", True),
            Column("単位", "string", "値の単位（%、件、時間など）"),
            Column("基準値", "number", "基準値（単位は「単位」列）"),
            Column("目標値", "number", "今年度の目標値（単位は「単位」列）"),
            Column("最終目標値", "number", "最終目標値（単位は「単位」列）"),
            Column("最終目標年度", "integer", "最終目標の年度（西暦）"),
            Column("計画値", "number", "基準月時点で期待される値（単位は「単位」列）"),
            Column("実績値", "number", "基準月時点の実績（累計型は年度の累計、単位は「単位」列）"),
            Column("実績の月", "yearmonth", "実績値の月"),
            Column("進捗率", "number", "（実績値−基準値）÷（計画値−基準値）。1 が計画どおり"),
            Column("状況コード", "string", STATUS_DESC),
            Column("状況", "string", "状況（日本語）"),
        ],
        [("実施事業番号", "projects", ID)],
    ),
    "monthly_values": (
        "月次実績",
        "指標と月ごとの実績・計画値・目標値・状況（縦持ち、4月から基準月まで）",
        [
            *_head("string", "指標IDと年月（指標ID_YYYY-MM）"),
            Column("指標ID", "string", "indicators.csv の ID", True),
            Column("年月", "yearmonth", "実績の月", True),
            Column("実績値", "number", "その月に報告された値（単位は indicators.csv の「単位」列）"),
            Column("累計値", "number", "累計型の指標の、その月までの累計"),
            Column("計画値", "number", "その月に期待される値"),
            Column("目標値", "number", "今年度の目標値"),
            Column("状況コード", "string", STATUS_DESC),
            Column("状況", "string", "その月の時点の状況（日本語）"),
            Column(SAMPLE, "boolean", "実績値がサンプルデータ（実際の実績ではない値）なら true", True),
        ],
        [("指標ID", "indicators", ID)],
    ),
    "milestones": (
        "マイルストーン",
        "工程表の●（予定月と完了日）",
        [
            *_head("string", "マイルストーンID"),
            Column("実施事業番号", "integer", "projects.csv の ID", True),
            Column("実施項目", "string", "工程表の実施項目"),
            Column("予定月", "yearmonth", "予定の月", True),
            Column("完了日", "date", "完了した日（基準月までに完了したもの）"),
            Column("状況コード", "string", STATUS_DESC),
            Column("状況", "string", "状況（日本語）"),
        ],
        [("実施事業番号", "projects", ID)],
    ),
    "corrections": (
        "訂正",
        "公開後に変更された値（訂正前・訂正後・訂正日）",
        [
            *_head("string", "指標IDと年月と訂正日"),
            Column("指標ID", "string", "indicators.csv の ID", True),
            Column("年月", "yearmonth", "訂正された値の月", True),
            Column("訂正前", "number", "以前に公開した値"),
            Column("訂正後", "number", "訂正後の値"),
            Column("訂正日", "date", "値が訂正された日", True),
        ],
        [("指標ID", "indicators", ID)],
    ),
}


def number(value: Any) -> str:
    """A number as CSV holds it: no separators, no exponent for ordinary values; '' for missing."""
    v = opt_float(value)
    if v is None:
        return ""
    if float(v).is_integer() and abs(v) < 1e15:
        return str(int(v))
    return repr(round(float(v), 6))


def _text(value: Any) -> str:
    v = opt(value)
    return "" if v is None else str(v)


def rows(edition: PublicEdition) -> dict[str, list[list[str]]]:
    """Every table's rows as text cells, in a stable order."""
    d, s = edition.data, edition.settings
    code, town = s.municipality_code or "", d.municipality
    head = [code]
    policies = {int(p["policy_no"]): p for p in d.policies.to_dict("records")}
    measures = {int(m["measure_no"]): m for m in d.measures.to_dict("records")}
    status = {int(p["id"]): opt(p["status"]) for p in edition.projects.to_dict("records")}
    out: dict[str, list[list[str]]] = {k: [] for k in TABLES}
    for p in d.projects.sort_values("project_no").to_dict("records"):
        no = int(p["project_no"])
        m = measures[int(p["measure_no"])]
        pol = policies[int(m["policy_no"])]
        st = status.get(no)
        ev = edition.evaluations.get(no)
        out["projects"].append([
            *head, str(no), town, str(d.year), str(edition.as_of), str(int(pol["policy_no"])), pol["policy_name"],
            str(int(m["measure_no"])), "" if m["hidden"] else m["measure_name"], _text(p["project_code"]),
            p["project_name"], _text(p["lead_department"]), "・".join(opt(p["related_departments"]) or []),
            _text(p["summary"]), _text(st), status_label(st) if st else "", edition.comments.get(no, ""),
            ev.rating if ev else "", ev.reason if ev else "", _text(p["url"]),
        ])  # fmt: skip
    ind_rows = {str(r["id"]): r for r in edition.indicators.to_dict("records")}
    for i in d.indicators.to_dict("records"):
        r = ind_rows[str(i["code"])]
        out["indicators"].append([
            *head, str(i["code"]), town, str(int(i["project_no"])), i["name"], _text(i["unit"]),
            number(r["baseline"]), number(r["target"]), number(r["final_target"]), number(r["target_year"]),
            number(r["expected"]), number(r["actual"]), _text(r["month"]), number(r["ratio"]),
            _text(r["status"]), status_label(r["status"]),
        ])  # fmt: skip
    targets = {str(r["id"]): r["target"] for r in edition.indicators.to_dict("records")}
    a = d.actuals
    sample = {(str(c), str(m)) for c, m, f in zip(a["code"], a["month"], a["is_sample"], strict=True) if f}
    for m in edition.monthly.to_dict("records"):
        is_sample = opt(m["value"]) is not None and (str(m["code"]), str(m["month"])) in sample
        out["monthly_values"].append([
            *head, f"{m['code']}_{m['month']}", town, str(m["code"]), str(m["month"]), number(m["value"]),
            number(m["cumulative"]), number(m["expected"]), number(targets.get(str(m["code"]))),
            str(m["status"]), status_label(m["status"]), "true" if is_sample else "false",
        ])  # fmt: skip
    items = {str(r["code"]): r for r in d.milestones.to_dict("records")}
    for ms in edition.milestones.to_dict("records"):
        done = opt(items[str(ms["id"])]["completed_on"])
        out["milestones"].append([
            *head, str(ms["id"]), town, str(int(ms["project"])), _text(items[str(ms["id"])]["item"]),
            str(ms["target"]), done.isoformat() if done else "", str(ms["status"]), status_label(ms["status"]),
        ])  # fmt: skip
    for e in edition.history:
        for c in e.corrections:
            out["corrections"].append([
                *head, f"{c.code}_{c.month}_{c.on}", town, c.code, c.month, number(c.old), number(c.new), c.on,
            ])  # fmt: skip
    # One correction row per value and day: the same value corrected twice a day keeps the last.
    out["corrections"] = list({r[1]: r for r in out["corrections"]}.values())
    return out


def csv_bytes(columns: Sequence[Column], cells: Sequence[Sequence[str]]) -> bytes:
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\r\n")  # RFC 4180
    w.writerow([c.name for c in columns])
    w.writerows(cells)
    return buf.getvalue().encode("utf-8")


def _json_value(column: Column, text: str) -> Any:
    if text == "":
        return None
    if column.type == "integer":
        return int(text)
    if column.type == "boolean":
        return text == "true"
    if column.type == "number":
        return float(text) if "." in text or "e" in text else int(text)
    return text


def json_bytes(name: str, columns: Sequence[Column], cells: Sequence[Sequence[str]]) -> bytes:
    records = [{c.name: _json_value(c, v) for c, v in zip(columns, row, strict=True)} for row in cells]
    return (json.dumps(records, ensure_ascii=False, indent=1) + "\n").encode("utf-8")


def datapackage(edition: PublicEdition, names: Sequence[str]) -> dict[str, Any]:
    d, s = edition.data, edition.settings
    title, path = LICENSES.get(s.license, (s.license, ""))
    licence: dict[str, Any] = {"name": s.license, "title": title}
    if path:
        licence["path"] = path
    source: dict[str, Any] = {"title": d.title}
    if s.homepage:
        source["path"] = s.homepage
    resources = []
    for name in names:
        rtitle, desc, columns, fks = TABLES[name]
        schema: dict[str, Any] = {
            "fields": [
                {"name": c.name, "type": c.type, "description": c.description,
                 **({"constraints": {"required": True}} if c.required else {})}
                for c in columns
            ],
            "primaryKey": [ID],
        }  # fmt: skip
        if fks:
            schema["foreignKeys"] = [{"fields": f, "reference": {"resource": r, "fields": rf}} for f, r, rf in fks]
        resources.append({
            "name": name, "path": f"{name}.csv", "profile": "tabular-data-resource", "title": rtitle,
            "description": desc, "format": "csv", "mediatype": "text/csv", "encoding": "utf-8", "schema": schema,
        })  # fmt: skip
    code = s.municipality_code or "000000"
    return {
        "profile": "tabular-data-package",
        "name": f"dx-plan-kpi-{code}-{d.year}",
        "title": f"{d.title} {d.label} 進捗状況（{edition.as_of.label_ja()}時点）",
        "description": (
            (t("pub_sample") if d.has_sample else "")
            + f"{d.title}の実施事業・指標・月次実績・マイルストーン・訂正。基準月 {edition.as_of}、"
            f"公開日 {edition.published_on.isoformat()}。出典: {s.attribution}"
        ),
        "version": f"{edition.as_of}",
        "created": f"{edition.published_on.isoformat()}T00:00:00+09:00",
        "licenses": [licence],
        "sources": [source],
        "contributors": [{"title": s.attribution, "role": "publisher",
                          **({"organization": s.contact_department} if s.contact_department else {})}],
        "keywords": ["DX", "KPI", d.municipality, d.label],
        "resources": resources,
    }  # fmt: skip


def open_data_files(edition: PublicEdition) -> dict[str, bytes]:
    """``data/<table>.csv``, ``data/<table>.json`` and ``data/datapackage.json``."""
    tables = rows(edition)
    files: dict[str, bytes] = {}
    for name, (_t, _d, columns, _fk) in TABLES.items():
        files[f"{DATA_DIR}/{name}.csv"] = csv_bytes(columns, tables[name])
        files[f"{DATA_DIR}/{name}.json"] = json_bytes(name, columns, tables[name])
    package = datapackage(edition, list(TABLES))
    files[f"{DATA_DIR}/datapackage.json"] = (json.dumps(package, ensure_ascii=False, indent=2) + "\n").encode("utf-8")
    return files
