"""The one catalog of every word a person reads, in Japanese and English: ``TEXT`` and ``t()``.

Each entry is ``key → (Japanese, English)``; both are non-empty (tests/text/test_catalog.py).
Code outside ``kpi/text`` never writes a word or a language branch itself: it calls
``t(key, lang)`` (or a small function of ``kpi.text.labels`` built on it, such as
``state_label`` or ``month_label``) and ``str.format`` for the values.

Entries live in more than one module so that none is too long: this module's ``TEXT``
(the pages' words), ``kpi.text.catalog_terms`` (the workflow, months, evaluations,
reports and charts) and more registered at the end of this module. To add a module of
entries, write its dict (``NAME: dict[str, tuple[str, str]]``) in ``kpi/text/`` and
register it HERE, at the end of this module, with one line: ``register(NAME)`` (or
``TEXT.update(NAME)``), importing it at the top. ``register`` refuses a key that is already
in the catalog, so one module cannot silently change another's words.
"""

from __future__ import annotations

from collections.abc import Mapping

from kpi.text.catalog_backup import BACKUP_TEXT
from kpi.text.catalog_finish22 import FINISH_TEXT
from kpi.text.catalog_glance import GLANCE_TEXT
from kpi.text.catalog_input import INPUT_TEXT
from kpi.text.catalog_ldap import LDAP_TEXT
from kpi.text.catalog_oidc import OIDC_TEXT
from kpi.text.catalog_pages import PAGE_TEXT
from kpi.text.catalog_print import PRINT_TEXT
from kpi.text.catalog_pub import PUB_TEXT
from kpi.text.catalog_scale import SCALE_TEXT
from kpi.text.catalog_screens22 import SCREENS_TEXT
from kpi.text.catalog_speed22 import SPEED22_TEXT
from kpi.text.catalog_terms import TERMS

DEFAULT_LANG = "ja"
LANGS = ("ja", "en")


def t(key: str, lang: str = DEFAULT_LANG) -> str:
    """The entry ``key`` in ``lang`` (English for "en", else Japanese)."""
    ja, en = TEXT[key]
    return en if lang == "en" else ja


def register(entries: Mapping[str, tuple[str, str]]) -> None:
    """Add a module's entries to the catalog; a key already there is an error, not an override."""
    clash = sorted(TEXT.keys() & entries.keys())
    if clash:
        raise ValueError(f"catalog keys defined twice: {', '.join(clash)}")
    TEXT.update(entries)


