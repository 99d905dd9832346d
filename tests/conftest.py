"""Shared fixtures: the real seeded catalogue and administrative units, fakes for the rest."""

from __future__ import annotations

import os

import pytest

from bot.papers_pdf import PdfPrinter
from conversations.flow import Settings
from conversations.router import Filing, Identity, Router
from services.agencies import Agencies
from services.catalog_index import Catalog
from services.catalog_schema import CatalogData
from services.citizens import Person
from services.keyed_hash import KeyedHasher
from services.places import Places
from storage.address_conversion import OfflineAddressConverter
from storage.admin_units import load_places
from storage.demo_registry import DemoCitizenRegistry, load_people
from storage.seed import all_agencies, load_catalog_data, load_search_words, load_where_to_go
from tests.chat import ChatDriver
from tests.fake_files import MemoryFileStore
from tests.fakes import (
    FakeClock,
    MemoryStaging,
    MemoryUnitOfWorkFactory,
    RecordingSms,
    SequentialIds,
)

# The privacy scan: every log record of the run is collected and scanned when it ends.
from tests.privacy import pytest_sessionfinish, pytest_sessionstart  # noqa: F401

# Tests drive chats at machine speed, many of them on a clock that never moves: flood control
# (conversations.flood) is off unless a test turns it on (tests/unit/test_flood.py,
# tests/e2e/test_telegram_groups.py, tests/e2e/test_web_chat_flood.py).
os.environ.setdefault("FLOOD_BURST", "0")


@pytest.fixture(scope="session")
def places() -> Places:
    return load_places()


@pytest.fixture(scope="session")
def catalog_data() -> CatalogData:
    return load_catalog_data()


@pytest.fixture(scope="session")
def catalog(catalog_data: CatalogData, places: Places) -> Catalog:
    agencies = Agencies(all_agencies(catalog_data, places, "04", "H04"))
    return Catalog(catalog_data, agencies, load_search_words(), load_where_to_go())


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def uow_factory() -> MemoryUnitOfWorkFactory:
    return MemoryUnitOfWorkFactory()


@pytest.fixture(scope="session")
def people(places: Places) -> list[Person]:
    return load_people(places)


@pytest.fixture
def sms() -> RecordingSms:
    return RecordingSms()


@pytest.fixture
def identity(people: list[Person], places: Places, sms: RecordingSms) -> Identity:
    return Identity(
        registry=DemoCitizenRegistry(people),
        sms=sms,
        hasher=KeyedHasher(b"test-key-" * 4),
        addresses=OfflineAddressConverter(places),
    )


@pytest.fixture
def staging() -> MemoryStaging:
    return MemoryStaging()


@pytest.fixture
def files() -> MemoryFileStore:
    return MemoryFileStore()


@pytest.fixture
def filing(staging: MemoryStaging, files: MemoryFileStore) -> Filing:
    return Filing(uploads=staging, papers=PdfPrinter(files))


@pytest.fixture
def router(
    uow_factory: MemoryUnitOfWorkFactory,
    catalog: Catalog,
    places: Places,
    clock: FakeClock,
    identity: Identity,
    filing: Filing,
) -> Router:
    return Router(
        uow_factory, catalog, places, clock, SequentialIds(), identity, filing, Settings()
    )


@pytest.fixture
def chat(router: Router) -> ChatDriver:
    return ChatDriver(router)
