"""The composition root: builds the real application from settings. Nothing runs on import."""

from __future__ import annotations

import asyncio
import gc
import logging
from dataclasses import dataclass, field
from datetime import timedelta
from functools import partial
from pathlib import Path

from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from bot.channels.zalo import ZaloChannel, build_zalo_channel
from bot.disk_space import DiskGuard
from bot.keys import derive, master_secret, storage_keys
from bot.media_resolver import MediaResolver
from bot.metrics import MeteredRouter, Metrics
from bot.papers_pdf import PdfPrinter
from bot.payment_simulator import LocalBankSimulator
from bot.registry_http import HttpCitizenRegistry
from bot.settings import DossierSystemBackend, Environment, RegistryBackend, Settings, SmsBackend
from bot.sms import DevSms, DevSmsInbox, HttpSmsGateway
from bot.system import RandomIds, SystemClock
from bot.wakeup import Wakeup
from conversations import flood
from conversations.flow import PaymentAccount
from conversations.flow import Settings as FlowSettings
from conversations.papers import PaperOffice
from conversations.router import Filing, Identity, Router
from conversations.texts import TextCatalog
from services.agencies import Agencies
from services.catalog_index import Catalog
from services.citizens import CitizenRegistry
from services.clock import Clock
from services.following import FollowLimits
from services.keyed_hash import KeyedHasher
from services.office_hours import OfficeHours, parse_sessions
from services.otp import OtpPolicy, SmsSender
from services.places import Places
from services.ports import IdGenerator
from services.talks import DeskSettings, OfficerDesk
from storage.address_conversion import OfflineAddressConverter
from storage.admin_units import load_places
from storage.catalog_repository import load_catalog
from storage.database import create_engine, session_factory
from storage.demo_registry import DemoCitizenRegistry, load_people
from storage.file_store import LocalFileStore
from storage.migrate import upgrade
from storage.search_cache import cached_search_index
from storage.seed import (
    all_agencies,
    load_catalog_data,
    load_search_words,
    load_where_to_go,
    seed_catalog,
)
from storage.sqlite_inline import InlineSqliteUnitOfWorkFactory
from storage.staging import LocalStaging
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
    files: LocalFileStore
    staging: LocalStaging
    media: MediaResolver
    payment_secrets: PaymentSecrets
    signer: KeyedHasher  # signs media URLs and other links handed to browsers
    simulator: LocalBankSimulator | None = None
    papers: PaperOffice | None = None  # issues the PDF papers (the fee receipt on payment)
    zalo: ZaloChannel | None = None
    metrics: Metrics = field(default_factory=Metrics.from_environment)
    wakeup: Wakeup = field(default_factory=Wakeup)  # signalled by commits (storage.wake)
    disk: DiskGuard | None = None  # free space in DATA_DIR (None: not checked)

    def uploads_paused(self) -> bool:
        """Whether DATA_DIR's free space is below DATA_MIN_FREE_MB: every channel then refuses
        uploads (with "upload.paused") before fetching anything."""
        paused = self.disk is not None and self.disk.state().low
        if paused:
            self.metrics.upload_refused("disk_low")
        return paused

    def sweep_staging(self) -> int:
        """Remove the staged uploads nothing claimed within STAGING_MAX_AGE_MINUTES."""
        return self.staging.sweep(self.settings.staging_max_age_minutes * 60)

    async def start(self) -> None:
        """Start background work (SMS delivery); sweep what earlier runs left in staging."""
        removed = await asyncio.to_thread(self.sweep_staging)
        if removed:
            log.info("staging: %d unclaimed upload(s) removed at start-up", removed)
        if isinstance(self.sms, HttpSmsGateway):
            self.sms.start()
        if self.zalo is not None:
            await self.zalo.start()  # what a crashed run recorded but did not apply

    async def close(self) -> None:
        """Stop background work and release the database connections."""
        if self.zalo is not None:
            await self.zalo.close()
        if isinstance(self.sms, HttpSmsGateway):
            await self.sms.stop()
        if self.simulator is not None:
            await self.simulator.close()
        if isinstance(self.uow_factory, InlineSqliteUnitOfWorkFactory):
            self.uow_factory.dispose()
        await self.engine.dispose()


def unit_of_work_factory(
    engine: AsyncEngine, keys: StorageKeys, wakeup: Wakeup | None = None, handover: bool = False
) -> SqlUnitOfWorkFactory | InlineSqliteUnitOfWorkFactory:
    """Chat updates on SQLite run inline (see storage.sqlite_inline); elsewhere on the engine.
    A commit's wake-ups are signalled on `wakeup` (this process's waiters). `handover`: queue
    hand-overs to the one-stop system (DOSSIER_SYSTEM=http; services.handover)."""
    signal = wakeup.signal if wakeup is not None else None
    if engine.dialect.name == "sqlite":
        url = engine.url.render_as_string(hide_password=False)
        return InlineSqliteUnitOfWorkFactory(url, keys, signal, handover)
    return SqlUnitOfWorkFactory(engine, keys, signal, handover)


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


