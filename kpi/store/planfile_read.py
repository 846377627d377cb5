"""Reading a plan file: YAML as people write it (YAML 1.2 booleans, the line of every
entry), a format 1 file read as format 2, and every problem in Japanese as
``file:line: entry: field: reason``.

The schema it validates against is ``kpi.store.planfile``.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError

from kpi.domain.plan import DEFAULT_LEVELS, level_words
from kpi.store.planfile import MONTH_PATTERN, V1_PROJECT_KEYS, BadNumber, PlanError, PlanFile, PlanProblems
from kpi.text.control import control_refusal


def _entry_name(raw: Any, loc: tuple[Any, ...]) -> str:
    """'projects[no=4]' instead of 'projects.3', so a person can find the entry in the file."""
    parts: list[str] = []
    node = raw
    for key in loc:
        if isinstance(key, int) and parts:
            label = f"[{key + 1}]"
            item = node[key] if isinstance(node, list) and key < len(node) else None
            if isinstance(item, dict):
                for ident in ("id", "no"):
                    if ident in item:
                        label = f"[{ident}={item[ident]}]"
                        break
            parts[-1] += label
            node = item
        else:
            parts.append(str(key))
            node = node.get(key) if isinstance(node, dict) else None
    return ".".join(parts)


def upgrade_v1(raw: dict[str, Any]) -> dict[str, Any]:
    """A version 1 plan read as version 2: the year-named project keys renamed, nothing else."""
    if raw.get("format_version") != 1 or not isinstance(raw.get("projects"), list):
        return raw
    projects = [
        {V1_PROJECT_KEYS.get(k, k): v for k, v in p.items()} if isinstance(p, dict) else p for p in raw["projects"]
    ]
    return {**raw, "projects": projects}


# What a clerk calls each field, for messages (「目標値（target）」).
FIELD_NAMES = {
    "format_version": "形式のバージョン", "municipality": "自治体名", "plan_name": "計画名",
    "fiscal_year": "年度", "label": "年度の表記", "owner_department": "所管課",
    "policies": "基本方針", "measures": "重点施策", "projects": "実施事業", "indicators": "指標",
    "no": "番号", "name": "名称", "symbol": "記号", "code": "表示コード", "levels": "階層の名前",
    "policy": "基本方針の番号", "measure": "重点施策の番号",
    "project": "実施事業の番号", "lead_department": "担当部署", "related_departments": "関係部署",
    "summary": "事業概要", "expected_effect": "期待効果", "url": "関連URL", "outcome": "目指す成果等",
    "previous_work": "前年度までの実施内容", "this_year": "今年度の実施内容", "next_years": "次年度以降の取組",
    "schedule": "工程表", "item": "実施項目", "bars": "工程のバー", "milestones": "マイルストーン",
    "start": "開始月", "end": "終了月", "text": "文言", "month": "月", "id": "ID", "unit": "単位",
    "baseline": "基準値", "baseline_note": "基準値の注記", "target": "目標値", "target_factor": "目標の倍率",
    "target_note": "目標の注記", "direction": "方向", "accumulation": "集計方法", "monthly_plan": "月別計画値",
    "thresholds": "判定の閾値", "on_track": "順調の閾値", "caution": "注意の閾値",
    "min_value": "最小値", "max_value": "最大値", "baseline_month": "基準値の月", "target_year": "最終目標の年度",
    "yearly_targets": "年度別目標値", "municipality_code": "全国地方公共団体コード", "public": "公開版の設定",
    "license": "ライセンス", "attribution": "出典の表記", "homepage": "自治体のホームページ",
    "contact_department": "問い合わせ先の部署",
    "flow_scope": "累計の範囲", "frequency": "報告頻度", "due_month": "報告月",
    # issue 21
    "baseline_year": "基準値の年", "start_total": "開始時の累計", "start_total_month": "開始時の累計の月",
    "scale": "評価の段階", "statuses": "状況の表記", "ahead": "前倒し達成の段階", "ratings": "期末評価の段階",
    "ratio": "進捗率", "[key]": "",
}  # fmt: skip
FIELD_NAMES.update(
    {
        "rollup": "まとめ方",
        "rule": "まとめ方の規則",
        "on_track_percent": "順調とする割合（%）",
        "caution_percent": "注意とする割合（%）",
    }
)  # the plan file's rollup block (kpi.domain.group_rollup)
# A hint with an example of what to write, per field kind.
MONTH_HINT = '月は引用符つきの "YYYY-MM" で書いてください（例: "2026-04"）'
ID_HINT = "IDは半角の英小文字・数字・ハイフンで書いてください（例: 04-mynumber-card-rate）"
MILESTONE_ID_HINT = "IDは半角英数字で始め、英数字と . _ - で書いてください（例: 01-m1）"


def _message(err: Any, field: str) -> str:
    """A pydantic error in Japanese, with a hint of what to write."""
    kind = err["type"]
    ctx = err.get("ctx") or {}
    name = FIELD_NAMES.get(field, field)
    value = err.get("input")
    if isinstance(value, BadNumber):
        return f"{name}は数値で書いてください（例: 100）: {value.reason}"
    if kind in ("float_parsing", "float_type", "finite_number"):
        return f"{name}は数値で書いてください（例: 100）"
    if kind in ("int_parsing", "int_type", "int_from_float"):
        return f"{name}は整数で書いてください（例: 1）"
    if kind == "missing":
        return f"{name}がありません（必須の項目です）"
    if kind == "extra_forbidden":
        return f"{field} という項目はありません（綴りと字下げを確認してください）"
    if kind == "string_type":
        return f"{name}は文字列で書いてください"
    if kind == "string_too_short":
        return f"{name}が空です（書いてください）"
    if kind == "string_pattern_mismatch":
        if field in ("start", "end", "month") or str(ctx.get("pattern")) == MONTH_PATTERN:
            return MONTH_HINT
        return MILESTONE_ID_HINT if "._" in str(ctx.get("pattern")) else ID_HINT
    if kind == "literal_error":
        choices = str(ctx.get("expected", "")).replace(" or ", ", ")
        return f"{name}は次のどれかで書いてください: {choices}"
    if kind in ("greater_than", "greater_than_equal", "less_than", "less_than_equal"):
        words = {
            "greater_than": "より大きく", "greater_than_equal": "以上に",
            "less_than": "より小さく", "less_than_equal": "以下に",
        }  # fmt: skip
        limit = next(iter(ctx.values()), "")
        return f"{name}は{limit}{words[kind]}してください"
    if kind in ("list_type", "tuple_type"):
        return f"{name}はリスト（各行を「- 」で始める、または [ ] で囲む）で書いてください"
    if kind in ("dict_type", "model_type", "model_attributes_type"):
        return f"{name}は「キー: 値」の形で書いてください"
    if kind == "too_long" and field == "levels":
        limit = ctx.get("max_length", 3)
        return f"{name}は2つか{limit}つで書いてください（対応している階層は{limit}つまでです）"
    if kind == "too_long":
        return f"{name}は{ctx.get('max_length', '')}件までにしてください"
    if kind == "too_short":
        return f"{name}が1件もありません（少なくとも1件書いてください）"
    if kind in ("bool_type", "bool_parsing"):
        return f"{name}は true か false で書いてください"
    if kind == "value_error":
        error = ctx.get("error")
        return str(error) if error is not None else str(err["msg"]).removeprefix("Value error, ")
    return f"{name}の値が正しくありません"


def _file_loc(raw: Any, loc: tuple[Any, ...]) -> tuple[Any, ...]:
    """The path as written in the file: a version 1 file's project keys have their old names."""
    if isinstance(raw, dict) and raw.get("format_version") == 1 and len(loc) >= 3 and loc[0] == "projects":
        old = {v: k for k, v in V1_PROJECT_KEYS.items()}
        return (*loc[:2], old.get(loc[2], loc[2]), *loc[3:])
    return loc


