"""Drive the router like a user would, and read what the bot says (rendered strictly)."""

from __future__ import annotations

from dataclasses import dataclass, field

from conversations.messages import (
    Button,
    ChatAddress,
    Incoming,
    IncomingKind,
    Outgoing,
    Platform,
    Upload,
)
from conversations.router import Router, Update
from conversations.texts import TextCatalog


@dataclass
class ChatDriver:
    """One chat: sends updates with increasing ids and keeps the replies."""

    router: Router
    chat_id: str = "tester"
    platform: Platform = Platform.WEB
    texts: TextCatalog = field(default_factory=lambda: TextCatalog(strict=True))
    seq: int = 0
    lang: str = "vi"
    replies: list[Outgoing] = field(default_factory=list)
    history: list[Outgoing] = field(default_factory=list)

    @property
    def address(self) -> ChatAddress:
        return ChatAddress(self.platform, self.chat_id)

    async def apply(self, incoming: Incoming, update_id: str | None = None) -> list[Outgoing]:
        if update_id is None:
            self.seq += 1
            update_id = str(self.seq)
        reply = await self.router.handle(Update(self.address, update_id, incoming))
        self.lang = reply.lang
        self.replies = list(reply.messages)
        self.history.extend(reply.messages)
        for message in self.replies:  # every message must render in both languages
            self.texts.render(message.text, "vi")
            self.texts.render(message.text, "en")
        return self.replies

    async def send(self, text: str) -> list[Outgoing]:
        return await self.apply(Incoming.from_text(text))

    async def press_payload(self, payload: str) -> list[Outgoing]:
        return await self.apply(Incoming.button(payload))

    async def upload(self, name: str = "a.pdf", size: int = 10) -> list[Outgoing]:
        return await self.apply(Incoming(IncomingKind.UPLOAD, upload=Upload("ref", name, size)))

    def buttons(self, message: Outgoing | None = None) -> list[Button]:
        messages = [message] if message else self.replies
        return [b for m in messages for row in m.buttons for b in row]

    def label(self, button: Button) -> str:
        return self.texts.plain(button.label, self.lang)

    def find_button(self, text: str) -> Button:
        for message in reversed(self.replies):
            for button in self.buttons(message):
                if text in self.label(button):
                    return button
        labels = [self.label(b) for b in self.buttons()]
        raise AssertionError(f"no button containing {text!r}; buttons: {labels}")

    async def press(self, text: str) -> list[Outgoing]:
        return await self.press_payload(self.find_button(text).payload)

    async def apply_as_guest(self) -> None:
        """On a procedure card: file without logging in, accepting the data notice."""
        await self.press("Nộp hồ sơ")
        assert self.keys == ["login.offer"], self.keys
        await self.press("không đăng nhập")
        if self.keys == ["consent.notice"]:
            await self.press("Tôi đồng ý")

    @property
    def keys(self) -> list[str]:
        return [m.text.key for m in self.replies]

    @property
    def last(self) -> Outgoing:
        return self.replies[-1]

    def text(self, message: Outgoing | None = None) -> str:
        return self.texts.plain((message or self.last).text, self.lang)

    def all_text(self) -> str:
        return "\n".join(self.text(m) for m in self.replies)
