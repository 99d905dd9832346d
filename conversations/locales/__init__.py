"""Message catalogues: one gettext file per language (`vi.po`, `en.po`, …) in this directory,
read once per process (`conversations.locale_files`). The languages are the files present.

During a transition a Python module here (`<lang>.py` or `<topic>_<lang>.py` with a
`MESSAGES` dict) is read too; `scripts/texts_to_po.py --pending --delete` moves such modules
into the .po files. A message id defined twice in one language is an error.
"""

from __future__ import annotations

from pathlib import Path

from conversations.locale_files import Language, load_languages

DIRECTORY = Path(__file__).parent
DEFAULT_LANGUAGE = "vi"  # the reference language: complete, and the fallback of every other

LOADED: dict[str, Language] = load_languages(DIRECTORY, DEFAULT_LANGUAGE)

# Per language, message id → template (a plural message: its last form, the general one).
CATALOGS: dict[str, dict[str, str]] = {
    code: {key: t if isinstance(t, str) else t.forms[-1] for key, t in language.messages.items()}
    for code, language in LOADED.items()
}