def _line_of(lines: dict[tuple[Any, ...], int], loc: tuple[Any, ...]) -> int | None:
    """The line of a path, or of the nearest entry around it (a missing field: its entry)."""
    for n in range(len(loc), -1, -1):
        if loc[:n] in lines:
            return lines[loc[:n]]
    return None


def _problem(source: str, raw: Any, lines: dict[tuple[Any, ...], int], loc: tuple[Any, ...], message: str) -> str:
    loc = _file_loc(raw, loc)
    line = _line_of(lines, loc) if loc else None
    head = f"{source}:{line}行目" if line else source
    if not loc:
        return f"{head}: {message}"
    where = _entry_name(raw, loc)
    field = next((k for k in reversed(loc) if isinstance(k, str)), "")
    named = FIELD_NAMES.get(field)
    if named and where.endswith(field):
        where = f"{where}（{level_words(named, plan_levels(raw))}）"  # the plan's own levels: 取組の番号
    return f"{head}: {where}: {message}"


def plan_levels(raw: Any) -> tuple[str, ...]:
    """The level names a raw plan file gives (for its messages), else the default ones."""
    levels = raw.get("levels") if isinstance(raw, dict) else None
    if isinstance(levels, list) and len(levels) in (2, 3) and all(isinstance(x, str) and x for x in levels):
        return tuple(levels)
    return DEFAULT_LEVELS


