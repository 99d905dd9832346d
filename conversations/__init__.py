"""Platform-neutral dialogue: messages, router, form engine, flows and the text catalogue."""
