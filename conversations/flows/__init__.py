"""The dialogues: main menu, procedure search, e-form filling and drafts."""