def parse_plan(raw: Any, source: str, lines: dict[tuple[Any, ...], int] | None = None) -> PlanFile:
    """Validate a plan read from YAML; ``lines`` maps each path in the file to its line."""
    lines = lines or {}
    if not isinstance(raw, dict):
        raise PlanError(
            source, [f"{source}: ファイルの最上位は「キー: 値」の形（format_version: 2 など）にしてください"]
        )
    controls = [_problem(source, raw, lines, loc, message) for loc, message in _control_problems(raw, ())]
    if controls:
        raise PlanError(source, controls)
    try:
        return PlanFile.model_validate(upgrade_v1(raw))
    except ValidationError as exc:
        problems = []
        # A field of several types (a number or 「新規」) fails once per type: one message.
        grouped: dict[tuple[Any, ...], list[Any]] = {}
        for err in exc.errors():
            loc = tuple(k for k in err["loc"] if not (isinstance(k, str) and _TYPE_TAG.match(k)))
            grouped.setdefault(loc, []).append(err)
        for loc, errs in grouped.items():
            err = errs[0]
            error = (err.get("ctx") or {}).get("error")
            if isinstance(error, PlanProblems):
                problems += [_problem(source, raw, lines, (*loc, *path), msg) for path, msg in error.problems]
                continue
            field = next((str(k) for k in reversed(loc) if isinstance(k, str)), "")
            message = level_words(_message(err, field), plan_levels(raw))  # 「分野の番号」, not 「基本方針の番号」
            if loc and loc[-1] == "[key]":  # pydantic's name for a mapping's key: say which key
                loc = loc[:-1]
                message = f"「{loc[-1]}」という項目は書けません。" + message.removeprefix("[key]").removeprefix("は")
            choices = [str((e.get("ctx") or {}).get("expected", "")) for e in errs[1:] if e["type"] == "literal_error"]
            if choices:
                message += f"（または {', '.join(choices)}）"
            for text in message.splitlines():
                problems.append(_problem(source, raw, lines, loc, text))
        raise PlanError(source, problems) from None


