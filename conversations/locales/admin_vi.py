"""Vietnamese messages of the admin feature (officer and admin commands, broadcast, stats)."""

MESSAGES: dict[str, str] = {}
