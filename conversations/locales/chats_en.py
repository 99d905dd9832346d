"""English messages about how a chat is used: too fast, edited messages, group chats."""

MESSAGES: dict[str, str] = {
    "flood.too_fast": (
        "You are sending messages too fast. Please wait {seconds} seconds and send again; "
        "messages sent while you wait are not handled."
    ),
    "chat.edit_not_applied": (
        "Edited messages are not handled again. Please send the new content as a new message."
    ),
    "group.private_only": (
        "To protect personal data, I handle procedures only in a private chat. "
        "Please press the button below to message me privately."
    ),
    "group.added": (
        "Hello! I am the <b>online public services</b> assistant. To protect personal data, I "
        "never ask for or show anyone's data in a group: please message me privately with the "
        "button below."
    ),
    "group.open_private": "💬 Message the bot privately",
}
