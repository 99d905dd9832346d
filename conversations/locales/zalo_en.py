"""English messages of the Zalo channel (missed updates, files that cannot be fetched) and
of the updates a chat keeps after an idle logout."""

MESSAGES: dict[str, str] = {
    "zalo.missed_intro": "🔔 While you were away your dossiers were updated (latest status):",
    "zalo.file_refused": (
        "⚠️ The file <b>{name}</b> could not be downloaded from Zalo (Zalo's server refused). "
        "Please send it again; PDF, JPG or PNG files up to 10 MB are accepted."
    ),
    "zalo.file_timeout": (
        "⚠️ The file <b>{name}</b> could not be downloaded: Zalo answered too slowly. Please "
        "send it again; if it still fails, send a smaller PDF/JPG (up to 10 MB)."
    ),
    "session.updates_kept": (
        "🔔 You will still be told here when your dossiers change status (without personal "
        "data). Log in to see the details; send /logout to stop these updates."
    ),
}
