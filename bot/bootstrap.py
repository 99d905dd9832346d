"""The composition root: builds the real application from settings. Nothing runs on import."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from bot.keys import storage_keys
from bot.registry_http import HttpCitizenRegistry
from bot.settings import RegistryBackend, Settings, SmsBackend
from bot.sms import DevSms, DevSmsInbox, HttpSmsGateway
from bot.system import RandomIds, SystemClock
from conversations.flow import Settings as FlowSettings
from conversations.router import Identity, Router
from conversations.texts import TextCatalog
from services.agencies import Agencies
from services.catalog_index import Catalog
from services.citizens import CitizenRegistry
from services.clock import Clock
from services.otp import OtpPolicy, SmsSender
from services.places import Places
from services.ports import IdGenerator
from storage.address_conversion import OfflineAddressConverter
from storage.admin_units import load_places
from storage.catalog_repository import load_catalog
from storage.database import create_engine, session_factory
from storage.demo_registry import DemoCitizenRegistry, load_people
from storage.migrate import upgrade
from storage.seed import all_agencies, load_catalog_data, seed_catalog
from storage.sqlite_inline import InlineSqliteUnitOfWorkFactory
from storage.unit_of_work import SqlUnitOfWorkFactory, StorageKeys

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
    sms: SmsSender

    async def start(self) -> None:
        """Start background work (SMS delivery)."""
        if isinstance(self.sms, HttpSmsGateway):
            self.sms.start()

    async def close(self) -> None:
        """Stop background work and release the database connections."""
        if isinstance(self.sms, HttpSmsGateway):
            await self.sms.stop()
        if isinstance(self.uow_factory, InlineSqliteUnitOfWorkFactory):
            self.uow_factory.dispose()
        await self.engine.dispose()


def unit_of_work_factory(
    engine: AsyncEngine, keys: StorageKeys
) -> SqlUnitOfWorkFactory | InlineSqliteUnitOfWorkFactory:
    """Chat updates on SQLite run inline (see storage.sqlite_inline); elsewhere on the engine."""
    if engine.dialect.name == "sqlite":
        return InlineSqliteUnitOfWorkFactory(engine.url.render_as_string(hide_password=False), keys)
    return SqlUnitOfWorkFactory(engine, keys)


def build_sms(settings: Settings) -> SmsSender:
    """The SMS backend chosen in settings."""
    if settings.sms_backend is SmsBackend.HTTP:
        token = settings.sms_gateway_token.get_secret_value() if settings.sms_gateway_token else ""
        return HttpSmsGateway(settings.sms_gateway_url, token)
    return DevSms(DevSmsInbox())


def build_registry(settings: Settings, places: Places) -> CitizenRegistry:
    """The citizen registry chosen in settings."""
    if settings.citizen_registry is RegistryBackend.HTTP:
        token = (
            settings.citizen_registry_token.get_secret_value()
            if settings.citizen_registry_token
            else ""
        )
        return HttpCitizenRegistry(settings.citizen_registry_url, token)
    return DemoCitizenRegistry(load_people(places))


def otp_policy(settings: Settings) -> OtpPolicy:
    """The one-time-code rules from settings."""
    return OtpPolicy(
        ttl=timedelta(seconds=settings.otp_ttl_seconds),
        max_attempts=settings.otp_max_attempts,
        resend_after=timedelta(seconds=settings.otp_resend_seconds),
        per_phone_in_window=settings.otp_per_phone_10min,
        per_phone_per_day=settings.otp_per_phone_day,
        per_chat_per_day=settings.otp_per_chat_day,
    )


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
    sms: SmsSender | None = None,
    registry: CitizenRegistry | None = None,
) -> Application:
    """Build the application; with `prepare`, migrate and seed first."""
    places = load_places()
    if prepare:
        engine = await prepare_database(settings, places)
    else:
        engine = create_engine(settings.database_url)
    sessions = session_factory(engine)
    keys = storage_keys(settings)
    uow_factory = unit_of_work_factory(engine, keys)
    data, agencies = await load_catalog(sessions)
    catalog = Catalog(data, Agencies(agencies))
    clock = clock or SystemClock()
    sms = sms or build_sms(settings)
    identity = Identity(
        registry=registry or build_registry(settings, places),
        sms=sms,
        hasher=keys.hasher,
        addresses=OfflineAddressConverter(places),
        policy=otp_policy(settings),
        sms_template=settings.sms_template,
    )
    router = Router(
        uow_factory=uow_factory,
        catalog=catalog,
        places=places,
        clock=clock,
        ids=ids or RandomIds(),
        identity=identity,
        settings=FlowSettings(
            province_code=settings.province_code,
            page_size=settings.page_size,
            session_idle_minutes=settings.session_idle_minutes,
        ),
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
        sms=sms,
    )
