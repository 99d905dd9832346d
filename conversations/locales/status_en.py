"""English messages of the status feature (lookup, follow, pushes, reminders, supplements)."""

MESSAGES: dict[str, str] = {}
