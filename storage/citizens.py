"""Citizens and consent on SQL: registry data encrypted, found by keyed hashes."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime
from typing import Any

from sqlalchemy import bindparam, delete, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncConnection

from services.citizens import Address, Citizen, Person
from services.consent import Consent
from services.identity import Sex
from services.keyed_hash import KeyedHasher
from storage.crypto import JsonCipher
from storage.prepared import prepared
from storage.tables import CitizenChatRow, CitizenRow, ConsentRow, table_of

CITIZEN = table_of(CitizenRow)
LINK = table_of(CitizenChatRow)
CONSENT = table_of(ConsentRow)
_COLUMN = "citizen.profile"


def _insert(connection: AsyncConnection, table: Any) -> Any:
    dialect = postgresql if connection.dialect.name == "postgresql" else sqlite
    return dialect.insert(table)


def person_to_json(person: Person) -> dict[str, Any]:
    """A person as stored (inside the encrypted profile)."""
    a = person.address
    return {
        "id_number": person.id_number,
        "full_name": person.full_name,
        "birth_date": person.birth_date.isoformat(),
        "sex": person.sex.value,
        "phone": person.phone,
        "ethnicity": person.ethnicity,
        "email": person.email,
        "address": {
            "province_code": a.province_code,
            "province": a.province,
            "ward_code": a.ward_code,
            "ward": a.ward,
            "detail": a.detail,
            "legacy": a.legacy,
        },
    }


def person_from_json(body: dict[str, Any]) -> Person:
    """Inverse of `person_to_json`."""
    return Person(
        id_number=body["id_number"],
        full_name=body["full_name"],
        birth_date=date.fromisoformat(body["birth_date"]),
        sex=Sex(body["sex"]),
        phone=body["phone"],
        ethnicity=body.get("ethnicity", ""),
        email=body.get("email", ""),
        address=Address(**body.get("address", {})),
    )


class SqlCitizenRepository:
    """CitizenRepository bound to one connection."""

    def __init__(
        self, connection: AsyncConnection, cipher: JsonCipher, hasher: KeyedHasher
    ) -> None:
        self._connection, self._cipher, self._hasher = connection, cipher, hasher

    def _citizen(self, row: Any) -> Citizen:
        return Citizen(row.id, person_from_json(self._cipher.open(row.profile, _COLUMN)))

    async def find(self, id_number: str) -> Citizen | None:
        id_hash = self._hasher.digest("id", id_number)
        row = (
            await self._connection.execute(select(CITIZEN).where(CITIZEN.c.id_hash == id_hash))
        ).first()
        return self._citizen(row) if row else None

    async def get(self, citizen_id: str) -> Citizen | None:
        row = (
            await self._connection.execute(select(CITIZEN).where(CITIZEN.c.id == citizen_id))
        ).first()
        return self._citizen(row) if row else None

    async def save(self, citizen: Citizen, at: datetime) -> None:
        profile = self._cipher.seal(person_to_json(citizen.person), _COLUMN)
        statement = _insert(self._connection, CITIZEN).values(
            id=citizen.id,
            id_hash=self._hasher.digest("id", citizen.person.id_number),
            ward_code=citizen.person.address.ward_code,
            profile=profile,
            created_at=at,
            updated_at=at,
        )
        statement = statement.on_conflict_do_update(
            index_elements=["id"],
            set_={
                "profile": profile,
                "ward_code": citizen.person.address.ward_code,
                "updated_at": at,
            },
        )
        await self._connection.execute(statement)

    async def link(self, citizen_id: str, chat_key: str, at: datetime) -> None:
        await self._connection.execute(
            update(LINK).where(LINK.c.chat_key == chat_key).values(active=False, subscribed=False)
        )
        statement = _insert(self._connection, LINK).values(
            citizen_id=citizen_id, chat_key=chat_key, linked_at=at, active=True, subscribed=False
        )
        statement = statement.on_conflict_do_update(
            index_elements=["citizen_id", "chat_key"],
            set_={"linked_at": at, "active": True, "subscribed": False},
        )
        await self._connection.execute(statement)

    async def unlink(self, chat_key: str, keep_updates: bool = False) -> None:
        if keep_updates:  # only the link that was active stays subscribed
            await self._connection.execute(
                update(LINK)
                .where(LINK.c.chat_key == chat_key, LINK.c.active.is_(True))
                .values(active=False, subscribed=True)
            )
            return
        await self._connection.execute(
            update(LINK).where(LINK.c.chat_key == chat_key).values(active=False, subscribed=False)
        )

    async def subscribed_chats(self, citizen_id: str) -> Sequence[str]:
        query = (
            select(LINK.c.chat_key)
            .where(
                LINK.c.citizen_id == citizen_id,
                LINK.c.active.is_(False),
                LINK.c.subscribed.is_(True),
            )
            .order_by(LINK.c.linked_at)
        )
        return list((await self._connection.execute(query)).scalars())

    async def chats(self, citizen_id: str) -> Sequence[str]:
        query = (
            select(LINK.c.chat_key)
            .where(LINK.c.citizen_id == citizen_id, LINK.c.active.is_(True))
            .order_by(LINK.c.linked_at)
        )
        return list((await self._connection.execute(query)).scalars())

    async def citizen_of(self, chat_key: str) -> str | None:
        query = select(LINK.c.citizen_id).where(
            LINK.c.chat_key == chat_key, LINK.c.active.is_(True)
        )
        return (await self._connection.execute(query)).scalars().first()

    async def erase(self, citizen_id: str) -> Sequence[str]:
        query = select(LINK.c.chat_key).where(LINK.c.citizen_id == citizen_id)
        keys = list((await self._connection.execute(query)).scalars())
        await self._connection.execute(delete(LINK).where(LINK.c.citizen_id == citizen_id))
        await self._connection.execute(delete(CITIZEN).where(CITIZEN.c.id == citizen_id))
        return keys


_GET_CONSENT = prepared(select(CONSENT).where(CONSENT.c.chat_key == bindparam("k")))


class SqlConsentRepository:
    """ConsentRepository bound to one connection."""

    def __init__(self, connection: AsyncConnection) -> None:
        self._connection = connection

    async def get(self, chat_key: str) -> Consent | None:
        row = (await self._connection.execute(_GET_CONSENT, {"k": chat_key})).first()
        if row is None:
            return None
        return Consent(row.chat_key, row.version, row.accepted, row.at, row.citizen_id)

    async def record(self, consent: Consent) -> None:
        values = {
            "chat_key": consent.chat_key,
            "version": consent.version,
            "accepted": consent.accepted,
            "at": consent.at,
            "citizen_id": consent.citizen_id,
        }
        statement = _insert(self._connection, CONSENT).values(**values)
        statement = statement.on_conflict_do_update(index_elements=["chat_key"], set_=values)
        await self._connection.execute(statement)

    async def erase(self, chat_keys: Sequence[str]) -> None:
        if chat_keys:
            await self._connection.execute(
                delete(CONSENT).where(CONSENT.c.chat_key.in_(list(chat_keys)))
            )
