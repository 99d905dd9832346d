"""What "as if nothing happened" means, checked from the outside after a fault.

The bot records, with each applied update, the replies it produced (processed_update). Those
replies, rendered for Telegram, are exactly what one delivery of each update shows the
citizen; the fake Bot API's record of the chat must be exactly that, in order, plus each
outbox message once. The database must hold one row per update, one dossier, one payment and
one outbox row per event.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select

from bot.bootstrap import Application
from bot.channels.telegram_render import (
    ContactKeyboard,
    InlineKeyboard,
    Operation,
    RemoveKeyboard,
    SendText,
    keyboard_after,
    render_outbox,
)
from conversations.compaction import JOINED, compact
from conversations.messages import Outgoing
from conversations.router import REPLY_EVENT
from services.codec import from_json
from services.dossier_codes import DossierStatus
from services.dossiers import Dossier, Phase
from storage.tables import (
    DossierRow,
    OutboxRow,
    PaymentEventRow,
    ProcessedUpdateRow,
    StoredDocumentRow,
)
from tests.e2e.fakes.telegram_state import SentMessage
from tests.e2e.fault_journey import ANSWERS, ATTACHMENT, FEE, TRANSACTION, Citizen

Shown = tuple[str, str, Any]  # (text | photo | document, HTML body, keyboard)


def _keyboard(markup: Any) -> Any:
    """A keyboard in one comparable shape, from a rendered operation or a Bot API call."""
    if markup is None:
        return None
    if isinstance(markup, InlineKeyboard):
        return ("inline", tuple((b.text, b.callback_data) for row in markup.rows for b in row))
    if isinstance(markup, ContactKeyboard):
        return ("contact", markup.label)
    if isinstance(markup, RemoveKeyboard):
        return ("remove",)
    if "inline_keyboard" in markup:
        rows = markup["inline_keyboard"]
        return ("inline", tuple((b["text"], b["callback_data"]) for row in rows for b in row))
    if "keyboard" in markup:
        (button,) = [b for row in markup["keyboard"] for b in row]
        assert button.get("request_contact"), markup
        return ("contact", button["text"])
    assert markup.get("remove_keyboard"), markup
    return ("remove",)


def shown(message: SentMessage) -> Shown:
    """What one Bot API call showed the citizen."""
    kind = {"sendMessage": "text", "sendPhoto": "photo", "sendDocument": "document"}
    body = message.text if message.method == "sendMessage" else message.caption
    return kind[message.method], body or "", _keyboard(message.reply_markup)


def rendered(op: Operation) -> Shown:
    """What one rendered operation shows."""
    if isinstance(op, SendText):
        return "text", op.html, _keyboard(op.reply_markup)
    return op.kind, op.caption_html, _keyboard(op.reply_markup)


@dataclass(frozen=True)
class Recorded:
    """The updates a chat's router applied, oldest first, with what each one answered."""

    update_ids: list[int]
    replies: list[list[Shown]]

    @property
    def transcript(self) -> list[Shown]:
        """Everything one delivery of each update shows, in order."""
        return [item for reply in self.replies for item in reply]


async def recorded(app: Application, chat_key: str) -> Recorded:
    """The chat's processed updates, opened with the server's key and rendered as sent."""
    table = ProcessedUpdateRow.__table__  # type: ignore[attr-defined]
    query = select(table.c.update_id, table.c.replies).where(table.c.chat_key == chat_key)
    async with app.engine.connect() as connection:
        rows = (await connection.execute(query)).all()
    cipher = app.uow_factory.keys.cipher
    applied = sorted((int(row.update_id), row.replies) for row in rows)
    replies = []
    keyboard = False  # whether the share-phone keyboard shows, as the sender keeps it
    for _, sealed in applied:
        messages = [from_json(Outgoing, m) for m in cipher.open(sealed, "processed_update.replies")]
        ops: list[Operation] = []
        for message in compact(messages):  # queued joined, sent as the paced sender does
            sent = render_outbox(message, "vi", app.texts, True, keyboard and _joined(message))
            after = keyboard_after(sent)
            keyboard = keyboard if after is None else after
            ops.extend(sent)
        replies.append([rendered(op) for op in ops])
    return Recorded([update_id for update_id, _ in applied], replies)


def _joined(message: Outgoing) -> bool:
    return message.text.key == JOINED


async def chat_state(app: Application, chat_key: str) -> dict[str, Any]:
    """The chat's stored dialogue state."""
    async with app.uow_factory() as uow:
        stored = await uow.conversations.load(chat_key, "")
    return dict(stored.state or {})


async def all_dossiers(app: Application) -> list[Dossier]:
    """Every dossier in the database (each fault test has a database of its own)."""
    table = DossierRow.__table__  # type: ignore[attr-defined]
    async with app.engine.connect() as connection:
        ids = (await connection.execute(select(table.c.id))).scalars().all()
    async with app.uow_factory() as uow:
        found = [await uow.dossiers.get(dossier_id) for dossier_id in ids]
    return [dossier for dossier in found if dossier is not None]


