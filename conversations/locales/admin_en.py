"""English messages of the admin feature (officer and admin commands, broadcast, stats)."""

MESSAGES: dict[str, str] = {
    # ------------------------------------------------------------------ access and help
    "admin.refused": (
        "⛔ This command is for administrators only. This chat has no admin rights, so nothing "
        "was done."
    ),
    "admin.help": (
        "<b>Admin commands</b> (dossier codes may be typed with spaces, in lower case or with "
        "the short agency code)\n"
        "• /dossier CODE — the full dossier (/hoso)\n"
        "• /setstatus CODE 4 note — change the status; without a number, choose with buttons "
        "(/trangthai)\n"
        "• /asksupplement CODE [note] — ask for more documents (/bosung)\n"
        "• /result CODE [note] — send the result file (/ketqua)\n"
        "• /overdue CODE · /ontime CODE — flag / unflag as overdue (/quahan, /boquahan)\n"
        "• /stats [days] — dossier statistics, 14 days by default (/thongke)\n"
        "• /broadcast — write an announcement to users (/thongbao)\n"
        "• /broadcast_cancel BROADCAST-ID — stop sending an announcement (/huythongbao)\n"
        "Example: <code>/setstatus {example} 2 Received</code>"
    ),
    # ------------------------------------------------------------------ the officer's card
    "admin.status_option": "{code} · {status}",
    "admin.card": (
        "🗂 <b>Dossier {code}</b>{overdue}\n"
        "Procedure: {procedure}\nAgency: {agency}\nApplicant: {applicant}\n"
        "Status: <b>{status}</b>\nSubmitted: {submitted}\nDue date: {due}\n"
        "Files submitted: {attachments}{payment}\n{supplement}{results}"
        "<b>History</b>\n{history}"
    ),
    "admin.card_overdue": " ⚠️ <b>OVERDUE</b>",
    "admin.card_supplement": "📎 Supplement requested at {since}:\n{lines}{note}\n",
    "admin.card_results": "✅ Result: {files}\n",
    "admin.history_line": "• {at} · {status} · {actor}{note}",
    "admin.history_note": "\n  <i>{note}</i>",
    "admin.history_overdue": "flagged overdue",
    "admin.history_ontime": "overdue flag cleared",
    "admin.supplement_note": "\nNote for the applicant: <i>{note}</i>",
    "admin.to_status": "➡️ {status}",
    "admin.supplement_button": "📎 Ask for more documents",
    "admin.result_button": "📤 Send the result file",
    "admin.mark_overdue": "⚠️ Flag as overdue",
    "admin.unmark_overdue": "✔️ Clear the overdue flag",
    # ------------------------------------------------------------------ usage and refusals
    "admin.usage_show": "Type <code>/dossier DOSSIER-CODE</code>, e.g. <code>/dossier {example}</code>.",
    "admin.usage_status": (
        "Type <code>/setstatus DOSSIER-CODE [status] [note]</code>, e.g. "
        "<code>/setstatus {example} 4 Passed to the department</code>."
    ),
    "admin.usage_supplement": (
        "Type <code>/asksupplement DOSSIER-CODE [note]</code>, e.g. "
        "<code>/asksupplement {example}</code>."
    ),
    "admin.usage_result": (
        "Type <code>/result DOSSIER-CODE [note]</code>, then send the result file, e.g. "
        "<code>/result {example}</code>."
    ),
    "admin.usage_overdue": "Type <code>/overdue DOSSIER-CODE [note]</code>, e.g. <code>/overdue {example}</code>.",
    "admin.usage_ontime": "Type <code>/ontime DOSSIER-CODE [note]</code>, e.g. <code>/ontime {example}</code>.",
    "admin.pick_status": "Choose the new status of dossier <b>{code}</b> (only allowed ones are shown):",
    "admin.bad_status": (
        "“{typed}” is not a status code. Status codes are numbers from 1 to 10; the buttons "
        "below are the allowed ones."
    ),
    "admin.refused_terminal": (
        "⛔ Dossier <b>{code}</b> is closed with status <b>{old}</b> and cannot move to another "
        "status. Nothing was changed."
    ),
    "admin.refused_unchanged": "Dossier <b>{code}</b> already has status <b>{old}</b>. Nothing was changed.",
    "admin.refused_not_allowed": (
        "⛔ Dossier <b>{code}</b> cannot move from <b>{old}</b> to <b>{new}</b> in the national "
        "portal's flow. Nothing was changed.\n"
        "Allowed next statuses:\n{allowed}"
    ),
    "admin.not_submitted": (
        "Dossier <b>{code}</b> is still waiting for its fee, so it has not reached the agency "
        "yet and cannot be processed."
    ),
    # ------------------------------------------------------------------ status change
    "admin.note_ask": (
        "Moving dossier <b>{code}</b> to <b>{status}</b>.\nType a note (the applicant will see "
        "it) or press <b>No note</b>."
    ),
    "admin.note_required": (
        "Moving dossier <b>{code}</b> to <b>{status}</b>.\nA written reason is required (the "
        "applicant will see it): please type it."
    ),
    "admin.no_note": "➖ No note",
    "admin.note_too_long": "The note is too long ({length} characters, at most {max}). Please shorten it.",
    "admin.status_changed": (
        "✅ Dossier <b>{code}</b> is now <b>{status}</b>. The applicant will be notified."
    ),
    "admin.overdue_marked": "⚠️ Dossier <b>{code}</b> is flagged overdue (status unchanged).",
    "admin.overdue_cleared": "✔️ The overdue flag of dossier <b>{code}</b> is cleared.",
    "admin.overdue_already": "Dossier <b>{code}</b> was already flagged overdue.",
    "admin.ontime_already": "Dossier <b>{code}</b> is not flagged overdue.",
    # ------------------------------------------------------------------ supplement request
    "admin.supplement_pick": (
        "📎 <b>Supplement request for dossier {code}</b>\n"
        "Tap the components to ask for (tap again to untick), or type the name of another "
        "document (at most {max} characters; separate several with semicolons).\n"
        "Chosen:\n{chosen}{note}"
    ),
    "admin.supplement_nothing": "<i>(nothing yet)</i>",
    "admin.component_on": "☑️ {name}",
    "admin.component_off": "⬜ {name}",
    "admin.own_remove": "✖️ Remove: {name}",
    "admin.note_button": "📝 Note for the applicant",
    "admin.supplement_send": "📤 Send the request",
    "admin.supplement_none_chosen": "Choose or type at least one document to ask for.",
    "admin.own_too_long": "That document name is too long ({length} characters, at most {max}).",
    "admin.own_too_many": "At most {max} typed documents can be added.",
    "admin.supplement_sent": (
        "✅ Asked for {count} document(s) for dossier <b>{code}</b>. The processing clock is "
        "paused; the applicant will be notified."
    ),
    # ------------------------------------------------------------------ result
    "admin.result_ask": (
        "📤 Send the result file of dossier <b>{code}</b> as an attachment (PDF, JPG or PNG, at "
        "most {max_mb} MB). It goes into the applicant's document store."
    ),
    "admin.result_not_now": (
        "Dossier <b>{code}</b> has status <b>{status}</b>: a result is sent only while it is "
        "<b>Being processed</b> (4) or <b>Result ready</b> (9)."
    ),
    "admin.result_recorded": (
        "✅ Result <b>{name}</b> saved for dossier <b>{code}</b>. Status: <b>{status}</b>. The "
        "applicant can find it in their document store (/documents)."
    ),
    # ------------------------------------------------------------------ statistics
    "stats.report": (
        "📊 <b>Dossiers, last {days} days</b> ({since} – {until})\n"
        "Total dossiers: <b>{total}</b>\n{rate} · Late: {late}\n"
        "<b>By current status</b>\n{statuses}\n"
        "<b>By submission day</b>\n<code>{head}\n{table}</code>\n{legend}"
    ),
    "stats.rate": "On time: <b>{percent}%</b> ({on_time}/{finished} finished dossiers)",
    "stats.rate_none": "On time: no dossier finished yet",
    "stats.status_line": "• {code}. {status}: {count}",
    "stats.table_head": "Day    All  New Open Done Stop   Ok Late",
    "stats.no_rows": "(no dossiers)",
    "stats.legend": (
        "<i>New = 1; Open = 2, 4, 5, 6, 7; Done = 9, 10; Stop = 3, 8; Ok/Late = finished on "
        "time/late. Days without dossiers are not listed.</i>"
    ),
    "stats.bad_days": (
        "The number of days must be from 1 to {max}, e.g. <code>/stats 30</code>. Without a "
        "number, the last {default} days are shown."
    ),
    "stats.group_new": "Newly submitted",
    "stats.group_open": "In progress",
    "stats.group_done": "Finished",
    "stats.group_stopped": "Refused/stopped",
    "stats.chart_title": "Dossiers by submission day ({since} – {until})",
    "stats.chart_rate": "On-time rate: {percent}% ({on_time}/{finished}) · Total: {total} dossiers",
    "stats.chart_rate_none": "No dossier finished yet · Total: {total} dossiers",
    # ------------------------------------------------------------------ broadcast: composing
    "broadcast.ask_text": (
        "📢 <b>New announcement</b>\nType the text (at most {max} characters). Recipients will "
        "see exactly this text."
    ),
    "broadcast.too_long": (
        "The text is too long: {length} characters, at most {max}. Please shorten it and send "
        "it again."
    ),
    "broadcast.ask_image": (
        "Send one photo to go with it (JPG or PNG, at most {max_mb} MB) or press <b>No photo</b>."
    ),
    "broadcast.no_image": "⏭️ No photo",
    "broadcast.image_type": "“{name}” is not a JPG or PNG photo (its content is: {detected}).",
    "broadcast.image_received": "🖼 Photo <b>{name}</b> received.",
    "broadcast.ask_audience": "Who should receive the announcement?",
    "broadcast.audience_all_button": "👥 Everyone",
    "broadcast.audience_ward_button": "🏘 Residents of one commune/ward",
    "broadcast.audience_procedure_button": "📄 People with dossiers of one procedure",
    "broadcast.audience_platform_button": "📱 Users of one platform",
    "broadcast.ask_ward": "Type the name or code of the commune/ward, e.g. <i>Thục Phán</i>.",
    "broadcast.found_ward": "Communes/wards matching “{query}” ({count}):",
    "broadcast.none_ward": "No commune/ward matches “{query}”. Please type it again.",
    "broadcast.ask_procedure": (
        "Type the name or code of the procedure, e.g. <i>temporary residence</i> or "
        "<code>1.004194</code>."
    ),
    "broadcast.found_procedure": "Procedures matching “{query}” ({count}):",
    "broadcast.none_procedure": "No procedure matches “{query}”. Please type it again.",
    "broadcast.ask_platform": "Choose the platform:",
    "broadcast.platform_telegram": "Telegram",
    "broadcast.platform_zalo": "Zalo",
    "broadcast.platform_web": "Web chat",
    "broadcast.audience_all": "everyone",
    "broadcast.audience_ward": "residents of {ward}",
    "broadcast.audience_procedure": "applicants and followers of dossiers of {procedure}",
    "broadcast.audience_platform": "{platform} users",
    # ------------------------------------------------------------------ broadcast: preview
    "broadcast.preview_intro": "👀 Preview — recipients will see exactly this:",
    "broadcast.message": "📢 <b>Announcement</b>\n{text}",
    "broadcast.preview": (
        "To <b>{count}</b> recipient(s): {audience}.\nPress <b>Confirm and send</b> to start."
    ),
    "broadcast.preview_nobody": (
        "Nobody would receive it ({audience}). Choose other recipients or cancel."
    ),
    "broadcast.confirm": "✅ Confirm and send",
    "broadcast.change_audience": "👥 Change recipients",
    "broadcast.edit_text": "✏️ Edit the text",
    "broadcast.discarded": "Announcement discarded; nothing was sent.",
    "broadcast.queued": (
        "✅ Announcement <code>{id}</code> is queued for {count} recipient(s). Its progress will "
        "be updated right here. To stop it: <code>/broadcast_cancel {id}</code>"
    ),
    "broadcast.already_queued": "Announcement <code>{id}</code> is already confirmed and sending.",
    # ------------------------------------------------------------------ broadcast: progress
    "broadcast.progress": (
        "📢 Announcement <code>{id}</code>: <b>{state}</b>\n"
        "Sent: {sent} · Failed: {failed} · Blocked: {blocked} · Remaining: {remaining} "
        "(total {total}){cancelled}"
    ),
    "broadcast.progress_cancelled": " · Cancelled: {count}",
    "broadcast.state_queuing": "queuing",
    "broadcast.state_sending": "sending",
    "broadcast.state_done": "done",
    "broadcast.state_cancelled": "cancelled",
    "broadcast.cancel_button": "🛑 Cancel sending",
    "broadcast.cancel_usage": (
        "Type <code>/broadcast_cancel BROADCAST-ID</code> (the id is in the progress message)."
    ),
    "broadcast.not_found": "No announcement <code>{id}</code> was found.",
    "broadcast.already_finished": "Announcement <code>{id}</code> has already ended ({state}).",
    "broadcast.cancelled": (
        "🛑 Announcement <code>{id}</code> stopped: {count} unsent message(s) cancelled."
    ),
}
