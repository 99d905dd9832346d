"""English messages of the status feature (follow, pushes, reminders, supplements)."""

MESSAGES: dict[str, str] = {
    # ------------------------------------------------------------------ pushes
    "push.status": (
        "🔔 <b>Dossier {code}</b> has a new status\nProcedure: {procedure}\n"
        "New status: <b>{status}</b>\nAt: {at}\nResult due: {due}{note}{extra}"
    ),
    "push.note": "\nNote from the agency: <i>{note}</i>",
    "push.extra_supplement": (
        "\n\n📎 The agency asks for:\n{lines}\nPress <b>Send supplement</b> and send the files "
        "right here in this chat. The processing time is paused until you do."
    ),
    "push.extra_result": "\n\n✅ The result is in your <b>document store</b> (/documents).",
    "push.extra_refused": "\n\nThe dossier was not received. You may file a new one.",
    "push.extra_payment": "\n\nThe agency asks you to pay financial obligations: see the note.",
    "push.follower": (
        "🔔 <b>Dossier {code}</b> you follow has a new status\nProcedure: {procedure}\n"
        "New status: <b>{status}</b>\nAt: {at}\nResult due: {due}"
    ),
    "push.supplement_line": "• {name}",
    "push.open": "📄 View dossier",
    "push.supplement_button": "📎 Send supplement",
    "push.documents": "🗂 Document store",
    "push.unfollow": "🔕 Unfollow",
    # ------------------------------------------------------------------ reminders
    "remind.payment": (
        "⏰ Dossier <b>{code}</b> ({procedure}) is still waiting for its fee of {amount}. It goes "
        "to the agency only once paid. The QR code is valid until {expires}."
    ),
    "remind.supplement": (
        "⏰ Dossier <b>{code}</b> ({procedure}) has been waiting for your documents since "
        "{since}:\n{lines}\nPress <b>Send supplement</b> to send the files."
    ),
    "remind.due_tomorrow": "📅 The result of dossier <b>{code}</b> ({procedure}) is due tomorrow, {due}.",
    "remind.overdue": (
        "⚠️ Dossier <b>{code}</b> ({procedure}) is past its due date {due}. The agency must tell "
        "you why and set a new date. You can check it with /status."
    ),
    "remind.pay_button": "💳 Pay",
    # ------------------------------------------------------------------ follow
    "follow.usage": (
        "Type <code>/follow DOSSIER-CODE</code> to be told whenever its status changes, e.g. "
        "<code>/follow {example}</code>."
    ),
    "unfollow.usage": "Type <code>/unfollow DOSSIER-CODE</code> to stop hearing about it.",
    "follow.already": "You already follow dossier <b>{code}</b>.",
    "follow.own": (
        "Dossier <b>{code}</b> is yours: you are always told on every chat where you are logged "
        "in, no need to follow it."
    ),
    "follow.button": "🔔 Follow this dossier",
    "unfollow.done": "🔕 You no longer follow dossier <b>{code}</b>.",
    "unfollow.not_following": "You do not follow dossier <b>{code}</b>.",
    # ------------------------------------------------------------------ supplement
    "supplement.not_requested": (
        "Dossier <b>{code}</b> has no request for documents now (status: {status})."
    ),
    "supplement.not_yours": "Only the person who filed the dossier can send its supplements.",
    "supplement.checklist": (
        "<b>Supplement for dossier {code}</b>\n{note}The agency asks for:\n{lines}\n\n{active}"
        "Send PDF, JPG or PNG files (up to 10 MB) right here in the chat."
    ),
    "supplement.note": "Note from the agency: <i>{note}</i>\n",
    "supplement.line_missing": "❌ {name}",
    "supplement.line_done": "✅ {name}: {files}",
    "supplement.active": "The next file goes to: <b>{name}</b>\n",
    "supplement.choose": "📎 Send for: {name}",
    "supplement.send": "📤 Send supplement",
    "supplement.received": "Received <b>{name}</b> for {component}.",
    "supplement.missing": "Still missing:\n{lines}\nPlease send them all before pressing Send.",
    "supplement.sent": (
        "✅ The supplement for dossier <b>{code}</b> was sent. The dossier is back with the "
        "agency; new result date: {due}."
    ),
    "supplement.cancelled": "Supplement paused. You can continue any time from the notice.",
    # ------------------------------------------------------------------ documents
    "documents.result_caption": "📄 Dossier result: {name}",
}
