"""Vietnamese messages of the command registry (conversations/commands.py)."""

MESSAGES: dict[str, str] = {
    # One command in the /help list; "about" is its "command.<name>" description.
    "help.command": "/{name} {about}",
}
