"""English messages of the hand-over to the one-stop system (services.handover)."""

MESSAGES: dict[str, str] = {
    "handover.accepted": (
        "🏛 <b>Dossier {code}</b> has reached the province's one-stop system\n"
        "Procedure: {procedure}\nCode in the one-stop system: <b>{remote}</b>\n"
        "Received at: {at}\nOfficers handle it from there; status updates still come here."
    ),
    "handover.card": "{card}\n\n🏛 One-stop system code: <b>{remote}</b> (received {at})",
    "handover.dead_none": "No hand-over to the one-stop system has failed.",
    "handover.dead_list": (
        "📮 <b>Failed hand-overs</b> ({count}):\n{lines}\n\nRe-send: <code>/guilai EVENT_KEY</code>"
    ),
    "handover.dead_line": "• <code>{key}</code> · {code} · {kind} · {attempts} tries · {error}",
    "handover.resent": "↻ <code>{event}</code> is queued to be sent again.",
    "handover.not_dead": "No failed event has the key <code>{event}</code>.",
    "handover.resend_usage": "Usage: <code>/guilai EVENT_KEY</code> (see /chuyenloi).",
}
