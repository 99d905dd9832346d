"""The CitizenRegistry contract (test fake, demo registry, HTTP adapter) and the demo data file.

The HTTP adapter runs against a local fake registry serving the demo people in the JSON shape
documented in bot.registry_http.
"""

from __future__ import annotations

import json
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

import pytest
import yaml

from bot.registry_http import HttpCitizenRegistry, RegistryUnavailable
from services.citizens import CitizenRegistry, Person
from services.identity import check_id_matches, normalise_mobile, parse_id_number
from services.places import Places
from storage.demo_registry import CITIZENS_FILE, DemoCitizenRegistry, DemoDataError, load_people
from tests.contract.fake_http_servers import FakeRegistryServer, closed_port_url, person_json
from tests.fakes import FakeRegistry

TOKEN = "registry-token-0123456789abcdef"
UNKNOWN_ID = "004195999999"  # well formed, nobody's
MALFORMED_IDS = [
    "",
    "12345",
    "00419511804",  # 11 digits
    "0041951180460",  # 13 digits
    "004 195 118 046",
    "004195118O46",  # a letter O
    "004195118046\n",
    "../v1/citizen",
]


@dataclass
class Backend:
    """A registry holding the demo people; `server` is the fake behind the HTTP adapter."""

    registry: CitizenRegistry
    server: FakeRegistryServer | None = None


@pytest.fixture(params=["fake", "demo", "http"])
async def backend(request: pytest.FixtureRequest, people: list[Person]) -> AsyncIterator[Backend]:
    if request.param == "fake":
        yield Backend(FakeRegistry(*people))
    elif request.param == "demo":
        yield Backend(DemoCitizenRegistry(people))
    else:
        server = FakeRegistryServer(people, TOKEN)
        await server.start()
        registry = HttpCitizenRegistry(server.url + server.prefix + "/", TOKEN)
        yield Backend(registry, server)
        await registry.close()
        await server.stop()


@pytest.fixture
async def http() -> AsyncIterator[Callable[..., Any]]:
    """Builds (server, adapter) pairs over the demo people and closes them at the end."""
    opened: list[tuple[FakeRegistryServer, HttpCitizenRegistry]] = []

    async def build(
        people: list[Person], token: str = TOKEN
    ) -> tuple[FakeRegistryServer, HttpCitizenRegistry]:
        server = FakeRegistryServer(people, TOKEN)
        await server.start()
        registry = HttpCitizenRegistry(server.url + server.prefix, token)
        opened.append((server, registry))
        return server, registry

    yield build
    for server, registry in opened:
        await registry.close()
        await server.stop()


# --- the contract --------------------------------------------------------------------------


async def test_a_known_id_returns_the_same_person(backend: Backend, people: list[Person]) -> None:
    assert any(p.address.is_two_level for p in people)
    assert any(p.address.legacy and not p.address.is_two_level for p in people)
    for person in people:
        assert await backend.registry.lookup(person.id_number) == person


async def test_an_unknown_id_returns_none(backend: Backend) -> None:
    assert await backend.registry.lookup(UNKNOWN_ID) is None
    if backend.server is not None:
        assert [i for i, _ in backend.server.requests] == [UNKNOWN_ID]


@pytest.mark.parametrize("id_number", MALFORMED_IDS)
async def test_a_malformed_id_returns_none_without_asking(backend: Backend, id_number: str) -> None:
    assert await backend.registry.lookup(id_number) is None
    if backend.server is not None:
        assert backend.server.requests == []


# --- the HTTP adapter ----------------------------------------------------------------------


async def test_the_adapter_sends_the_bearer_token_and_the_id_in_the_path(
    http: Callable[..., Any], people: list[Person]
) -> None:
    server, registry = await http(people)
    await registry.lookup(people[0].id_number)
    assert server.requests == [(people[0].id_number, f"Bearer {TOKEN}")]


@pytest.mark.parametrize("id_number", ["００４１９５１１８０４６", "٠٠٤١٩٥١١٨٠٤٦"])
async def test_non_ascii_digits_are_not_sent(
    http: Callable[..., Any], people: list[Person], id_number: str
) -> None:
    server, registry = await http(people)
    assert await registry.lookup(id_number) is None
    assert server.requests == []


async def test_a_wrong_token_is_refused_and_reported_as_unavailable(
    http: Callable[..., Any], people: list[Person]
) -> None:
    server, registry = await http(people, token="not-the-token")
    with pytest.raises(RegistryUnavailable, match="401"):
        await registry.lookup(people[0].id_number)
    assert len(server.requests) == 1


@pytest.mark.parametrize("status", [500, 503, 400, 302])
async def test_an_error_status_is_unavailable(
    http: Callable[..., Any], people: list[Person], status: int
) -> None:
    server, registry = await http(people)
    server.status = status
    with pytest.raises(RegistryUnavailable, match=str(status)):
        await registry.lookup(people[0].id_number)


def _without(field: str) -> Callable[[dict[str, Any]], Any]:
    return lambda body: {k: v for k, v in body.items() if k != field}


def _with(field: str, value: Any) -> Callable[[dict[str, Any]], Any]:
    return lambda body: {**body, field: value}


