"""The composition root: builds the real application from settings. Nothing runs on import."""

from __future__ import annotations

import logging
from dataclasses import dataclass

from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from bot.settings import Settings
from bot.system import RandomIds, SystemClock
from conversations.flow import Settings as FlowSettings
from conversations.router import Router
from conversations.texts import TextCatalog
from services.agencies import Agencies
from services.catalog_index import Catalog
from services.clock import Clock
from services.places import Places
from services.ports import IdGenerator
from storage.admin_units import load_places
from storage.catalog_repository import load_catalog
from storage.database import create_engine, session_factory
from storage.migrate import upgrade
from storage.seed import all_agencies, load_catalog_data, seed_catalog
from storage.sqlite_inline import InlineSqliteUnitOfWorkFactory
from storage.unit_of_work import SqlUnitOfWorkFactory

log = logging.getLogger(__name__)


@dataclass
class Application:
    """Everything the channels and commands need, built once."""

    settings: Settings
    engine: AsyncEngine
    uow_factory: SqlUnitOfWorkFactory | InlineSqliteUnitOfWorkFactory
    sessions: async_sessionmaker[AsyncSession]
    places: Places
    catalog: Catalog
    router: Router
    texts: TextCatalog
    clock: Clock

    async def close(self) -> None:
        """Release the database connections."""
        if isinstance(self.uow_factory, InlineSqliteUnitOfWorkFactory):
            self.uow_factory.dispose()
        await self.engine.dispose()


def unit_of_work_factory(
    engine: AsyncEngine,
) -> SqlUnitOfWorkFactory | InlineSqliteUnitOfWorkFactory:
    """Chat updates on SQLite run inline (see storage.sqlite_inline); elsewhere on the engine."""
    if engine.dialect.name == "sqlite":
        return InlineSqliteUnitOfWorkFactory(engine.url.render_as_string(hide_password=False))
    return SqlUnitOfWorkFactory(engine)


async def prepare_database(settings: Settings, places: Places | None = None) -> AsyncEngine:
    """Migrate the database and seed the catalogue (both idempotent)."""
    engine = create_engine(settings.database_url)
    await upgrade(engine)
    places = places or load_places()
    data = load_catalog_data()
    agencies = all_agencies(data, places, settings.province_code, settings.agency_code_suffix)
    if await seed_catalog(session_factory(engine), data, agencies):
        log.info(
            "catalogue seeded: %d procedures, %d agencies", len(data.procedures), len(agencies)
        )
    return engine


async def build(
    settings: Settings,
    *,
    prepare: bool = True,
    clock: Clock | None = None,
    ids: IdGenerator | None = None,
    strict_texts: bool = False,
) -> Application:
    """Build the application; with `prepare`, migrate and seed first."""
    places = load_places()
    if prepare:
        engine = await prepare_database(settings, places)
    else:
        engine = create_engine(settings.database_url)
    sessions = session_factory(engine)
    uow_factory = unit_of_work_factory(engine)
    data, agencies = await load_catalog(sessions)
    catalog = Catalog(data, Agencies(agencies))
    clock = clock or SystemClock()
    router = Router(
        uow_factory=uow_factory,
        catalog=catalog,
        places=places,
        clock=clock,
        ids=ids or RandomIds(),
        settings=FlowSettings(province_code=settings.province_code, page_size=settings.page_size),
        default_lang=settings.default_language,
    )
    return Application(
        settings=settings,
        engine=engine,
        uow_factory=uow_factory,
        sessions=sessions,
        places=places,
        catalog=catalog,
        router=router,
        texts=TextCatalog(strict=strict_texts),
        clock=clock,
    )