# key → (Japanese, English). Pages take every label from here.
TEXT: dict[str, tuple[str, str]] = {
    # Neutral until a plan is loaded; with one, app_title() names its municipality and plan.
    "app_title": ("DXアクションプラン 進捗ダッシュボード", "DX Action Plan dashboard"),
    "app_title_plan": ("{plan} 進捗ダッシュボード", "{plan} dashboard"),
    "sample_banner": (
        "サンプルデータを表示しています。画面の実績値は操作を試すための架空の値で、実際の実績ではありません。",
        "Showing SAMPLE data: the actuals on screen are made up for trying the product, not real figures.",
    ),
    "policy": ("基本方針", "Policy"),
    "policy_n": ("基本方針{n}", "Policy {n}"),
    "measure": ("重点施策", "Measure"),
    "project": ("実施事業", "Project"),
    "indicator": ("指標", "Indicator"),
    "milestone": ("マイルストーン", "Milestone"),
    "status": ("状況", "Status"),
    "department": ("担当部署", "Department"),
    "related_departments": ("関係部署", "Related departments"),
    "baseline": ("基準値", "Baseline"),
    "target": ("目標値", "Target"),
    "expected": ("計画値", "Planned"),
    "actual": ("実績値", "Actual"),
    "ratio": ("進捗率", "Ratio"),
    "unit": ("単位", "Unit"),
    "month": ("月", "Month"),
    "as_of": ("基準月", "As of"),
    "fiscal_year": ("年度", "Fiscal year"),
    "language": ("言語", "Language"),
    "overview": ("全体概要", "Overview"),
    "why": ("理由・メモ", "Why"),
    "rep_why": ("注意・遅延の理由", "Why caution or delayed"),
    "why_none": ("理由・メモは未入力です", "No note or comment entered yet"),
    "dash_history": ("月別の状況", "Status by month"),
    "dash_history_caption": (
        "各月末時点の状況（その月までに入力された実績で判定）。記号: ◎達成 ○順調 △注意 ×遅延 ―未入力",
        "Status at the end of each month, from what had been entered by then.",
    ),
    "dash_history_none": ("まだ表示できる月がありません", "No month to show yet"),
    "dash_status_changes": ("状況の変化", "Status changes"),
    "dash_status_steady": ("年度当初から状況は変わっていません", "The status has not changed this year"),
    "no_plan": (
        "計画が読み込まれていません。python -m kpi init を実行してください。",
        "No plan loaded. Run: python -m kpi init",
    ),
    # Accounts, 実績入力, 変更履歴, 計画管理 (kpi/auth_ui.py, pages/4, 7, 8).
    "role_admin": ("管理者", "Administrator"),
    "role_editor": ("編集者", "Editor"),
    "role_viewer": ("閲覧者", "Viewer"),
    "auth_login": ("ログイン", "Log in"),
    "auth_logout": ("ログアウト", "Log out"),
    "auth_username": ("利用者名", "User name"),
    "auth_password": ("パスワード", "Password"),
    "auth_logged_in_as": ("ログイン中", "Logged in as"),
    "auth_oidc": ("組織アカウントでログイン", "Log in with the organisation account"),
    "auth_disabled": ("このアカウントは無効にされました", "This account has been disabled"),
    "auth_required": ("サイドバーからログインしてください。", "Please log in from the sidebar."),
    "author_staff": ("職員", "Staff"),
    "error_incident": (
        "申し訳ありません。この画面の表示中に問題が発生しました（エラー番号 {id}）。"
        "時間をおいて開き直してください。続くときは、このエラー番号を管理者に伝えてください。",
        "Sorry, something went wrong while showing this page (incident {id}). "
        "Please reload later; if it persists, give this number to the administrator.",
    ),
    "entry_title": ("実績入力", "Enter actuals"),
    "entry_month": ("入力する月", "Month to enter"),
    "entry_scope": ("入力する重点施策・部署", "Measure or department to enter"),
    "entry_login_first": (
        "実績を入力するには、サイドバーからログインしてください。",
        "Log in from the sidebar to enter actuals.",
    ),
    "entry_viewer": ("閲覧者は入力できません。", "Viewers cannot enter values."),
    "entry_locked": (
        "この月は締め済み（ロック）です。変更は管理者に解除を依頼してください。",
        "This month is locked. Ask an administrator to unlock it.",
    ),
    "entry_indicators": ("指標の実績", "Indicator actuals"),
    "entry_no_indicators": ("担当の指標はありません。", "No indicators of your departments."),
    "entry_value": ("実績値", "Value"),
    "entry_note": ("備考（遅延の場合は理由）", "Note (the reason when delayed)"),
    "entry_reason": ("修正理由（既存の値を変更する場合）", "Correction reason (when changing a value)"),
    "entry_range": ("入力範囲", "Valid range"),
    "entry_current": ("現在の値", "Current value"),
    "entry_save": ("まとめて保存", "Save all"),
    "entry_saved": ("{n}件を保存しました。", "Saved {n} values."),
    "entry_nothing": ("変更はありませんでした。", "Nothing changed."),
    "entry_conflict": (
        "{code}: {author} さんが先に {value} を保存しました（あなたの入力 {mine} は保存していません）。"
        "確認して、必要なら修正理由を付けて入力し直してください。",
        "{code}: {author} saved {value} first (your {mine} was not saved). Check and enter again with a reason.",
    ),
    "entry_rejected": ("保存できませんでした（何も保存していません）:", "Not saved (nothing was saved):"),
    "entry_result": ("保存後の状況", "Status after saving"),
    "entry_reload": ("最新の値を読み込む", "Reload the latest values"),
    "entry_milestones": ("マイルストーン（●）", "Milestones (●)"),
    "entry_no_milestones": ("担当のマイルストーンはありません。", "No milestones of your projects."),
    "entry_done": ("完了", "Done"),
    "entry_done_on": ("完了日", "Completed on"),
    "entry_undo": ("完了を取り消す", "Undo completion"),
    "entry_ms_save": ("マイルストーンを保存", "Save milestones"),
    "entry_assessment": ("自己評価", "Self-assessment"),
    "entry_assessment_required": ("必須（指標なし）", "Required (no indicator)"),
    "entry_comment": ("コメント", "Comment"),
    "entry_assessment_save": ("自己評価を保存", "Save self-assessments"),
    "entry_not_set": ("（未入力）", "(not set)"),
    "entry_history": ("修正履歴", "Revision history"),
    "entry_bulk": ("一括取り込み（管理者）", "Bulk import (administrators)"),
    "entry_template": ("テンプレート（CSV）をダウンロード", "Download the CSV template"),
    "entry_upload": ("CSV または XLSX ファイル", "CSV or XLSX file"),
    "entry_row_errors": (
        "{n}件の誤りがあります。ファイルを直して、もう一度アップロードしてください（何も保存していません）。",
        "{n} errors. Fix the file and upload again (nothing was saved).",
    ),
    "entry_commit": ("{n}行をすべて取り込む", "Import all {n} rows"),
    "entry_flow_hint": (
        "この月の実績（その月だけの値。累計ではありません）",
        "This month's own amount (not the running total)",
    ),
    "entry_level_hint": ("月末時点の値", "The figure at the end of the month"),
    "entry_row_error": ("この指標は保存できませんでした", "This indicator was not saved"),
    "entry_bulk_reason": (
        "修正理由（既存の値を変更する行のうち `reason` 列が空の行に使います）",
        "Correction reason (for changed rows whose reason column is empty)",
    ),
    "entry_corrections": (
        "{n}行が既存の値を変更します（「変更」列の 旧 → 新）。修正理由が必要です。",
        "{n} rows change an existing value (old → new in the change column); they need a reason.",
    ),
    "entry_col_line": ("行", "Line"),
    "entry_col_indicator_id": ("指標ID", "Indicator id"),
    "entry_col_name": ("指標", "Indicator"),
    "entry_col_month": ("月", "Month"),
    "entry_col_value": ("値", "Value"),
    "entry_col_change": ("変更", "Change"),
    "entry_col_note": ("備考", "Note"),
    "entry_col_reason": ("修正理由", "Reason"),
    "entry_col_error": ("誤り", "Error"),
    "entry_imported": ("{n}件を取り込みました。", "Imported {n} values."),
    "admin_only": ("このページは管理者のみ利用できます。", "Administrators only."),
    "col_month": ("月", "Month"),
    "col_revision": ("版", "Revision"),
    "col_value": ("値", "Value"),
    "col_note": ("備考", "Note"),
    "col_reason": ("修正理由", "Reason"),
    "col_author": ("入力者", "Author"),
    "col_created_at": ("入力日時（JST）", "Saved at (JST)"),
    "col_source": ("経路", "Source"),
    "col_is_sample": ("サンプル", "Sample"),
    "col_username": ("利用者名", "User name"),
    "col_display_name": ("表示名", "Display name"),
    "col_email": ("メールアドレス", "E-mail"),
    "col_role": ("役割", "Role"),
    "col_departments": ("所属部署", "Departments"),
    "col_disabled": ("無効", "Disabled"),
    "col_disabled_yes": ("無効", "disabled"),
    "col_locked_until": ("ロック期限（JST）", "Locked until (JST)"),
    "col_locked_by": ("締めた人", "Locked by"),
    "col_ev_rating": ("実績の検証評価", "Rating"),
    "col_ev_reason": ("左記の状況・理由等", "Situation and reasons"),
    "col_ev_new_issues": ("新たに生じた課題等", "New issues"),
    "col_completed_by": ("入力者", "Entered by"),
    "col_at": ("日時（JST）", "Time (JST)"),
    "col_actor": ("利用者", "User"),
    "col_action": ("操作", "Action"),
    "col_target": ("対象", "Target"),
    "col_detail": ("内容", "Detail"),
    "hist_title": ("変更履歴", "Change log"),
    "hist_actor": ("利用者", "User"),
    "hist_action": ("操作", "Action"),
    "hist_from": ("開始日", "From"),
    "hist_to": ("終了日", "To"),
    "hist_text": ("検索語（対象・内容）", "Search text"),
    "hist_count": ("{n}件", "{n} entries"),
    "hist_download": ("CSVで保存", "Download CSV"),
    "hist_logins": ("ログインの記録も表示", "Show sign-in events"),
    "hist_all_actions": ("すべて", "All"),
    "all_option": ("すべて", "All"),
    "choose_option": ("選択してください", "Choose"),
    "dash_chart_page": ("表示するグラフ（全{n}件）", "Charts shown (of {n})"),
    "dash_history_page": ("月別の状況を表示する事業（全{n}件）", "Projects shown month by month (of {n})"),
    "dash_tree_page": ("表示する事業（全{n}件）", "Projects shown (of {n})"),
    "schedule_page": ("表示する事業（全{n}件）", "Projects shown (of {n})"),
    "hist_newer": ("新しい{n}件", "Newer {n}"),
    "hist_older": ("古い{n}件", "Older {n}"),
    "hist_range": ("{first}〜{last}件目を表示", "Showing {first}–{last}"),
    "admin_title": ("計画管理", "Plan administration"),
    "admin_plan": ("指標の計画値", "Indicator plan values"),
    "admin_target_factor": ("目標係数（基準値比）", "Target factor (× baseline)"),
    "admin_on_track": ("順調のしきい値（%）", "On-track threshold (%)"),
    "admin_caution": ("注意のしきい値（%）", "Caution threshold (%)"),
    "admin_monthly_plan": (
        "月別計画（12か月すべて。空欄なら直線）",
        "Monthly plan (all 12 months, or empty for a straight line)",
    ),
    "admin_save": ("変更を保存", "Save changes"),
    "admin_changed": ("{n}項目を変更しました。", "Changed {n} fields."),
    "admin_nochange": ("変更はありません。", "No changes."),
    "admin_locks": ("月の締め（ロック）", "Period locks"),
    "admin_lock": ("締める", "Lock"),
    "admin_unlock": ("解除する", "Unlock"),
    "admin_locked_months": ("締め済みの月", "Locked months"),
    "admin_lock_confirm": (
        "{month} を締めます。締めた月の実績は、解除するまで誰も入力・修正できません。",
        "Lock {month}? Nobody can enter or correct its actuals until it is unlocked.",
    ),
    "admin_unlock_confirm": (
        "{month} の締めを解除します。解除すると、その月の実績を再び入力・修正できます。",
        "Unlock {month}? Its actuals can then be entered and corrected again.",
    ),
    "admin_confirm": ("実行する", "Confirm"),
    "admin_cancel": ("やめる", "Cancel"),
    "admin_locked_done": ("{month} を締めました。", "Locked {month}."),
    "admin_unlocked_done": ("{month} の締めを解除しました。", "Unlocked {month}."),
    "admin_derived_target": ("目標値（基準値 × 目標係数）: {value}", "Target (baseline × factor): {value}"),
    "admin_derived_pending": (
        "目標値は基準値が決まると決まります（基準値 × {factor}）。",
        "The target follows once the baseline is set (baseline × {factor}).",
    ),
    "admin_users": ("利用者", "Users"),
    "admin_add_user": ("利用者を追加", "Add a user"),
    "admin_disable": ("無効にする", "Disable"),
    "admin_role": ("役割", "Role"),
    "admin_departments": ("所属部署（読点・カンマ区切り）", "Departments (comma separated)"),
    "admin_display_name": ("表示名", "Display name"),
    "admin_email": ("メールアドレス", "E-mail"),
    "admin_password": ("初期パスワード（空欄なら生成）", "Initial password (empty: generate)"),
    "admin_generated": ("初期パスワード（この一度だけ表示）", "Initial password (shown once)"),
    # Dashboard pages and charts (kpi/charts.py, app.py, pages/1-3).
    "chart_actual_cumulative": ("実績値（累計）", "Actual (cumulative)"),
    "chart_previous_year": ("{year}の実績値", "{year} actual"),
    "chart_trajectory": ("計画上の推移", "Expected trajectory"),
    "chart_projection": ("年度末予測（直近の傾向）", "Year-end projection (recent trend)"),
    "chart_projection_short": ("年度末予測", "Projected"),
    "chart_start": ("期首", "Start"),
    "chart_final_target": ("最終目標", "Final target"),
    "chart_baseline_new": ("新規", "new"),
    "chart_no_target": ("目標値は基準値の設定後", "Target after baseline"),
    "chart_no_item": ("（項目名なし）", "(no item name)"),
    "chart_schedule_bar": ("工程", "Scheduled work"),
    "schedule_title": ("工程表", "Schedule"),
    "dash_project_status": ("実施事業の状況", "Project status"),
    "dash_indicator_status": ("指標・マイルストーンの状況", "Indicators and milestones"),
    "dash_count_total": ("全{n}事業", "{n} projects"),
    "dash_count_items": ("全{n}件", "{n} items"),
    "dash_hierarchy": ("施策体系と状況", "Plan structure and status"),
    "dash_changes": ("前月からの変化", "Changes since last month"),
    "dash_changes_caption": ("{prev} → {now} で状況が変わった実施事業", "Projects whose status changed {prev} → {now}"),
    "dash_worse": ("悪化", "Worse"),
    "dash_better": ("改善", "Better"),
    "dash_no_changes": ("前月から状況の変わった実施事業はありません。", "No project changed status since last month."),
    "dash_missing": ("未報告の指標", "Missing reports"),
    "dash_missing_caption": (
        "基準月までの実績が入力されていない指標",
        "Indicators without actuals up to the as-of month",
    ),
    "dash_none_missing": ("未報告の指標はありません。", "All indicators are reported."),
    "dash_last_reported": ("最終報告月", "Last reported"),
    "dash_unreported": ("未報告", "Unreported"),
    "dash_open": ("詳細", "Details"),
    "dash_previous": ("前月", "Last month"),
    "dash_now": ("今月", "Now"),
    "dash_choose_measure": ("重点施策を選択", "Choose a measure"),
    "dash_choose_project": ("実施事業を選択", "Choose a project"),
    "dash_indicators": ("指標の進捗", "Indicator progress"),
    "dash_latest": ("最新値", "Latest"),
    "dash_trend": ("今年度の推移", "This year"),
    "dash_charts": ("指標のグラフ", "Indicator charts"),
    "spark_label": ("月別実績", "monthly actuals"),
    "spark_none": ("今年度の実績なし", "no actuals this year"),
    "dash_no_indicators": (
        "この実施事業には数値指標がありません。状況は工程表のマイルストーンと自己評価で判断します。",
        "This project has no numeric indicator; its status comes from milestones and self-assessment.",
    ),
    "dash_milestones": ("マイルストーン（工程表の●）", "Milestones (● in the schedule)"),
    "dash_no_milestones": ("マイルストーンはありません。", "No milestones."),
    "dash_projects": ("実施事業", "Projects"),
    "dash_assessment": ("自己評価", "Self-assessment"),
    "dash_assessment_none": ("自己評価はまだありません。", "No self-assessment yet."),
    "dash_plan_text": ("計画の内容", "Plan"),
    "dash_summary": ("事業概要", "Summary"),
    "dash_effect": ("期待効果", "Expected effect"),
    "dash_url": ("関連URL", "Link"),
    # {prev}/{this}/{next} are the 和暦 short years of the plan's fiscal year (work_headings).
    "dash_previous_work": ("{prev}までの実施内容", "Until {prev}"),
    "dash_this_year": ("{this}の実施内容", "{this} (this year)"),
    "dash_next_years": ("{next}以降の取組(予定)", "{next} onward (planned)"),
    "dash_outcome": ("目指す成果等", "Intended outcome"),
    "dash_schedule_of": ("工程表", "Schedule"),
    "dash_filter_policy": ("基本方針で絞り込み", "Filter by policy"),
    "dash_filter_measure": ("重点施策で絞り込み", "Filter by measure"),
    "dash_filter_department": ("部署で絞り込み（担当・関係）", "Filter by department (lead or related)"),
    "dash_no_match": ("条件に合う実施事業はありません。", "No project matches the filters."),
    "dash_shown_projects": ("{n}事業を表示", "{n} projects shown"),
    "dash_value": ("値", "Value"),
    "dash_due": ("予定月", "Due"),
    "dash_completed": ("完了日", "Completed"),
    "dash_none": ("なし", "none"),
    "dash_all": ("すべて", "All"),
    # Reports and 期末評価 (pages/5_reports.py, pages/6_evaluation.py).
    "rep_title": ("進捗レポート", "Progress report"),
    "rep_scope": ("対象範囲", "Scope"),
    "rep_scope_kind": ("範囲の種類", "Scope type"),
    "rep_all": ("全体", "Whole plan"),
    "rep_downloads": ("ダウンロード", "Downloads"),
    "rep_pdf": ("PDF（A4横）", "PDF (A4 landscape)"),
    "rep_xlsx": ("Excel", "Excel"),
    "rep_png": ("グラフ画像（PNG・zip）", "Chart images (PNG zip)"),
    "rep_schedule_xlsx": ("工程表 Excel（1事業1シート）", "Schedule sheets Excel"),
    "rep_schedule_pdf": ("工程表 PDF（1事業1ページ）", "Schedule sheets PDF"),
    "rep_legend": ("凡例", "Legend"),
    "rep_summary": ("実施事業の状況", "Projects"),
    "rep_summary_count": ("実施事業の状況（{n}）", "Projects ({n})"),
    "rep_indicators": ("指標の状況", "Indicators"),
    "rep_charts": ("指標の推移", "Indicator charts"),
    "rep_milestones": ("マイルストーン（工程表の●）", "Milestones (● in the schedule)"),
    "rep_none": ("この範囲にはありません。", "None in this scope."),
    "rep_breakdown": ("指標・●の内訳", "Breakdown"),
    "rep_print_hint": (
        "ブラウザの印刷（A4横）またはスクリーンショットにそのまま使えます。",
        "Ready for the browser's print (A4 landscape) or a screenshot.",
    ),
    "ev_title": ("期末評価", "Year-end evaluation"),
    "ev_form": ("評価の入力", "Evaluate"),
    "ev_summary": ("総括", "Summary"),
    "ev_rating": ("実績の検証評価", "Rating"),
    "ev_reason": ("左記の状況・理由等", "Situation and reasons"),
    "ev_new_issues": ("新たに生じた課題や特に留意すべき状況の変化等", "New issues and changes to note"),
    "ev_suggested": ("参考：状況からの評価案", "Suggested from the statuses"),
    "ev_provisional": ("（年度途中のため暫定）", "(provisional: the year is not over)"),
    "ev_save": ("保存", "Save"),
    "ev_saved": ("保存しました（第{rev}版）", "Saved (revision {rev})"),
    "ev_unchanged": ("変更はありません", "No change"),
    "ev_readonly": (
        "閲覧のみです。担当部署の編集者または管理者がログインすると入力できます。",
        "Read only. Editors of the department or admins can fill this in after logging in.",
    ),
    "ev_current": ("現在の評価", "Current evaluation"),
    "ev_history": ("履歴", "History"),
    "ev_counts": ("評価ごとの件数", "Projects per rating"),
    "ev_filter_measure": ("重点施策で絞り込み", "Filter by measure"),
    "ev_author": ("入力者", "Author"),
    "ev_updated": ("更新日時", "Updated"),
    "ev_filled": ("記入", "Filled"),
    # The year-end cycle: evaluation workflow (pages/6) and 「あなたの課の照会」 (pages/9).
    "ev_state": ("状態", "State"),
    "ev_state_counts": ("状態ごとの件数", "Projects per state"),
    "ev_filter_department": ("部署で絞り込み", "Filter by department"),
    "ev_overdue": ("期限超過", "Overdue"),
    "ev_year_title": ("この年度の状況（{month}時点）", "The year ({month})"),
    "ev_year_indicators": ("指標: 年度末の値と目標", "Indicators: year-end value and target"),
    "ev_year_milestones": ("マイルストーン（●）", "Milestones (●)"),
    "ev_year_assessments": ("自己評価とコメント", "Self-assessments and comments"),
    "ev_note": ("注意・遅延の理由（備考）", "Reason behind caution/delay (note)"),
    "ev_comment": ("コメント", "Comment"),
    "ev_completed": ("完了日", "Completed"),
    "ev_none": ("なし", "No entries"),
    "ev_submit": ("提出する", "Submit"),
    "ev_submitted": ("提出しました", "Submitted"),
    "ev_return": ("差し戻す", "Return"),
    "ev_return_comment": ("差戻しの理由（コメント）", "Reason for returning (comment)"),
    "ev_returned": ("差し戻しました", "Returned"),
    "ev_confirm": ("確定する", "Confirm"),
    "ev_confirmed": ("確定しました", "Confirmed"),
    "ev_reopen": ("確定を解除する", "Reopen"),
    "ev_reopened": ("確定を解除しました（入力中）", "Reopened (in progress)"),
    "ev_return_notice": (
        "差戻しされています。管理者のコメント: {comment}",
        "Returned. Administrator's comment: {comment}",
    ),
    "ev_locked": (
        "確定済みのため読み取り専用です。修正は管理者が確定を解除してから行います。",
        "Confirmed: read only until an administrator reopens it.",
    ),
    "ev_waiting": ("提出済みです。管理者の確認を待っています。", "Submitted: waiting for the administrator."),
    "ev_inquiry_open": ("各課照会: 受付中（提出期限 {deadline}）", "Inquiry open (deadline {deadline})"),
    "ev_inquiry_closed": ("各課照会: 終了（提出期限 {deadline}）", "Inquiry closed (deadline {deadline})"),
    "ev_inquiry_none": ("各課照会は開始されていません。", "No inquiry has been opened."),
    "ev_admin_actions": ("管理者の操作", "Administrator"),
    "ev_choose": ("すべて（選ぶと絞り込み）", "All (choose to filter)"),
    "ev_council_pdf": ("懇話会資料 PDF", "Council papers PDF"),
    "ev_council_xlsx": ("懇話会資料 Excel", "Council papers Excel"),
    "inq_title": ("あなたの課の照会", "Your department's inquiry"),
    "inq_login": (
        "ログインすると、あなたの課の照会（未対応の項目・期末評価）が表示されます。",
        "Log in to see your department's inquiry (open items, evaluations).",
    ),
    "inq_no_department": ("所属部署が登録されていません。", "Your account has no department."),
    "inq_department": ("部署", "Department"),
    "inq_owes": ("未対応の項目（{n}件）", "Open items ({n})"),
    "inq_nothing": ("未対応の項目はありません。", "Nothing is open."),
    "inq_evaluations": ("期末評価の状況", "Evaluations"),
    "inq_open_page": ("開く", "Open"),
    "inq_submit": ("{project} の期末評価を提出する", "Submit the evaluation of {project}"),
    "inq_sheet": ("照会シート（Excel）", "Inquiry workbook (Excel)"),
    "inq_download": ("照会シートをダウンロード", "Download the inquiry workbook"),
    "inq_upload": ("記入した照会シートを取り込む", "Upload a filled inquiry workbook"),
    "inq_preview": ("取り込みの確認", "Preview"),
    "inq_import": ("取り込む", "Import"),
    "inq_imported": ("{n}件の期末評価を取り込みました。", "Imported {n} evaluations."),
    "inq_no_change": ("変更はありません。", "No change."),
    "inq_workbook": ("照会シート", "Workbook"),
    "inq_database": ("データベース", "Database"),
    "inq_outcome": ("結果", "Result"),
    "inq_admin": ("各課照会の運営（管理者）", "Running the inquiry (administrators)"),
    "inq_deadline": ("提出期限", "Deadline"),
    "inq_open": ("照会を開始する", "Open the inquiry"),
    "inq_close": ("照会を終了する", "Close the inquiry"),
    "inq_opened": ("各課照会を開始しました。", "The inquiry is open."),
    "inq_closed": ("各課照会を終了しました。", "The inquiry is closed."),
    "inq_reminders": ("督促メッセージ（部署ごと・コピーして使えます）", "Reminders (per department, ready to copy)"),
    "inq_no_address": ("連絡先なし（メール未送信）", "No address (not sent)"),
    "inq_emails": ("部署の連絡先メール", "Department e-mail addresses"),
    "inq_email": ("メールアドレス（空欄で削除）", "E-mail (empty removes)"),
    "inq_email_save": ("連絡先を保存", "Save address"),
    "inq_email_saved": ("連絡先を保存しました。", "Address saved."),
    # Opening a table row in the same session (a plain link would reload the page and log out).
    "nav_open": ("開く", "Open"),
    "nav_open_row": ("この表から開く", "Open from this table"),
}


# ---- registered entries (one line per module of entries; see the docstring)
register(TERMS)
register(PAGE_TEXT)
register(LDAP_TEXT)
register(PUB_TEXT)
register(BACKUP_TEXT)
register(INPUT_TEXT)
register(PRINT_TEXT)
register(GLANCE_TEXT)
register(OIDC_TEXT)
register(SCALE_TEXT)
register(SPEED22_TEXT)
register(SCREENS_TEXT)
register(FINISH_TEXT)
