"""The HTTP surface: the web chat and, later, webhooks and the officer API."""
