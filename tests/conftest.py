"""Shared fixtures: the real seeded catalogue and administrative units, fakes for the rest."""

from __future__ import annotations

import pytest

from conversations.flow import Settings
from conversations.router import Router
from services.agencies import Agencies
from services.catalog_index import Catalog
from services.catalog_schema import CatalogData
from services.places import Places
from storage.admin_units import load_places
from storage.seed import all_agencies, load_catalog_data
from tests.chat import ChatDriver
from tests.fakes import FakeClock, MemoryUnitOfWorkFactory, SequentialIds


@pytest.fixture(scope="session")
def places() -> Places:
    return load_places()


@pytest.fixture(scope="session")
def catalog_data() -> CatalogData:
    return load_catalog_data()


@pytest.fixture(scope="session")
def catalog(catalog_data: CatalogData, places: Places) -> Catalog:
    return Catalog(catalog_data, Agencies(all_agencies(catalog_data, places, "04", "H04")))


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def uow_factory() -> MemoryUnitOfWorkFactory:
    return MemoryUnitOfWorkFactory()


@pytest.fixture
def router(
    uow_factory: MemoryUnitOfWorkFactory, catalog: Catalog, places: Places, clock: FakeClock
) -> Router:
    return Router(uow_factory, catalog, places, clock, SequentialIds(), Settings())


@pytest.fixture
def chat(router: Router) -> ChatDriver:
    return ChatDriver(router)
