"""What the bot holds about a chat or a citizen, and erasing it on request (Law 91/2025)."""

from __future__ import annotations

from dataclasses import dataclass

from services.consent import Consent
from services.ports import UnitOfWork


@dataclass(frozen=True, slots=True)
class Holdings:
    """A summary of the personal data held, for /mydata."""

    consent: Consent | None
    chats: tuple[str, ...]
    drafts: int


def belongs_to(
    chat_key: str, citizen_id: str | None, owner: str, owner_citizen: str | None
) -> bool:
    """Whether a chat (with the citizen logged in there, if any) may see an item of personal
    data — a draft, a dossier, a stored document: a citizen's item only by that citizen, on any
    of their chats; an anonymous item only on the chat it came from. So after a logout, a
    guest or the next citizen on the same chat sees nothing of the one who left."""
    if owner_citizen is not None:
        return owner_citizen == citizen_id
    return owner == chat_key


async def holdings(repos: UnitOfWork, chat_key: str, citizen_id: str | None) -> Holdings:
    """Everything held for this chat and, when logged in, for the citizen on every chat."""
    chats = tuple(await repos.citizens.chats(citizen_id)) if citizen_id else (chat_key,)
    drafts = await repos.drafts.list_for(chat_key, citizen_id)
    return Holdings(await repos.consents.get(chat_key), chats, len(drafts))


async def erase(repos: UnitOfWork, chat_key: str, citizen_id: str | None) -> int:
    """Erase drafts, consent, codes, chat states and the citizen record; returns drafts erased.

    Submitted dossiers are not touched: the law requires the administration to keep them.
    """
    keys = [chat_key]
    if citizen_id is not None:
        keys += [key for key in await repos.citizens.erase(citizen_id) if key != chat_key]
    erased = await repos.drafts.erase(keys, citizen_id or "")
    await repos.consents.erase(keys)
    await repos.otp.erase(keys)
    await repos.conversations.erase(keys)
    return erased