def _control_problems(node: Any, loc: tuple[Any, ...]) -> list[tuple[tuple[Any, ...], str]]:
    """Every text of the file (keys too) holding a control character ("\\e" in double quotes
    is one), with its path; the field is named as FIELD_NAMES calls it."""
    out: list[tuple[tuple[Any, ...], str]] = []
    if isinstance(node, dict):
        for key, value in node.items():
            if (message := control_refusal("項目名", key)) is not None:
                out.append((loc, message))
            out += _control_problems(value, (*loc, key))
    elif isinstance(node, list):
        for i, item in enumerate(node):
            out += _control_problems(item, (*loc, i))
    else:
        field = next((str(k) for k in reversed(loc) if isinstance(k, str)), "")
        if (message := control_refusal(FIELD_NAMES.get(field, field), node)) is not None:
            out.append((loc, message))
    return out


# pydantic names the member of a union that failed in the error's location: not a field.
_TYPE_TAG = re.compile(r"^(float|int|str|bool|none|literal\[.*\]|list\[.*\]|dict\[.*\]|function-.*)$")


class _PlanLoader(yaml.SafeLoader):
    """YAML as people write it in a plan: only true/false are booleans (YAML 1.2), so ``no: 1``
    is the key 「no」 and ``yes``/``on``/``off`` are text, not PyYAML's YAML 1.1 booleans."""


# The same rules on libyaml's parser (PyYAML's C extension): the pure-Python scanner took
# three seconds of an unchanged import of a 1,000-project plan. Nodes, values and line marks
# are the same; a broken file is parsed again by _PlanLoader for PyYAML's own wording of the
# problem, which the Japanese hints below match.
_FastPlanLoader: type[Any] = (
    type("_FastPlanLoader", (yaml.CSafeLoader,), {}) if getattr(yaml, "__with_libyaml__", False) else _PlanLoader
)

_loader: Any
for _loader in {_PlanLoader, _FastPlanLoader}:
    _loader.yaml_implicit_resolvers = {
        first: [(tag, rx) for tag, rx in resolvers if tag != "tag:yaml.org,2002:bool"]
        for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
    }
    _loader.add_implicit_resolver(
        "tag:yaml.org,2002:bool", re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$"), list("tTfF")
    )


class _RepeatedNode(Exception):
    """A list or mapping used a second time through a YAML alias (``*name``)."""

    def __init__(self, line: int) -> None:
        self.line = line


def _node_lines(
    node: yaml.Node, path: tuple[Any, ...], out: dict[tuple[Any, ...], int], seen: set[int] | None = None
) -> None:
    """Line (1-based) of every key and list item, keyed by its path in the loaded data.

    A list or mapping reached twice came through an alias (``*name``): refused at the line that
    uses it, because nine lines of aliases nested nine deep (a "billion laughs" file) expand to
    387 million values, and walking them took minutes of CPU before any check could say no.
    A plan never needs one."""
    seen = {id(node)} if seen is None else seen
    out.setdefault(path, node.start_mark.line + 1)
    if isinstance(node, yaml.MappingNode):
        children = [
            ((*path, k.value), k.start_mark.line + 1, v) for k, v in node.value if isinstance(k, yaml.ScalarNode)
        ]
    elif isinstance(node, yaml.SequenceNode):
        children = [((*path, i), node.start_mark.line + 1, v) for i, v in enumerate(node.value)]
    else:
        return
    for child, line, value in children:
        if isinstance(value, yaml.MappingNode | yaml.SequenceNode):
            if id(value) in seen:
                raise _RepeatedNode(line)
            seen.add(id(value))
        if isinstance(node, yaml.MappingNode):
            out[child] = line
        _node_lines(value, child, out, seen)