@dataclass(frozen=True)
class PaymentSecrets:
    """How bank notifications are authenticated."""

    sepay_hmac: str | None
    sepay_api_key: str | None
    casso: str | None


def payment_secrets(settings: Settings, master: bytes) -> PaymentSecrets:
    """The configured secrets; in development SePay's HMAC secret defaults to a derived one,
    so the demo's simulated bank signs like the real one."""
    sepay = (
        settings.sepay_webhook_secret.get_secret_value() if settings.sepay_webhook_secret else None
    )
    if sepay is None and settings.environment is Environment.DEVELOPMENT:
        sepay = derive(master, "sepay-demo").hex()
    api_key = settings.sepay_api_key.get_secret_value() if settings.sepay_api_key else None
    casso = (
        settings.casso_webhook_secret.get_secret_value() if settings.casso_webhook_secret else None
    )
    return PaymentSecrets(sepay, api_key, casso)


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


def desk_settings(settings: Settings) -> DeskSettings:
    """Where hand-overs to a person go, and the office hours, from settings."""
    chats = {}
    for chat, value in settings.officer_chats.items():
        agency, _, name = value.partition("|")
        chats[chat] = OfficerDesk(agency.strip(), name.strip()[:80])
    return DeskSettings(
        officer_chats=chats,
        admin_chats=tuple(settings.admin_chats),
        default_agency=settings.human_desk_agency,
        hours=OfficeHours(parse_sessions(settings.office_hours)),
    )


def follow_limits(settings: Settings) -> FollowLimits:
    """The bounds on following dossiers, from settings."""
    return FollowLimits(
        per_chat=settings.follow_max_per_chat,
        per_dossier=settings.follow_max_per_dossier,
        idle_days=settings.follow_idle_days,
        finished_days=settings.follow_finished_days,
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


def flood_limits(settings: Settings) -> flood.Limits | None:
    """How fast a chat may send (None: no limit)."""
    if settings.flood_burst == 0:
        return None
    return flood.Limits(
        settings.flood_burst, settings.flood_per_minute, settings.flood_cooldown_seconds
    )


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
    master = master_secret(settings)
    files = LocalFileStore(Path(settings.data_dir) / "files")
    staging = LocalStaging(Path(settings.data_dir) / "incoming", files)
    secrets = payment_secrets(settings, master)
    simulator = None
    if settings.payment_simulator and secrets.sepay_hmac:
        simulator = LocalBankSimulator(
            f"http://127.0.0.1:{settings.port}/payments/webhook",
            secrets.sepay_hmac,
            settings.payment_account_number,
        )
    wakeup = Wakeup()
    handover = settings.dossier_system is DossierSystemBackend.HTTP
    uow_factory = unit_of_work_factory(engine, keys, wakeup, handover)
    data, agencies = await load_catalog(sessions)
    # The search index read back from its cache file, or built and written there by a thread.
    index = partial(cached_search_index, background=True)
    catalog = Catalog(data, Agencies(agencies), load_search_words(), load_where_to_go(), index)
    clock = clock or SystemClock()
    sms = sms or build_sms(settings)
    printer = PdfPrinter(files)
    account = PaymentAccount(
        bank_bin=settings.payment_bank_bin,
        number=settings.payment_account_number,
        holder=settings.payment_account_holder,
        simulator=simulator is not None,
    )
    identity = Identity(
        registry=registry or build_registry(settings, places),
        sms=sms,
        hasher=keys.hasher,
        addresses=OfflineAddressConverter(places),
        policy=otp_policy(settings),
        sms_template=settings.sms_template,
    )
    metrics = Metrics.from_environment()
    router = MeteredRouter(
        metrics=metrics,
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
            payment=account,
            admin_chats=tuple(settings.admin_chats),
            public_url=settings.public_base_url,
            follow=follow_limits(settings),
            desk=desk_settings(settings),
        ),
        filing=Filing(uploads=staging, simulator=simulator, papers=printer),
        default_lang=settings.default_language,
        flood_limits=flood_limits(settings),
    )
    application = Application(
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
        files=files,
        staging=staging,
        media=MediaResolver(uow_factory, catalog, files),
        payment_secrets=secrets,
        signer=KeyedHasher(derive(master, "links")),
        simulator=simulator,
        papers=PaperOffice(printer, catalog, settings.public_base_url, account),
        metrics=metrics,
        wakeup=wakeup,
        disk=DiskGuard(Path(settings.data_dir), settings.data_min_free_mb),
    )
    application.zalo = build_zalo_channel(application)
    return application


def settle_heap() -> None:
    """Once started: collect the start-up's garbage and move what is left (the catalogue,
    its search index, the administrative units, the modules: most of the process's objects)
    out of the cyclic collector's reach. They live as long as the process, yet every older-
    generation collection walked them all again; without them a collection looks only at
    what the bot's work allocates (PTB webhook, filing load: CPU per update −10 %, p95 lower).
    Reference counting still frees them as usual."""
    gc.collect()
    gc.freeze()
