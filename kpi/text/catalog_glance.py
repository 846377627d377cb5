"""Words of issue 22a (at a glance, entry without doubt, bulk upload, inquiry defaults).

Keys: ``glance_`` (roll-ups, reasons, words for staff), ``entry_`` (the entry form),
``bulk_`` (the bulk upload), ``inq_def_`` (the inquiry's defaults). Registered in
``kpi.text.catalog``.
"""

from __future__ import annotations

GLANCE_TEXT: dict[str, tuple[str, str]] = {
    # Roll-ups that inform (kpi.text.glance, kpi.web.overview).
    "glance_dist_item": ("{status} {n}", "{status} {n}"),
    "glance_dist_sep": ("・", " · "),
    "glance_dist_label": ("内訳: {text}", "Breakdown: {text}"),
    "glance_group_reason": ("{status}の{level}: {names}", "{status} {level}: {names}"),
    "glance_more": ("ほか{n}件", "and {n} more"),
    "glance_rule_worst": (
        "状況は、含まれる{level}のうち最も遅れているものです。",
        "The status is that of the most delayed {level}.",
    ),
    "glance_rule_share": (
        "状況は、判定できた{level}のうち順調・達成の割合で決まります（{on}%以上で順調、{caution}%以上で注意）。",
        "The status is the share of judged {level} on track ({on}% or more: on track; {caution}% or more: caution).",
    ),
    "glance_rule_most_frequent": (
        "状況は、含まれる{level}で最も多い状況です（同数なら遅れている方）。",
        "The status is the most frequent among the {level} (a tie reads as the worse one).",
    ),
    # A ●'s reason is about that ● itself.
    "glance_ms_overdue": ("期限超過・未完了（予定 {month}）", "Overdue, not complete (due {month})"),
    "glance_ms_due_now": ("今月が期限・未完了（予定 {month}）", "Due this month, not complete (due {month})"),
}
GLANCE_TEXT.update(
    {
        # Bulk upload: what each row will do (kpi.services.bulk_import.change_text).
        "bulk_action_new": ("新規", "New"),
        "bulk_change": ("変更 {old} → {new}", "Change {old} → {new}"),
        "bulk_change_sample": ("サンプルを置き換え {old} → {new}", "Replaces sample {old} → {new}"),
        "bulk_same_sample": ("同じ値（サンプルを実績にします）", "Same value (the sample becomes a report)"),
        "bulk_action_unchanged": ("同じ値（書き込みません）", "Same value (not written)"),
        "bulk_action_note": ("備考のみ変更", "Note only"),
        "bulk_action_conflict": ("競合", "Conflict"),
    }
)
GLANCE_TEXT.update(
    {
        "bulk_note_rule": (
            "備考の列が空欄の行は、登録済みの備考をそのまま残します。備考を消すときは「-」（半角ハイフン）だけを書いてください。"
            "登録済みと同じ値の行は書き込みません。",
            "An empty note cell keeps the stored note; write just “-” to clear it. "
            "Rows with the value already stored are not written.",
        ),
        "bulk_file": ("ファイル: {name}（{size}）", "File: {name} ({size})"),
        "bulk_size_b": ("{n} バイト", "{n} B"),
        "bulk_size_kb": ("{n} KB", "{n} KB"),
        "bulk_size_mb": ("{n} MB", "{n} MB"),
        "bulk_unchanged": (
            "{n}行は登録済みと同じ値のため書き込みません。",
            "{n} rows already hold these values and are not written.",
        ),
        "bulk_see_changes": ("変更履歴で確認する", "See the changes in the history"),
    }
)
GLANCE_TEXT.update(
    {
        # Entry without doubt (kpi.web.entry_forms, kpi.services.withdraw).
        "source_withdraw": ("取消", "Withdrawn"),
        "entry_cleared": (
            "「{name}」の欄を空にしました。保存済みの値 {value} をどうしますか。",
            "You cleared “{name}”. What should happen to the stored value {value}?",
        ),
        "entry_keep": ("値を残す", "Keep the value"),
        "entry_withdraw": ("値を取り消す（取消）", "Withdraw the value"),
        "entry_withdraw_reason": ("取消の理由（必須）", "Reason for withdrawing (required)"),
        "entry_withdrawn": (
            "「{name}」の {value} を取り消しました（変更履歴に残ります。値を入力し直せば元に戻せます）。",
            "Withdrew {value} of “{name}” (kept in the history; enter a value again to restore it).",
        ),
        "entry_kept": ("「{name}」の値 {value} を残しました。", "Kept {value} of “{name}”."),
    }
)
GLANCE_TEXT.update(
    {
        "entry_range_from": ("{low}以上", "{low} or more"),
        "entry_range_between": ("{low}〜{high}", "{low}–{high}"),
        "entry_far": (
            "「{name}」の値は前月の値とも計画の推移とも大きく離れています（3倍以上または3分の1以下）。入力の誤りがないか確かめてください。",
            "The value of “{name}” is far from both last month and the planned path (3× or more, or a third or less). "
            "Please check it.",
        ),
        "entry_far_ask": (
            "{n}件の値が前月・計画と大きく離れているため、まだ保存していません。確かめてから「確認して保存する」を押してください。",
            "{n} values are far from last month and the plan and are not saved yet. Check them, then press "
            "“Confirm and save”.",
        ),
        "entry_far_confirm": ("確認して保存する", "Confirm and save"),
    }
)
GLANCE_TEXT.update(
    {
        "bulk_far": ("前月・計画と大きく離れています", "Far from last month and the plan"),
        "bulk_far_ask": (
            "{n}行の値が前月の値とも計画の推移とも大きく離れています（3倍以上または3分の1以下）。確かめてから取り込んでください。",
            "{n} rows are far from both last month and the planned path (3× or more, or a third or less). "
            "Check them before importing.",
        ),
        "bulk_far_confirm": ("離れた値を確認しました", "I have checked the far values"),
        "entry_col_warning": ("注意", "Warning"),
    }
)
GLANCE_TEXT.update(
    {
        "glance_public_evaluations": (
            "ログインしていないため、確定した期末評価だけを表示しています（入力中・提出済・差戻しの評価とコメントは職員のみ）。",
            "Not signed in: only confirmed evaluations are shown (drafts, submitted and returned ones and comments are "
            "for staff).",
        ),
    }
)
GLANCE_TEXT.update(
    {
        # The inquiry's defaults (kpi.web.inquiry_page, kpi.web.evaluation_page).
        "inq_def_save_submit": ("保存して提出する", "Save and submit"),
        "inq_def_submitted_next": (
            "保存して提出しました。管理者が確認し、確定するか差し戻します。",
            "Saved and submitted. An administrator will confirm it or return it.",
        ),
        "inq_def_return_next": (
            "評価を直して「保存して提出する」を押すと、もう一度提出され管理者の確認を待ちます。"
            "「保存」だけなら入力中のまま残ります。",
            "Correct the evaluation and press “Save and submit” to submit it again for the administrator; "
            "“Save” alone keeps it in progress.",
        ),
        "inq_def_department_admin": (
            "表示する部署（管理者: すべての部署から選べます）",
            "Department shown (administrators: any)",
        ),
        "inq_def_department_own": ("あなたの部署", "Your department"),
        "inq_def_deadline_help": (
            "既定は計画の工程表で各課照会の月の末日（土日・祝日なら前の平日）です。",
            "Defaults to the last working day of the month the plan's schedule puts the inquiry in.",
        ),
        "inq_def_deadline_change": ("提出期限を変更する", "Change the deadline"),
        "inq_def_open_now": ("照会は受付中です（提出期限 {deadline}）。", "The inquiry is open (deadline {deadline})."),
    }
)
GLANCE_TEXT.update(
    {
        "glance_sample_admin": (
            "（管理者の方へ: 削除するには `python -m kpi demo --clear`）",
            "(Administrators: remove it with `python -m kpi demo --clear`.)",
        ),
    }
)
GLANCE_TEXT.update(
    {
        "glance_admin_login": (
            "このページは管理者用です。管理者のアカウントでログインしてください（サイドバーの「ログイン」）。",
            "This page is for administrators. Please log in with an administrator account (sidebar, “Log in”).",
        ),
    }
)
GLANCE_TEXT.update(
    {
        # 進捗率 in one line, wherever it appears (pages, the report page, the PDF legend).
        "glance_ratio_help": (
            "進捗率: 基準値から目標値までの計画の推移に対して、その月までに進んだ割合です（100%で計画どおり、"
            "既定では90%以上で順調・70%以上で注意）。目標値に対する達成率ではありません。",
            "Ratio: progress made by that month against the planned path from the baseline to the target "
            "(100% = on plan; by default 90% or more is on track, 70% or more caution). "
            "It is not the share of the target reached.",
        ),
    }
)
GLANCE_TEXT.update(
    {
        "glance_cannot_judge": (
            "判定できません（基準値が未設定です。管理者が設定すると判定されます）。",
            "Cannot be judged yet (no baseline; it is judged once an administrator sets one).",
        ),
        "glance_no_baseline_admin": (
            "判定できません: 基準値が未設定です。計画管理で基準値を入力してください。",
            "Cannot be judged: the baseline is not set. Enter it on the plan settings page.",
        ),
        "glance_baseline_todo": (
            "やること: 基準値が未設定のため判定できない指標が{n}件あります（{names}）。"
            "下で指標を選び、基準値を入力してください。",
            "To do: {n} indicators cannot be judged until their baseline is set ({names}). Choose each below and "
            "enter its baseline.",
        ),
    }
)
