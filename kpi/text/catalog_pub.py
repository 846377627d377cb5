"""Words of the public edition (``python -m kpi publish``, the 計画管理 panel, the 公開コメント
form): entries shaped as ``kpi.text.catalog.TEXT`` (key → (Japanese, English))."""

from __future__ import annotations

PUB_TEXT: dict[str, tuple[str, str]] = {
    "pub_site_title": ("{plan} 進捗状況", "{plan}: progress"),
    "pub_css_comment": ("公開版のスタイル", "Public edition style sheet"),
    "pub_skip": ("本文へ移動", "Skip to content"),
    "pub_nav": ("サイト内のページ", "Pages of this site"),
    "pub_crumbs": ("現在位置", "You are here"),
    "pub_nav_home": ("トップ", "Home"),
    "pub_history": ("更新履歴", "Updates"),
    "pub_downloads": ("オープンデータ", "Open data"),
    "pub_as_of_line": ("{year} {month}末時点の状況", "{year}, status at the end of {month}"),
    "pub_published_on": ("公開日", "Published"),
    "pub_license_line": ("出典: {attribution}（{license}）", "Source: {attribution} ({license})"),
    "pub_contact": ("問い合わせ先", "Contact"),
    "pub_lead": (
        "{year}の実施事業の進捗を、{month}末時点の実績と計画から判定しています。",
        "Progress of the projects of {year}, judged from the actuals and the plan at the end of {month}.",
    ),
    "pub_sample": (
        "この公開版にはサンプルデータが含まれています（実際の実績ではありません）。",
        "This edition contains sample data (not real actuals).",
    ),
    "pub_counts": ("実施事業の状況（全{n}事業）", "Projects by status ({n} projects)"),
    "pub_n_projects": ("{n}事業", "{n}"),
    "pub_status_help": (
        "状況は色・記号・文字で示します: ◎ 達成、○ 順調、△ 注意、× 遅延、― 未入力、◇ 予定、◆ 完了。"
        "実施事業の状況は、その指標・マイルストーンのうち最も遅れているものです。",
        "Status is shown by colour, shape and word: ◎ achieved, ○ on track, △ caution, × delayed, ― no data, "
        "◇ planned, ◆ done. A project's status is the worst of its indicators and milestones.",
    ),
    "pub_tree": ("基本方針・重点施策・実施事業", "Policies, measures and projects"),
    "pub_corrections": ("訂正", "Corrections"),
    "pub_h_indicator": ("指標", "Indicator"),
    "pub_h_month": ("月", "Month"),
    "pub_h_old": ("訂正前", "Before"),
    "pub_h_new": ("訂正後", "After"),
    "pub_h_corrected_on": ("訂正日", "Corrected on"),
    "pub_status": ("状況", "Status"),
    "pub_status_as_of": ("{month}末時点の状況", "Status at the end of {month}"),
    "pub_related": ("関係部署", "Related departments"),
    "pub_comment": ("担当課からのコメント", "Comment from the department"),
    "pub_indicators": ("指標", "Indicators"),
    "pub_no_indicators": ("この実施事業には数値の指標がありません。", "This project has no numeric indicator."),
    "pub_summary_of": ("{name}の基準値・目標値・実績", "{name}: baseline, target and actual"),
    "pub_values_of": ("{name}の月別の値", "{name}: monthly values"),
    "pub_chart_caption": (
        "グラフの値は右（小さい画面では下）の表と同じです。累計型の指標は年度の累計を示します。",
        "The chart shows the values of the table beside it. Flow indicators are shown as running totals.",
    ),
    "pub_corrected_from": ("訂正（訂正前 {old}、{on}）", "corrected (was {old}, {on})"),
    "pub_desc_end": ("。", ". "),
    "pub_desc_list_sep": ("、", ", "),
    "pub_desc_values": ("月別の実績: {values}", "Monthly actuals: {values}"),
    "pub_milestones": ("マイルストーン（●）", "Milestones (●)"),
    "pub_evaluation": ("期末評価（確定）", "Year-end evaluation (final)"),
    "pub_rating": ("実績の検証評価", "Rating"),
    "pub_reason": ("状況・理由等", "Situation and reasons"),
    "pub_new_issues": ("新たに生じた課題や状況の変化等", "New issues and changes"),
    "pub_h_item": ("実施項目", "Work item"),
    "pub_h_period": ("期間", "Period"),
    "pub_h_milestones": ("マイルストーン", "Milestones"),
    "pub_schedule_lead": (
        "各実施事業の実施項目と期間、マイルストーン（●）の状況（{month}末時点）です。",
        "Each project's work items, periods and milestones (status at the end of {month}).",
    ),
    "pub_history_lead": (
        "公開した版と、公開後に訂正した値の一覧です（新しい順）。",
        "The editions published and the values corrected after publication (newest first).",
    ),
    "pub_edition": ("{date} 公開（{month}末時点）", "Published {date} (status at the end of {month})"),
    "pub_no_corrections": ("訂正はありません。", "No corrections."),
    "pub_downloads_lead": (
        "この公開版の数値をオープンデータとして提供します（UTF-8 の CSV と JSON、"
        "Frictionless Data Package の datapackage.json）。",
        "The figures of this edition as open data (UTF-8 CSV and JSON, a Frictionless Data Package).",
    ),
    "pub_h_data": ("データ", "Data"),
    "pub_h_description": ("内容", "Contents"),
    "pub_datapackage": (
        "（各ファイルの列・型・単位・キー、ライセンスと出典）",
        "(columns, types, units and keys of each file, licence and source)",
    ),
    "pub_license": ("ライセンス", "Licence"),
    "pub_credit_example": ("出典の記載例", "How to credit"),
    "pub_credit": ("出典：{attribution}「{title} 進捗状況」", "Source: {attribution}, {title}: progress"),
    # 計画管理: the publication panel and the review of 公開コメント
    "pub_panel": ("公開版（市民向けサイトとオープンデータ）", "Public edition (site and open data)"),
    "pub_panel_help": (
        "選んだ月の数値・状況と、承認済みの公開コメント、確定した期末評価だけを公開します。"
        "利用者名・メール・実績メモ・修正理由・差戻しコメント・下書きは含まれません。",
        "Publishes the chosen month's figures and statuses, approved comments and final evaluations only; "
        "never user names, e-mails, notes, reasons, return comments or drafts.",
    ),
    "pub_month": ("公開する月", "Month to publish"),
    "pub_english": ("英語版も作る", "Also write the English edition"),
    "pub_make": ("公開版を作成", "Make the public edition"),
    "pub_download": ("公開版（zip）をダウンロード", "Download the public edition (zip)"),
    "pub_made": (
        "公開版を作成しました（{n}ファイル、訂正 {c}件）。",
        "The public edition is ready ({n} files, {c} corrections).",
    ),
    "pub_pending": ("承認待ちの公開コメント", "Comments waiting for review"),
    "pub_no_pending": ("承認待ちの公開コメントはありません。", "No comment waits for review."),
    "pub_approve": ("承認", "Approve"),
    "pub_reject": ("却下", "Reject"),
    "pub_reviewed": ("公開コメントを確認しました。", "Comment reviewed."),
    "pub_h_by": ("公開した人", "Published by"),
    "pub_published_list": ("これまでの公開", "Publications so far"),
    # the 公開コメント form (実施事業 page)
    "pub_comment_form": ("公開コメント（市民向けサイトに掲載）", "Public comment (shown on the public site)"),
    "pub_comment_help": (
        "書式なしの文章です。管理者が承認したものだけが次の公開版に載ります。",
        "Plain text. Only a comment an administrator approved appears in the next public edition.",
    ),
    "pub_comment_text": ("公開コメント", "Public comment"),
    "pub_comment_submit": ("承認を依頼する", "Submit for review"),
    "pub_comment_sent": ("公開コメントを登録しました（承認待ち）。", "Comment submitted (waiting for review)."),
    "pub_comment_state_pending": ("承認待ち", "Waiting for review"),
    "pub_comment_state_approved": ("承認済み", "Approved"),
    "pub_comment_state_rejected": ("却下", "Rejected"),
}
