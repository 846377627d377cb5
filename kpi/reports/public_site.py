"""The public site of a ``PublicEdition``: plain HTML pages and one CSS file.

No JavaScript, no request to another host, relative links only (it works from a sub-folder
of the city's site and from a USB stick), ``lang`` set, print styles. Jinja2 escapes every
text (autoescape): a name holding ``<script>`` reads as text. Charts are inline SVG drawn
from ``kpi.charts.data`` (the same data as screen and PDF), each with a text alternative and
its numbers in a table beside it.

Pages (flat, so that every link is a file name): index.html, measure-N.html, project-N.html,
schedule.html, history.html, downloads.html, style.css; an English edition in ``en/``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader, select_autoescape
from markupsafe import Markup

from kpi.charts.data import format_value, indicator_chart_data
from kpi.charts.schedule_list import month_short as schedule_month
from kpi.charts.schedule_list import schedule_list
from kpi.domain.frames import opt
from kpi.reports.open_data import DATA_DIR, LICENSES, TABLES
from kpi.reports.public_content import PublicEdition
from kpi.reports.public_svg import chart_svg
from kpi.reports.tables import breakdown
from kpi.text import fmt
from kpi.text.catalog import DEFAULT_LANG, t
from kpi.text.labels import language_name, level_words_in, month_label, paren, status_label, work_headings
from kpi.text.palette import FONT_STACK, LEGEND_ORDER, STATUS_STYLES
from kpi.text.rating import rating_text

TEMPLATES = Path(__file__).with_name("public_templates")


@dataclass(frozen=True)
class Lang:
    code: str
    href: str
    name: str


@lru_cache(maxsize=1)
def _env() -> Environment:
    """One environment per process: templates compile once."""
    env = Environment(
        loader=FileSystemLoader(str(TEMPLATES)),
        autoescape=select_autoescape(default=True, default_for_string=True),
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    return env


def page_name_measure(no: int) -> str:
    return f"measure-{no}.html"


def page_name_project(no: int) -> str:
    return f"project-{no}.html"


def css() -> str:
    """The one style sheet: the status palette, a readable layout from 360 px, print styles."""
    chips = "\n".join(
        f".s-{s.value}{{background:{st.color};color:{st.text_color};"
        f"{'border-color:#616161;' if st.color.upper() == '#FFFFFF' else ''}}}"
        for s, st in STATUS_STYLES.items()
    )
    return f"""/* {t("pub_css_comment", DEFAULT_LANG)} */
