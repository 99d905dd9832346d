"""English messages of following dossiers within bounds (/follow limits, /following)."""

MESSAGES: dict[str, str] = {
    "follow.started": (
        "🔔 You now follow dossier <b>{code}</b>. You will be told whenever its status changes "
        "(status and dates only, no personal data). Following ends by itself if you do not "
        "look the dossier up again (/status) for {days} days, or once the dossier has ended."
    ),
    "follow.limit_chat": (
        "⚠️ Dossier <b>{code}</b> is not followed: one chat can follow at most {limit} "
        "dossiers, and you already follow {limit}. Stop following one you no longer need "
        "(buttons below), then type <code>/follow {code}</code> again."
    ),
    "follow.limit_dossier": (
        "⚠️ Dossier <b>{code}</b> already has {limit} followers, the most one dossier can "
        "have, so it cannot be followed now. You can still check its status at any time with "
        "<code>/status {code}</code>; the person who filed it always gets its updates."
    ),
    "following.none": (
        "You follow no dossier. Type <code>/follow DOSSIER-CODE</code> to be told when its "
        "status changes, e.g. <code>/follow {example}</code>."
    ),
    "following.list": (
        "🔔 <b>Dossiers you follow</b> ({count}/{limit}):\n{lines}\n\n"
        "Press a button to stop following one you no longer need."
    ),
    "following.line": "• <b>{code}</b>: {status}",
    "following.stop": "🔕 Unfollow {code}",
    "command.following": "Dossiers I follow",
}