async def payment_events(app: Application) -> list[tuple[str, str, str]]:
    """(provider, transaction id, outcome) of every bank notification recorded."""
    table = PaymentEventRow.__table__  # type: ignore[attr-defined]
    async with app.engine.connect() as connection:
        rows = (await connection.execute(select(table))).mappings().all()
    return [(r["provider"], r["transaction_id"], r["outcome"]) for r in rows]


async def outbox_rows(app: Application, recipient: str | None = None) -> list[dict[str, Any]]:
    """Outbox rows (of one chat) other than replies: recipient, event, status."""
    table = OutboxRow.__table__  # type: ignore[attr-defined]
    query = select(table.c.id, table.c.recipient, table.c.event, table.c.status)
    if recipient is not None:
        query = query.where(table.c.recipient == recipient)
    async with app.engine.connect() as connection:
        rows = (await connection.execute(query.order_by(table.c.id))).mappings().all()
    return [dict(r) for r in rows if not r["event"].startswith(REPLY_EVENT)]


def duplicates(items: list[Any]) -> list[Any]:
    """Items that occur more than once."""
    return [item for item, n in Counter(items).items() if n > 1]


async def stored_documents(app: Application) -> int:
    """How many documents the document store holds (every citizen's)."""
    table = StoredDocumentRow.__table__  # type: ignore[attr-defined]
    async with app.engine.connect() as connection:
        return len((await connection.execute(select(table.c.id))).all())


async def assert_journey_intact(
    app: Application, citizen: Citizen, *, paid: bool, receipts: int | None = None
) -> Dossier:
    """The citizen's chat, dossier, payment and messages are those of one clean journey:

    - every update the citizen sent was applied, once (one processed_update row each);
    - the chat shows exactly what one delivery of each update answers, in order (nothing
      lost, nothing twice), plus the receipt once when paid;
    - one dossier, with the answers and the one attachment of a clean run, one stored
      document and the e-form PDF; paid: one payment event, submitted, one receipt and one fee
      receipt PDF in the outbox, sent;
    - the conversation waits where a clean run leaves it, and one code was texted.
    """
    key = f"telegram:{citizen.chat_id}"
    applied = await recorded(app, key)
    sent_ids = sorted({int(u["update_id"]) for u in citizen.updates})
    assert applied.update_ids == sent_ids
    chat = [shown(m) for m in citizen.sent]
    is_receipt = [kind == "photo" and "Phiếu tiếp nhận hồ sơ" in body for kind, body, _ in chat]
    is_fee_receipt = [kind == "document" and "Biên lai thu phí" in body for kind, body, _ in chat]
    pushed = [a or b for a, b in zip(is_receipt, is_fee_receipt, strict=True)]
    replies = [item for item, push in zip(chat, pushed, strict=True) if not push]
    assert replies == applied.transcript, _first_difference(replies, applied.transcript)
    assert sum(is_receipt) == (int(paid) if receipts is None else receipts)
    assert sum(is_fee_receipt) == sum(is_receipt)  # the fee receipt PDF comes with it
    (dossier,) = await all_dossiers(app)
    assert dossier.owner == key and dossier.answers == ANSWERS
    assert [a.name for a in dossier.attachments] == [ATTACHMENT]
    # the attachment and the e-form PDF, and once paid the fee receipt PDF
    assert await stored_documents(app) == 2 + int(paid)
    assert len(citizen.sms.inbox) == 1  # a login step applied twice would text a second code
    state = await chat_state(app, key)
    assert (state["flow"], state["state"]) == ("submission", "AWAITING_PAYMENT")
    assert state["data"]["dossier_id"] == dossier.id and state["citizen_id"]
    outbox = await outbox_rows(app, key)
    assert duplicates([row["event"] for row in outbox]) == []
    if paid:
        assert dossier.phase is Phase.SUBMITTED and dossier.status is DossierStatus.SUBMITTED
        assert dossier.payment is not None and dossier.payment.paid_amount == FEE
        assert [h.status for h in dossier.history] == [1]
        assert await payment_events(app) == [("sepay", str(TRANSACTION), "paid")]
        assert [(r["event"], r["status"]) for r in outbox] == [
            (f"receipt:{dossier.id}", "sent"),
            (f"fee-receipt:{dossier.id}", "sent"),
        ]
    else:
        assert dossier.phase is Phase.AWAITING_PAYMENT and dossier.status is None
        assert await payment_events(app) == [] and outbox == []
    return dossier


def _first_difference(got: list[Shown], want: list[Shown]) -> str:
    for index, (a, b) in enumerate(zip(got, want, strict=False)):
        if a != b:
            return f"message {index}: shown {a!r}\n  recorded {b!r}"
    return f"shown {len(got)} messages, recorded {len(want)}"