*{{box-sizing:border-box}}
html{{font-family:{FONT_STACK};line-height:1.7;color:#1a1a1a;background:#f5f6f8}}
body{{margin:0}}
a{{color:#0b4f9c;overflow-wrap:anywhere}}
a:focus-visible{{outline:3px solid #e65100;outline-offset:2px}}
.wrap{{max-width:1100px;margin:0 auto;padding:0 16px}}
.skip{{position:absolute;left:-999px}}
.skip:focus{{left:8px;top:8px;background:#fff;padding:4px 8px;z-index:2}}
.site-header{{background:#0d3b66;color:#fff}}
.site-header a{{color:#fff}}
.head-row{{display:flex;justify-content:space-between;align-items:center;gap:12px;padding-top:10px;padding-bottom:6px}}
.town{{margin:0;font-size:.95rem}}
.site-title{{margin:0;font-size:1.3rem;font-weight:700}}
.site-title a{{text-decoration:none}}
.lang-switch{{margin:0;white-space:nowrap}}
.site-nav{{background:#0a2e50}}
.site-nav ul{{list-style:none;display:flex;flex-wrap:wrap;gap:4px 20px;margin:0 auto;
padding-top:6px;padding-bottom:6px}}
.site-nav a{{text-decoration:none;font-weight:600}}
.site-nav a[aria-current=page]{{text-decoration:underline;text-underline-offset:4px}}
main{{background:#fff;padding-top:8px;padding-bottom:32px;min-height:60vh}}
h1{{font-size:1.6rem;line-height:1.4;margin:.6em 0 .3em;color:#0d3b66}}
h2{{font-size:1.25rem;border-left:6px solid #0d3b66;padding-left:10px;margin-top:1.8em}}
h3{{font-size:1.08rem;margin-top:1.4em}}
h4{{font-size:1rem;margin:1em 0 .3em}}
.lead{{font-size:1.05rem}}
.help{{font-size:.9rem;color:#424242}}
.notice{{background:#fff8e1;border:1px solid #f9a825;padding:8px 12px}}
.crumbs ol{{list-style:none;display:flex;flex-wrap:wrap;gap:4px;padding:0;margin:8px 0;font-size:.9rem}}
.crumbs li+li::before{{content:"›";margin:0 6px;color:#616161}}
.chip{{display:inline-block;border:1px solid transparent;border-radius:4px;padding:0 .5em;font-size:.9rem;
font-weight:600;white-space:nowrap;print-color-adjust:exact;-webkit-print-color-adjust:exact}}
.s-none{{background:#eeeeee;color:#000}}
{chips}
.counts{{list-style:none;display:flex;flex-wrap:wrap;gap:8px 20px;padding:0}}
.count{{font-weight:700}}
.policy{{border:1px solid #d0d7de;border-radius:6px;padding:4px 16px 12px;margin:16px 0}}
.policy h3{{margin-top:.8em}}
.projects{{margin:.2em 0 .8em;padding-left:1.2em}}
.projects li{{margin:.25em 0}}
.dept{{color:#424242;font-size:.9rem}}
.table-wrap{{overflow-x:auto;margin:8px 0 16px}}
table{{border-collapse:collapse;width:100%;font-size:.95rem}}
th,td{{border:1px solid #c8ced6;padding:4px 8px;text-align:left;vertical-align:top}}
thead th{{background:#e8eef5}}
td.num{{text-align:right;white-space:nowrap}}
caption{{text-align:left;font-weight:600;padding:4px 0}}
.facts{{display:grid;grid-template-columns:max-content 1fr;gap:4px 16px}}
.facts dt{{font-weight:700}}
.facts dd{{margin:0}}
.facts dd p{{margin:0 0 .4em}}
.comment{{background:#f1f8e9;border-left:6px solid #558b2f;padding:4px 16px;margin-top:16px}}
.comment h2{{border:none;padding:0;margin-top:.6em}}
.indicator{{border-top:1px solid #d0d7de;margin-top:16px}}
.chart-and-table{{display:flex;flex-wrap:wrap;gap:16px;align-items:flex-start}}
.chart-and-table figure{{flex:1 1 480px;margin:0;max-width:640px;min-width:0}}
.chart-and-table .table-wrap{{flex:1 1 320px}}
.chart{{width:100%;height:auto;display:block}}
figcaption{{font-size:.85rem;color:#424242}}
.corr{{display:block;font-size:.85rem;color:#7f0000;white-space:normal;text-align:left}}
th[scope=row]{{white-space:nowrap}}
.period,.mark{{display:block}}
.corrections{{background:#fff3f3;border:1px solid #b71c1c;padding:0 16px 8px;margin-top:16px}}
.site-footer{{background:#0d3b66;color:#fff;padding:12px 0;font-size:.9rem}}
.site-footer a{{color:#fff}}
.site-footer p{{margin:.3em 0}}
@media (max-width:600px){{
h1{{font-size:1.35rem}}
.facts{{grid-template-columns:1fr}}
.facts dd{{margin-bottom:.5em}}
}}
@media print{{
html{{background:#fff;font-size:10.5pt}}
.skip,.site-nav,.lang-switch{{display:none}}
.site-header,.site-footer{{background:#fff;color:#000;border-bottom:2px solid #000}}
.site-header a,.site-footer a{{color:#000}}
main{{padding:0}}
.indicator,figure,table{{break-inside:avoid}}
a[href^="http"]::after{{content:" (" attr(href) ")";font-size:.8em}}
}}
"""


class Records:
    """The edition's rows grouped once (a lookup per project in a frame would cost a scan)."""

    def __init__(self, edition: PublicEdition):
        d = edition.data
        self.policies = {int(r["policy_no"]): r for r in d.policies.to_dict("records")}
        self.measures = {int(r["measure_no"]): r for r in d.measures.to_dict("records")}
        self.projects = {int(r["project_no"]): r for r in d.projects.to_dict("records")}
        self.by_measure: dict[int, list[int]] = {}
        for no, r in self.projects.items():
            self.by_measure.setdefault(int(r["measure_no"]), []).append(no)
        self.indicators: dict[int, list[dict[str, Any]]] = {}
        for r in d.indicators.to_dict("records"):
            self.indicators.setdefault(int(r["project_no"]), []).append(r)
        self.monthly: dict[str, list[dict[str, Any]]] = {}
        for r in edition.monthly.to_dict("records"):
            self.monthly.setdefault(str(r["code"]), []).append(r)
        self.milestones: dict[int, list[dict[str, Any]]] = {}
        for r in edition.milestones.to_dict("records"):
            self.milestones.setdefault(int(r["project"]), []).append(r)
        self.schedules = {sp.no: sp for sp in schedule_list(d, edition.statuses, list(self.projects))}


class Site:
    """Builds the pages of one language."""

    def __init__(self, edition: PublicEdition, lang: str, langs: tuple[str, ...], records: Records | None = None):
        self.e, self.lang = edition, lang
        self.d = edition.data
        self.r = records or Records(edition)
        self.env = _env()
        primary = langs[0]  # the first language at the top, each other one in its own folder
        self.root = "" if lang == primary else "../"
        other = None
        if lang != primary:
            other = Lang(primary, "../", language_name(primary))
        elif len(langs) > 1:
            other = Lang(langs[1], f"{langs[1]}/", language_name(langs[1]))
        self.other = other
        projects = edition.projects
        self.project_rows = {int(r["id"]): r for r in projects.to_dict("records")}
        self.measure_rows = {int(r["id"]): r for r in edition.measures.to_dict("records")}
        self.policy_rows = {int(r["id"]): r for r in edition.policies.to_dict("records")}
        self.ind_status = {str(r["id"]): r for r in edition.statuses.to_dict("records")}

    # ---- words
    def w(self, key: str) -> str:
        return self.words(t(key, self.lang))

    def words(self, text: str) -> str:
        return level_words_in(text, self.d.levels, self.lang)

    def month(self, m: Any) -> str:
        return month_label(str(m), self.lang)

    @property
    def site_title(self) -> str:
        return t("pub_site_title", self.lang).format(plan=self.d.title)

    def common(self, page_name: str, page_title: str, crumbs: list[tuple[str, str]]) -> dict[str, Any]:
        s = self.e.settings
        title, url = LICENSES.get(s.license, (s.license, ""))
        nav = [
            ("index.html", self.w("pub_nav_home")),
            ("schedule.html", self.w("schedule_title")),
            ("history.html", self.w("pub_history")),
            ("downloads.html", self.w("pub_downloads")),
        ]
        return {
            "lang": self.lang, "root": self.root, "page_name": page_name, "page_title": page_title,
            "site_title": self.site_title, "crumbs": crumbs, "nav": nav, "other_lang": self.other,
            "e": self.e, "d": self.d, "s": s, "license_title": title, "license_url": url, "w": self.w,
            "words": self.words, "month": self.month, "symbol": lambda c: STATUS_STYLES_BY_CODE[c].symbol,
            "status_word": lambda c: status_label(c, self.lang), "missing": fmt.MISSING,
        }  # fmt: skip

    def render(self, template: str, page_name: str, title: str, crumbs: list[tuple[str, str]], **extra: Any) -> str:
        return self.env.get_template(template).render(**self.common(page_name, title, crumbs), **extra)

    # ---- labels
    def policy_label(self, no: int) -> str:
        p = self.r.policies[no]
        return self.words(f"{t('scope_policy', self.lang)}{p['policy_code']} {p['policy_name']}")

    def measure_label(self, no: int) -> str:
        m = self.r.measures[no]
        return f"{m['symbol'] or m['measure_code']} {m['measure_name']}"

    def project_label(self, no: int) -> str:
        return self.d.project_labels[no]

    def home(self) -> list[tuple[str, str]]:
        return [("index.html", self.w("pub_nav_home"))]

    # ---- pages
    def index(self) -> str:
        counts_by = self.e.projects["status"].value_counts()
        counts = [(s.value, int(counts_by.get(s.value, 0))) for s in LEGEND_ORDER if int(counts_by.get(s.value, 0))]
        tree = []
        for pol in self.d.policies.to_dict("records"):
            pno = int(pol["policy_no"])
            measures = []
            for m in (m for m in self.r.measures.values() if int(m["policy_no"]) == pno):
                mno = int(m["measure_no"])
                nos = self.r.by_measure.get(mno, [])
                measures.append({
                    "label": self.measure_label(mno),
                    "page": None if m["hidden"] else page_name_measure(mno),
                    "status": opt(self.measure_rows[mno]["status"]),
                    "projects": [self._project_link(n) for n in nos],
                })  # fmt: skip
            tree.append({"label": self.policy_label(pno), "status": opt(self.policy_rows[pno]["status"]),
                         "measures": measures})  # fmt: skip
        return self.render(
            "index.html", "index.html", self.w("pub_nav_home"), [], counts=counts, tree=tree,
            corrections_rows=self._correction_rows(self.e.corrections),
        )  # fmt: skip

    def _project_link(self, no: int) -> dict[str, Any]:
        row = self.project_rows[no]
        return {
            "label": self.project_label(no), "page": page_name_project(no), "status": opt(row["status"]),
            "department": fmt.text(row["lead_department"], ""), "breakdown": breakdown(row),
        }  # fmt: skip

    def measure(self, no: int) -> str:
        nos = self.r.by_measure.get(no, [])
        title = self.measure_label(no)
        return self.render(
            "measure.html", page_name_measure(no), title, self.home(),
            status=opt(self.measure_rows[no]["status"]), projects=[self._project_link(n) for n in nos],
        )  # fmt: skip

    def _correction_rows(self, corrections: Any) -> list[dict[str, str]]:
        return [
            {"name": c.name, "month": c.month, "old": format_value(c.old, c.unit), "new": format_value(c.new, c.unit),
             "on": c.on}
            for c in corrections
        ]  # fmt: skip

    def _schedule(self, no: int) -> dict[str, Any]:
        sp = self.r.schedules[no]
        lines = []
        for line in sp.lines:
            periods = []
            for start, end, text in line.periods:
                a, b = schedule_month(start, self.d.year, self.lang), schedule_month(end, self.d.year, self.lang)
                span = a if start == end else f"{a}–{b}"
                periods.append(f"{span} {text}".strip())
            marks = [
                {"text": f"● {schedule_month(m.month, self.d.year, self.lang)} {m.text}".strip(), "status": m.status}
                for m in line.marks
            ]
            lines.append({"item": line.item or fmt.MISSING, "periods": periods, "marks": marks})
        return {"label": self.project_label(no), "page": page_name_project(no), "lines": lines}

    def project(self, no: int) -> str:
        p = self.r.projects[no]
        mno = int(p["measure_no"])
        hidden = bool(self.r.measures[mno]["hidden"])
        heads = work_headings(self.d.year, self.lang)
        texts = [
            (self.w("dash_summary"), p["summary"]), (self.w("dash_effect"), p["expected_effect"]),
            (heads["previous_work"], p["previous_work"]), (heads["this_year"], p["this_year"]),
            (heads["next_years"], p["next_years"]), (self.w("dash_outcome"), p["outcome"]),
        ]  # fmt: skip
        crumbs = self.home()
        if not hidden:
            crumbs.append((page_name_measure(mno), self.measure_label(mno)))
        milestones = [
            {"name": r["name"], "due": self.month(r["target"]), "done": fmt.text(r["actual"], ""),
             "status": r["status"]}
            for r in self.r.milestones.get(no, [])
        ]  # fmt: skip
        schedule = self._schedule(no)
        return self.render(
            "project.html", page_name_project(no), self.project_label(no), crumbs, p=p,
            status=opt(self.project_rows[no]["status"]), measure_label=None if hidden else self.measure_label(mno),
            measure_page=None if hidden else page_name_measure(mno),
            related="・".join(opt(p["related_departments"]) or []),
            plan_texts=[(h, str(x)) for h, x in texts if opt(x)], indicators=self._indicators(no),
            summary_header=[self.w(k) for k in ("rep_h_baseline", "rep_h_target", "rep_h_expected", "rep_h_actual",
                                                "rep_h_ratio")],
            milestones=milestones, schedule=schedule if schedule["lines"] else None,
            comment=self.e.comments.get(no), evaluation=self.e.evaluations.get(no),
            rating=rating_text(ev.rating, self.lang) if (ev := self.e.evaluations.get(no)) else "",
        )  # fmt: skip

    def _indicators(self, no: int) -> list[dict[str, Any]]:
        out = []
        corrected = {(c.code, c.month): c for c in self.e.corrections}
        for i in self.r.indicators.get(no, []):
            code = str(i["code"])
            status = self.ind_status[code]
            unit = fmt.text(i["unit"], "")
            chart = indicator_chart_data(self.d, code, self.e.as_of, status, self.lang)
            rows = []
            for r in self.r.monthly.get(code, []):
                c = corrected.get((code, str(r["month"])))
                note = t("pub_corrected_from", self.lang).format(old=format_value(c.old, unit), on=c.on) if c else ""
                rows.append({
                    "month": self.month(r["month"]), "value": format_value(r["value"], unit),
                    "expected": format_value(r["expected"], unit), "status": r["status"], "correction": note,
                })  # fmt: skip
            target = format_value(status["target"], unit)
            final = opt(status.get("final_target"))
            if final is not None and final != status["target"] and opt(status.get("target_year")) is not None:
                target = paren(target, f"{t('chart_final_target', self.lang)} {format_value(final, unit)}", self.lang)
            summary = [
                format_value(status["baseline"], unit), target, format_value(status["expected"], unit),
                format_value(status["actual"], unit), fmt.percent(status["ratio"]),
            ]  # fmt: skip
            desc = self._describe(rows, status, unit)
            anchor = f"i-{code}"
            out.append({
                "name": str(i["name"]), "anchor": anchor, "status": status["status"], "summary": summary,
                "rows": rows, "svg": Markup(chart_svg(chart, anchor, desc)),
            })  # fmt: skip
        return out

    def _describe(self, rows: list[dict[str, Any]], status: dict[str, Any], unit: str) -> str:
        reported = [f"{r['month']} {r['value']}" for r in rows if r["value"] != fmt.MISSING]
        parts = [
            t("pub_desc_values", self.lang).format(
                values=t("pub_desc_list_sep", self.lang).join(reported) if reported else fmt.MISSING
            ),
            f"{t('target', self.lang)} {format_value(status['target'], unit)}",
            f"{t('rep_h_status', self.lang)} {status_label(status['status'], self.lang)}",
        ]
        end = t("pub_desc_end", self.lang)
        return (end.join(parts) + end).strip()

    def schedule(self) -> str:
        nos = [int(n) for n in self.d.projects["project_no"]]
        return self.render(
            "schedule.html", "schedule.html", self.w("schedule_title"), self.home(),
            schedules=[self._schedule(n) for n in nos],
        )  # fmt: skip

    def history(self) -> str:
        eds = [
            {"date": ed.published_on.isoformat(), "month": ed.month, "rows": self._correction_rows(ed.corrections)}
            for ed in reversed(self.e.history)
        ]
        eds.sort(key=lambda ed: str(ed["date"]), reverse=True)  # newest first (stable for one day)
        return self.render("history.html", "history.html", self.w("pub_history"), self.home(), editions=eds)

    def downloads(self) -> str:
        files = [{"name": name, "title": title, "description": desc} for name, (title, desc, _c, _f) in TABLES.items()]
        return self.render(
            "downloads.html", "downloads.html", self.w("pub_downloads"), self.home(), files=files,
            data_root=f"{self.root}{DATA_DIR}/",
        )  # fmt: skip

    def pages(self) -> dict[str, str]:
        out = {"index.html": self.index()}
        for m in self.d.measures.to_dict("records"):
            if not m["hidden"]:
                out[page_name_measure(int(m["measure_no"]))] = self.measure(int(m["measure_no"]))
        for no in self.d.projects["project_no"]:
            out[page_name_project(int(no))] = self.project(int(no))
        out["schedule.html"] = self.schedule()
        out["history.html"] = self.history()
        out["downloads.html"] = self.downloads()
        return out


STATUS_STYLES_BY_CODE = {s.value: st for s, st in STATUS_STYLES.items()}


def site_files(edition: PublicEdition, langs: tuple[str, ...] = (DEFAULT_LANG,)) -> dict[str, bytes]:
    """Every page of every language (the first at the top, English in ``en/``) and the CSS."""
    files: dict[str, bytes] = {"style.css": css().encode("utf-8")}
    records = Records(edition)
    for lang in langs:
        prefix = "" if lang == langs[0] else f"{lang}/"
        for name, html in Site(edition, lang, langs, records).pages().items():
            files[prefix + name] = html.encode("utf-8")
    return files


Render = Callable[[PublicEdition], dict[str, bytes]]
