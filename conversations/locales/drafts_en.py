"""English messages of one draft open in several chats (draft_sync)."""

MESSAGES: dict[str, str] = {
    "sync.changed": (
        "⚠️ This application (<b>{procedure}</b>) was changed in another chat, so what you just "
        "did was not saved. Here is where it stands now:"
    ),
    "sync.submitted": (
        "This application was already submitted as dossier <b>{code}</b> ({status}), perhaps "
        "from another chat. No second dossier is created."
    ),
}