MALFORMED_BODIES = {
    **{f"no {f}": _without(f) for f in ("id_number", "full_name", "birth_date", "sex", "phone")},
    "birth date not ISO": _with("birth_date", "15/03/1995"),
    "unknown sex": _with("sex", "male"),
    "unknown address field": _with("address", {"district": "Hòa An"}),
}
BUGGY_BODIES = {
    "a JSON list": lambda body: [body],
    "JSON null": lambda body: None,
    "address not an object": _with("address", "Tổ 5, Cao Bằng"),
    "null full name": _with("full_name", None),
}


@pytest.mark.parametrize("spoil", MALFORMED_BODIES.values(), ids=MALFORMED_BODIES.keys())
async def test_a_malformed_body_is_unavailable(
    http: Callable[..., Any], people: list[Person], spoil: Callable[[dict[str, Any]], Any]
) -> None:
    server, registry = await http(people)
    server.raw_body = json.dumps(spoil(person_json(people[0])))
    with pytest.raises(RegistryUnavailable, match="malformed"):
        await registry.lookup(people[0].id_number)


async def test_a_body_that_is_not_json_is_unavailable(
    http: Callable[..., Any], people: list[Person]
) -> None:
    server, registry = await http(people)
    server.raw_body = "<html>gateway timeout</html>"
    with pytest.raises(RegistryUnavailable):
        await registry.lookup(people[0].id_number)


@pytest.mark.parametrize("spoil", BUGGY_BODIES.values(), ids=BUGGY_BODIES.keys())
async def test_a_badly_typed_body_is_unavailable(
    http: Callable[..., Any], people: list[Person], spoil: Callable[[dict[str, Any]], Any]
) -> None:
    server, registry = await http(people)
    server.raw_body = json.dumps(spoil(person_json(people[0])))
    with pytest.raises(RegistryUnavailable):
        await registry.lookup(people[0].id_number)


async def test_an_unreachable_registry_is_unavailable(people: list[Person]) -> None:
    registry = HttpCitizenRegistry(closed_port_url(), TOKEN)
    with pytest.raises(RegistryUnavailable):
        await registry.lookup(people[0].id_number)
    await registry.close()


# --- the demo data file --------------------------------------------------------------------


def test_the_demo_people_are_many_and_consistent(people: list[Person]) -> None:
    assert len(people) >= 20
    assert len({p.id_number for p in people}) == len(people)
    for person in people:
        check_id_matches(
            parse_id_number(person.id_number, date.today()), person.birth_date, person.sex
        )
        assert normalise_mobile(person.phone) == person.phone


def test_the_demo_addresses_are_in_cao_bang(people: list[Person], places: Places) -> None:
    cao_bang = places.province("04")
    assert cao_bang is not None
    two_level = [p.address for p in people if p.address.is_two_level]
    legacy = [p.address for p in people if not p.address.is_two_level]
    for address in two_level:
        ward = places.ward(address.ward_code)
        assert ward is not None and ward.province_code == "04" == address.province_code
        assert (address.ward, address.province) == (ward.name, cao_bang.name)
    assert len({a.ward_code for a in two_level}) >= 10
    assert len(legacy) >= 5
    assert all("Cao Bằng" in a.legacy for a in legacy)


def _spoil_sex(entry: dict[str, Any], places: Places) -> None:
    entry["sex"] = "nam" if entry["sex"] == "nu" else "nu"


def _spoil_birth_year(entry: dict[str, Any], places: Places) -> None:
    entry["birth_date"] = str(date.fromisoformat(entry["birth_date"]).replace(year=1950))


def _spoil_phone(entry: dict[str, Any], places: Places) -> None:
    entry["phone"] = "0123456789"


def _unknown_ward(entry: dict[str, Any], places: Places) -> None:
    entry["address"] = {"province_code": "04", "ward_code": "99999"}


def _ward_of_another_province(entry: dict[str, Any], places: Places) -> None:
    entry["address"] = {"province_code": "04", "ward_code": places.wards("01")[0].code}


@pytest.mark.parametrize(
    "spoil",
    [_spoil_sex, _spoil_birth_year, _spoil_phone, _unknown_ward, _ward_of_another_province],
)
def test_a_broken_demo_entry_is_refused_by_index(
    tmp_path: Path, places: Places, spoil: Callable[[dict[str, Any], Places], None]
) -> None:
    raw = yaml.safe_load(CITIZENS_FILE.read_text(encoding="utf-8"))
    spoil(raw["citizens"][3], places)
    path = tmp_path / "citizens.yaml"
    path.write_text(yaml.safe_dump(raw, allow_unicode=True), encoding="utf-8")
    with pytest.raises(DemoDataError, match=r"citizens\[3\]"):
        load_people(places, path)


def test_a_duplicate_demo_id_is_refused(tmp_path: Path, places: Places) -> None:
    raw = yaml.safe_load(CITIZENS_FILE.read_text(encoding="utf-8"))
    raw["citizens"].append(raw["citizens"][0])
    path = tmp_path / "citizens.yaml"
    path.write_text(yaml.safe_dump(raw, allow_unicode=True), encoding="utf-8")
    with pytest.raises(DemoDataError, match="duplicate"):
        load_people(places, path)
