"""The `dvc-bot` command: run, scheduler, broadcast, migrate, seed, search."""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

from bot.settings_names import nothing_to_refuse
from services.catalog_schema import CatalogError

if TYPE_CHECKING:
    from bot.settings import Settings
    from services.catalog import Procedure
    from services.catalog_index import Catalog

# Each command imports what it needs when it runs: `dvc-bot search` and `--help` stay quick
# (no pydantic unless a setting could be refused, no database, server, Telegram libraries or
# administrative-units data; bench/start_time.py measures them next to Python's start-up).


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the console script."""
    parser = argparse.ArgumentParser(prog="dvc-bot", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)
    commands.add_parser("run", help="migrate, seed and serve the bot (web chat on 127.0.0.1)")
    commands.add_parser(
        "scheduler", help="run only the scheduler (pushes, reminders, senders): one per database"
    )
    web = commands.add_parser(
        "web", help="serve webhooks, the web chat and the officer API with N worker processes"
    )
    web.add_argument("--workers", type=int, default=2, help="worker processes (default 2)")
    broadcast = commands.add_parser("broadcast", help="send a message to many chats")
    broadcast.add_argument("--text", default="", help="the message (at most 1000 characters)")
    broadcast.add_argument(
        "--audience",
        default="all",
        help="all | platform:telegram|zalo|web | ward:<code> | procedure:<id or code>",
    )
    broadcast.add_argument("--image", type=Path, default=None, help="a JPEG or PNG to attach")
    broadcast.add_argument("--yes", action="store_true", help="do not ask for confirmation")
    broadcast.add_argument("--resume", default="", metavar="ID", help="watch/send it again")
    broadcast.add_argument("--cancel", default="", metavar="ID", help="cancel a broadcast")
    commands.add_parser("migrate", help="bring the database schema up to date")
    seed = commands.add_parser("seed", help="load the procedure catalogue into the database")
    seed.add_argument(
        "--report", action="store_true", help="also print how much of it is still inferred"
    )
    search = commands.add_parser("search", help="search the catalogue like a citizen would")
    search.add_argument("query")
    search.add_argument("--json", action="store_true", help="print JSON for scripts")
    search.add_argument("--limit", type=int, default=10)
    args = parser.parse_args(argv)
    if args.command == "search":  # the catalogue files only: no database, no event loop
        # It reads no setting but refuses bad ones like every command; when nothing set
        # could be refused, pydantic is not even imported.
        if not nothing_to_refuse(os.environ) and _settings() is None:
            return 2
        try:
            _search(args.query, args.limit, args.json)
        except CatalogError as error:
            print(f"dvc-bot: {error}", file=sys.stderr)
            return 2
        return 0
    settings = _settings()
    if settings is None:
        return 2
    return _command(args, settings)


def _settings() -> Settings | None:
    """The settings, or None after one clear line per wrong setting (no traceback)."""
    from pydantic import ValidationError

    from bot.settings import Settings

    try:
        return Settings()
    except ValidationError as error:
        for problem in error.errors():
            message = str(problem["msg"]).removeprefix("Value error, ")
            where = ".".join(str(part) for part in problem["loc"]).upper()
            print(f"dvc-bot: settings: {where + ': ' if where else ''}{message}", file=sys.stderr)
        return None


def _command(args: argparse.Namespace, settings: Settings) -> int:
    """Run a command that needs the database or the server (all but `search`)."""
    import asyncio

    from bot.scheduler_lock import SchedulerBusy

    try:
        match args.command:
            case "run":
                from bot.runner import run

                asyncio.run(run(settings))
            case "web":
                from bot.runner import run_web

                run_web(settings, max(1, args.workers))
            case "scheduler":
                from bot.runner import run_scheduler

                asyncio.run(run_scheduler(settings))
            case "broadcast":
                from bot.broadcast_cli import broadcast_command

                return asyncio.run(
                    broadcast_command(
                        settings, args.text, args.audience, args.image, args.yes,
                        args.resume, args.cancel,
                    )
                )  # fmt: skip
            case "migrate":
                asyncio.run(_migrate(settings))
            case "seed":
                asyncio.run(_seed(settings))
                if args.report:
                    _print_report()
    except CatalogError as error:
        print(f"dvc-bot: {error}", file=sys.stderr)
        return 2
    except SchedulerBusy as error:
        print(f"dvc-bot: {error}", file=sys.stderr)
        return 3
    except KeyboardInterrupt:
        return 130
    return 0


async def _migrate(settings: Settings) -> None:
    from storage.database import create_engine
    from storage.migrate import upgrade

    engine = create_engine(settings.database_url)
    try:
        await upgrade(engine)
    finally:
        await engine.dispose()
    print("Database is up to date.")


async def _seed(settings: Settings) -> None:
    from bot.bootstrap import prepare_database

    engine = await prepare_database(settings)
    await engine.dispose()
    print("Catalogue seeded.")


def _print_report() -> None:
    from services.catalog_report import provenance_report
    from storage.catalog_files import load_catalog_data

    report = provenance_report(load_catalog_data().procedures)
    print("Catalogue provenance (inferred = not yet checked against a source):")
    for line in report.lines():
        print("  " + line)


def _search(query: str, limit: int, as_json: bool) -> None:
    """Search the catalogue the bot seeds (its files), with the bot's index, synonyms and
    where-to-go data: the same ranking as the bot, without a database or the server."""
    from services.agencies import Agencies
    from services.catalog_index import Catalog
    from storage.catalog_files import load_catalog_data, load_search_words, load_where_to_go
    from storage.search_cache import cached_search_index

    data, words, elsewhere = load_catalog_data(), load_search_words(), load_where_to_go()
    catalog = Catalog(data, Agencies([]), words, elsewhere, cached_search_index)
    _print_hits(catalog, query, limit, as_json)


def _fee(proc: Procedure, day: date) -> str:
    """The card's fee rule as plain text ("8.000 đ/bản"), or the online amount."""
    from conversations.fee_texts import has_rule, rule_text
    from conversations.texts import TextCatalog, format_money

    if has_rule(proc):
        return TextCatalog().plain(rule_text(proc, day), "vi").strip().replace("\n", " ")
    if proc.online_fee is None:
        return "HĐND"
    return format_money(proc.online_fee, "vi") if proc.online_fee else "0"


