"""Texts of replies as delivered (English)."""

MESSAGES: dict[str, str] = {
    # several short messages of one reply, joined into one (conversations.compaction)
    "common.joined": "{parts}",
}