# PyYAML's problems in Japanese, with what to check.
YAML_HINTS = (
    ("<stream end>", "括弧 [ ] { } か引用符が閉じないままファイルが終わっています"),
    ("expected the node content", "値がありません（[ ] や { } の中に「- 」で始まる行を書いていませんか）"),
    ("found character '\\t'", "タブ文字は使えません。字下げは半角スペースで書いてください"),
    (
        "mapping values are not allowed",
        "「: 」の使い方が正しくありません。値に「: 」を含むときは引用符で囲んでください",
    ),
    ("could not find expected ':'", "「キー: 値」の形になっていません（「:」の後に半角スペースが必要です）"),
    ("expected ',' or ']'", "[ ] の閉じ忘れか、項目の区切りの「,」がありません"),
    ("expected ',' or '}'", "{ } の閉じ忘れか、項目の区切りの「,」がありません"),
    ("did not find expected key", "字下げがそろっていません（同じ階層の項目は同じ数の半角スペースで始めてください）"),
    (
        "did not find expected '-' indicator",
        "字下げがそろっていません（リストの各行は同じ位置の「- 」で始めてください）",
    ),
    ("found unexpected end of stream", "引用符の閉じ忘れがあります"),
    ("found undefined alias", "「*」で始まる値は使えません（文字として書くときは引用符で囲んでください）"),
    (
        "found unknown escape character",
        "ダブルクォートの中の「\\」が正しくありません（シングルクォートで囲んでください）",
    ),
)


def _yaml_problem(source: str, exc: yaml.YAMLError) -> str:
    mark = getattr(exc, "problem_mark", None) or getattr(exc, "context_mark", None)
    where = f"{source}:{mark.line + 1}行目{mark.column + 1}文字目" if mark is not None else source
    problem = f"{getattr(exc, 'context', '') or ''} {getattr(exc, 'problem', '') or exc}"
    hint = next(
        (ja for en, ja in YAML_HINTS if en in problem),
        "YAML の書き方が正しくありません（字下げ・引用符・括弧を確認してください）",
    )
    return f"{where}: {hint}"


def read_plan_yaml(text: str, source: str) -> tuple[Any, dict[tuple[Any, ...], int]]:
    """The data of a plan file and the line of every path in it; PlanError when YAML is broken."""
    try:
        return _read_yaml(_FastPlanLoader, text, source)
    except PlanError:
        if _FastPlanLoader is _PlanLoader:
            raise
    return _read_yaml(_PlanLoader, text, source)


def _read_yaml(loader_class: Any, text: str, source: str) -> tuple[Any, dict[tuple[Any, ...], int]]:
    loader = loader_class(text)
    try:
        node = loader.get_single_node()
        if node is None:
            return None, {}
        lines: dict[tuple[Any, ...], int] = {}
        _node_lines(node, (), lines)
        return loader.construct_document(node), lines
    except _RepeatedNode as exc:
        raise PlanError(source, [f"{source}:{exc.line}行目: {ALIAS_REFUSED}"]) from None
    except yaml.YAMLError as exc:
        raise PlanError(source, [_yaml_problem(source, exc)]) from None
    finally:
        loader.dispose()


ALIAS_REFUSED = "「*」（エイリアス）で一覧や項目を繰り返す書き方は使えません。値をそのまま書いてください"
# A plan file is read whole: the real plan is 50 KB and a generated plan of 1,000 projects and
# 3,000 indicators about 2 MB. A bigger file is refused before it is read.
MAX_PLAN_BYTES = 20 * 1024 * 1024


def load_plan_file(path: str | Path) -> PlanFile:
    """Read and validate a plan file; raise PlanError naming file, line, entry and field."""
    path = Path(path)
    source = str(path)
    try:
        size = path.stat().st_size
        if size > MAX_PLAN_BYTES:
            limit = MAX_PLAN_BYTES // 1024 // 1024
            raise PlanError(
                source, [f"{source}: ファイルが大きすぎます（{size / 1024 / 1024:.1f} MB、上限 {limit} MB）"]
            )
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise PlanError(source, [f"{source}: ファイルが見つかりません"]) from None
    except UnicodeDecodeError as exc:
        raise PlanError(
            source, [f"{source}: UTF-8 として読めません（{exc.start}バイト目）。UTF-8 で保存し直してください"]
        ) from None
    raw, lines = read_plan_yaml(text, source)
    return parse_plan(raw, source, lines)