def _print_hits(catalog: Catalog, query: str, limit: int, as_json: bool) -> None:
    import json
    from datetime import datetime

    from conversations.fee_texts import has_rule
    from services.clock import VIETNAM

    hits = catalog.search(query, limit)
    day = datetime.now(VIETNAM).date()
    if as_json:
        rows = [
            {
                "id": h.procedure.id,
                "code": h.procedure.code,
                "name": h.procedure.name.vi,
                "level": h.procedure.level.value,
                "fee_online": None if has_rule(h.procedure) else h.procedure.online_fee,
                "fee_counter": None if has_rule(h.procedure) else h.procedure.counter_fee,
                "fee_rule": _fee(h.procedure, day) if has_rule(h.procedure) else None,
                "score": None if h.score == float("inf") else round(h.score, 3),
                "relevance": round(h.relevance, 3),
            }
            for h in hits
        ]
        print(json.dumps(rows, ensure_ascii=False, indent=2))
        return
    if not hits:
        print(f"No procedure matches {query!r}.")
        for topic in catalog.elsewhere(query):
            print(f"Handled elsewhere: {topic.where.en} — {topic.explain.en}")
        for hit in [] if catalog.elsewhere(query) else catalog.closest(query, 3):
            print(
                f"   closest, not a match: {hit.procedure.code or '—':<9} {hit.procedure.name.vi}"
            )
        return
    for rank, hit in enumerate(hits, 1):
        proc = hit.procedure
        code = proc.code or "—"
        print(f"{rank:>2}. {code:<9} {proc.level.value:<8} {_fee(proc, day):>12}  {proc.name.vi}")


if __name__ == "__main__":
    sys.exit(main())
