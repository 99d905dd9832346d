"""The officers' REST API (/api/v1) on the real app and database, SQLite and PostgreSQL: keys
scoped to agencies, the national status flow, result files, and its OpenAPI schema."""

from __future__ import annotations

import asyncio
import logging
import re
import shutil
from collections.abc import AsyncIterator
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest

from bot.bootstrap import Application
from bot.web import officer_lookup
from services.calendar import add_working_days, reception_day
from services.documents import DocumentSource
from services.dossier_codes import DossierStatus
from services.dossiers import Dossier
from services.files import MAX_FILE_BYTES
from services.ledger import PaymentMethod
from services.payment_matching import apply_transfer
from services.payments import BankTransfer
from services.status_changes import supplement_received
from tests.contract.conftest import run_blocking
from tests.contract.officer_dossiers import (
    CITIZEN,
    COMMITTEE,
    KEY_COMMITTEE,
    KEY_POLICE,
    KEY_PROVINCE,
    NOW,
    OWNER,
    PDF,
    POLICE,
    add_dossier,
    api_client,
    attachment,
    headers,
    logged_statuses,
    officer_app,
    prepare,
    stored,
)

POLICE_ACTOR = re.compile(r"officer:ca-01273:[0-9a-f]{8}")


@pytest.fixture(scope="session")
def officer_sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("officer-sqlite")
    path = folder / "template.sqlite3"
    run_blocking(prepare(f"sqlite+aiosqlite:///{path}", folder))
    return path


@pytest.fixture(scope="session")
def officer_postgres_url(postgres_url: str, tmp_path_factory: pytest.TempPathFactory) -> str:
    run_blocking(prepare(postgres_url, tmp_path_factory.mktemp("officer-pg")))
    return postgres_url


@pytest.fixture(params=["sqlite", "postgres"])
async def app(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[Application]:
    if request.param == "sqlite":
        template: Path = request.getfixturevalue("officer_sqlite_template")
        path = tmp_path / "db.sqlite3"
        shutil.copyfile(template, path)
        url = f"sqlite+aiosqlite:///{path}"
    else:
        url = request.getfixturevalue("officer_postgres_url")
    application = await officer_app(url, tmp_path, postgres=request.param == "postgres")
    yield application
    await application.close()


@pytest.fixture
async def api(app: Application) -> AsyncIterator[httpx.AsyncClient]:
    async with api_client(app) as client:
        yield client


async def listed(api: httpx.AsyncClient, key: str, **query: Any) -> list[str]:
    response = await api.get("/api/v1/dossiers", params=query, headers=headers(key))
    assert response.status_code == 200, response.text
    return [item["code"] for item in response.json()["items"]]


async def post_status(
    api: httpx.AsyncClient, code: str, status: int, key: str = KEY_POLICE, note: str = ""
) -> httpx.Response:
    return await api.post(
        f"/api/v1/dossiers/{code}/status",
        json={"status": status, "note": note},
        headers=headers(key),
    )


async def post_result(
    api: httpx.AsyncClient,
    code: str,
    content: bytes,
    name: str = "ket-qua.pdf",
    key: str = KEY_POLICE,
) -> httpx.Response:
    files = {"file": (name, content, "application/pdf")}
    return await api.post(
        f"/api/v1/dossiers/{code}/result",
        files=files,
        data={"note": "Kết quả"},
        headers=headers(key),
    )


async def test_the_list_shows_the_keys_agency_oldest_due_first_filtered_and_paged(
    app: Application, api: httpx.AsyncClient
) -> None:
    soon = await add_dossier(
        app, sequence=1, status=DossierStatus.PROCESSING, due_in_days=2, overdue=True
    )
    later = await add_dossier(app, sequence=2, due_in_days=5)
    other = await add_dossier(
        app,
        sequence=3,
        procedure_id="gia_han_tam_tru",
        status=DossierStatus.PROCESSING,
        due_in_days=9,
    )
    await add_dossier(app, sequence=4, status=None)  # awaiting its fee: not an officer's yet
    committee = await add_dossier(app, COMMITTEE, sequence=1, procedure_id="khai_sinh")

    assert await listed(api, KEY_POLICE) == [soon.code, later.code, other.code]
    assert await listed(api, KEY_POLICE, status=4) == [soon.code, other.code]
    assert await listed(api, KEY_POLICE, overdue="true") == [soon.code]
    assert await listed(api, KEY_POLICE, overdue="false") == [later.code, other.code]
    assert await listed(api, KEY_POLICE, procedure="gia_han_tam_tru") == [other.code]
    assert await listed(api, KEY_POLICE, procedure="dang_ky_tam_tru", offset=1) == [later.code]
    assert await listed(api, KEY_COMMITTEE) == [committee.code]
    assert len(await listed(api, KEY_PROVINCE)) == 4
    assert await listed(api, KEY_PROVINCE, agency=COMMITTEE) == [committee.code]

    first = await api.get("/api/v1/dossiers?limit=2", headers=headers(KEY_POLICE))
    assert [i["code"] for i in first.json()["items"]] == [soon.code, later.code]
    assert first.json()["next_offset"] == 2
    last = await api.get("/api/v1/dossiers?limit=2&offset=2", headers=headers(KEY_POLICE))
    assert [i["code"] for i in last.json()["items"]] == [other.code]
    assert last.json()["next_offset"] is None
    item = first.json()["items"][0]
    assert item["status"] == 4 and item["status_label"]["vi"] == "Đang xử lý"
    assert item["overdue"] is True and item["agency_id"] == POLICE

    wrong_agency = await api.get(
        f"/api/v1/dossiers?agency={COMMITTEE}", headers=headers(KEY_POLICE)
    )
    assert wrong_agency.status_code == 403
    for query in ("limit=201", "limit=0", "offset=-1", "status=11", "procedure=khong_co"):
        response = await api.get(f"/api/v1/dossiers?{query}", headers=headers(KEY_POLICE))
        assert response.status_code == 422, query


async def test_the_procedure_filter_pages_across_many_dossiers(
    app: Application, api: httpx.AsyncClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(officer_lookup, "SCAN_BATCH", 2)  # several batches with few dossiers
    codes = []
    for number in range(1, 8):
        procedure = "gia_han_tam_tru" if number % 2 else "dang_ky_tam_tru"
        dossier = await add_dossier(
            app, sequence=number, procedure_id=procedure, due_in_days=number
        )
        codes.append((procedure, dossier.code))
    wanted = [code for procedure, code in codes if procedure == "gia_han_tam_tru"]
    pages = []
    for offset in (0, 2, 4):
        response = await api.get(
            f"/api/v1/dossiers?procedure=gia_han_tam_tru&limit=2&offset={offset}",
            headers=headers(KEY_POLICE),
        )
        pages.append(response.json())
    assert [[i["code"] for i in page["items"]] for page in pages] == [wanted[0:2], wanted[2:4], []]
    assert [page["next_offset"] for page in pages] == [2, None, None]


async def test_two_officers_changing_one_dossier_at_once_make_one_change(
    app: Application, api: httpx.AsyncClient
) -> None:
    dossier = await add_dossier(app)
    responses = await asyncio.gather(
        post_status(api, dossier.code, 2), post_status(api, dossier.code, 2, key=KEY_PROVINCE)
    )
    assert sorted(r.status_code for r in responses) == [200, 409]
    assert [status for status, _ in await logged_statuses(app, dossier.id)] == [2]
    assert [h.status for h in (await stored(app, dossier.id)).history] == [1, 2]


async def test_the_full_path_to_a_delivered_result_records_every_actor(
    app: Application, api: httpx.AsyncClient
) -> None:
    form = await attachment(app, "to_khai_ct01", b"%PDF-1.4 to khai", "to-khai-ct01.pdf")
    dossier = await add_dossier(app, attachments=(form,))
    code = dossier.code

    received = await post_status(api, code, 2, note="Đã tiếp nhận")
    assert received.status_code == 200, received.text
    expected_due = add_working_days(reception_day(NOW.date()), 3)  # dang_ky_tam_tru: 3 days
    assert received.json()["due_date"] == expected_due.isoformat()
    assert (await post_status(api, code, 4)).json()["status"] == 4

    asked = await api.post(
        f"/api/v1/dossiers/{code}/supplement",
        json={"components": ["to_khai_ct01", "Giấy xác nhận của trưởng thôn"], "note": "Ký lại"},
        headers=headers(KEY_POLICE),
    )
    assert asked.status_code == 200, asked.text
    supplement = asked.json()["supplement"]
    assert asked.json()["status"] == 5 and supplement["note"] == "Ký lại"
    assert supplement["components"][0]["id"] == "to_khai_ct01"
    assert supplement["components"][1] == {"id": None, "name": "Giấy xác nhận của trưởng thôn"}

    again = await attachment(app, "to_khai_ct01", b"%PDF-1.4 to khai ky lai", "to-khai-2.pdf")
    async with app.uow_factory() as uow:  # the citizen answers in the chat
        waiting = await uow.dossiers.by_code(code)
        assert waiting is not None
        await supplement_received(uow.dossiers, waiting, [again], app.clock.now(), 3)
        await uow.commit()

    resolved = await post_result(api, code, PDF)
    assert resolved.status_code == 200, resolved.text
    body = resolved.json()
    assert body["status"] == 9 and body["supplement"] is None
    (result,) = body["results"]
    assert result["component"] == "ket_qua" and result["kind"] == "pdf"
    assert result["size"] == len(PDF) and result["name"] == "ket-qua.pdf"
    download = await api.get(result["download_url"], headers=headers(KEY_POLICE))
    assert download.status_code == 200 and download.content == PDF
    assert download.headers["content-type"] == "application/pdf"
    assert (await post_status(api, code, 10, note="Đã trả")).status_code == 200

    shown = (await api.get(f"/api/v1/dossiers/{code}", headers=headers(KEY_POLICE))).json()
    assert [h["status"] for h in shown["history"]] == [1, 2, 4, 5, 4, 9, 10]
    actors = [h["actor"] for h in shown["history"]]
    assert actors[0] == actors[4] == "citizen"
    assert all(POLICE_ACTOR.fullmatch(a) for a in (*actors[1:4], *actors[5:]))
    assert len(set(actors[1:4]) | set(actors[5:])) == 1
    assert shown["allowed_next"] == [] and len(shown["attachments"]) == 2
    log = await logged_statuses(app, dossier.id)
    assert [status for status, _ in log] == [2, 4, 5, 4, 9, 10]
    assert log[3][1] == "citizen" and POLICE_ACTOR.fullmatch(log[4][1])

    async with app.uow_factory() as uow:  # the result is in the citizen's "Kho dữ liệu"
        documents = await uow.documents.list_for(OWNER, CITIZEN)
    (kept,) = [d for d in documents if d.source is DocumentSource.RESULT]
    assert kept.component == "ket_qua" and kept.label == "Kết quả giải quyết"
    assert kept.citizen_id == CITIZEN and app.files.get(kept.ref) == PDF


async def test_a_second_result_file_on_a_resolved_dossier_is_kept_in_the_history(
    app: Application, api: httpx.AsyncClient
) -> None:
    dossier = await add_dossier(app, status=DossierStatus.PROCESSING)
    assert (await post_result(api, dossier.code, PDF)).json()["status"] == 9
    png = b"\x89PNG\r\n\x1a\n" + b"0" * 100
    second = await post_result(api, dossier.code, png, name="ket-qua-trang-2.png")
    assert second.status_code == 200, second.text
    body = second.json()
    assert body["status"] == 9 and [r["kind"] for r in body["results"]] == ["pdf", "png"]
    assert [h["status"] for h in body["history"]] == [1, 4, 9, 9]
    assert POLICE_ACTOR.fullmatch(body["history"][-1]["actor"])
    assert [status for status, _ in await logged_statuses(app, dossier.id)] == [9]


async def test_a_forbidden_transition_is_a_409_with_the_reason_and_changes_nothing(
    app: Application, api: httpx.AsyncClient
) -> None:
    dossier = await add_dossier(app)
    refused = await post_status(api, dossier.code, 9)
    assert refused.status_code == 409
    detail = refused.json()["detail"]
    assert detail["error"] == "transition_refused" and detail["reason"] == "not_allowed"
    assert detail["current_status"] == 1 and detail["requested_status"] == 9
    assert detail["allowed"] == [2, 3, 7]
    assert detail["message"]["vi"] and detail["message"]["en"]
    unchanged = await post_status(api, dossier.code, 1)
    assert unchanged.json()["detail"]["reason"] == "unchanged"
    supplement = await api.post(
        f"/api/v1/dossiers/{dossier.code}/supplement",
        json={"components": ["to_khai_ct01"]},
        headers=headers(KEY_POLICE),
    )
    assert supplement.status_code == 409
    too_early = await post_result(api, dossier.code, PDF)
    assert too_early.status_code == 409
    assert too_early.json()["detail"]["error"] == "result_not_allowed"
    asked_by_status = await post_status(api, dossier.code, 5)
    assert asked_by_status.status_code == 422
    assert asked_by_status.json()["detail"]["error"] == "use_supplement"

    assert await stored(app, dossier.id) == dossier
    assert await logged_statuses(app, dossier.id) == []
    async with app.uow_factory() as uow:
        assert await uow.documents.list_for(OWNER, CITIZEN) == []

    closed = await add_dossier(app, sequence=2, status=DossierStatus.RETURNED)
    terminal = (await post_status(api, closed.code, 4)).json()["detail"]
    assert terminal["reason"] == "terminal" and terminal["allowed"] == []


async def test_keys_missing_or_unknown_are_401_and_another_agencys_key_is_403(
    app: Application, api: httpx.AsyncClient, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    form = await attachment(app, "to_khai_ct01", b"%PDF-1.4 to khai", "to-khai.pdf")
    dossier = await add_dossier(app, status=DossierStatus.PROCESSING, attachments=(form,))
    base = f"/api/v1/dossiers/{dossier.code}"
    for key in (None, "", "not-a-configured-key-0123456789", KEY_POLICE + "x", KEY_POLICE[:-1]):
        response = await api.get(base, headers=headers(key) if key is not None else {})
        assert response.status_code == 401, key
        message = response.json()["detail"]["message"]
        assert "khóa API" in message["vi"] and "API key" in message["en"]
    assert (await api.get("/api/v1/dossiers")).status_code == 401

    attempts = [
        lambda: api.get(base, headers=headers(KEY_COMMITTEE)),
        lambda: api.get(f"{base}/files/{form.document_id}", headers=headers(KEY_COMMITTEE)),
        lambda: post_status(api, dossier.code, 9, key=KEY_COMMITTEE),
        lambda: api.post(
            f"{base}/supplement",
            json={"components": ["to_khai_ct01"]},
            headers=headers(KEY_COMMITTEE),
        ),
        lambda: api.post(f"{base}/overdue", json={"overdue": True}, headers=headers(KEY_COMMITTEE)),
        lambda: post_result(api, dossier.code, PDF, key=KEY_COMMITTEE),
    ]
    for attempt in attempts:
        response = await attempt()
        assert response.status_code == 403
        assert response.json()["detail"]["error"] == "forbidden"
    assert await stored(app, dossier.id) == dossier
    assert await logged_statuses(app, dossier.id) == []

    by_province = await post_status(api, dossier.code, 9, key=KEY_PROVINCE)
    assert by_province.status_code == 200
    assert re.fullmatch(r"officer:\*:[0-9a-f]{8}", by_province.json()["history"][-1]["actor"])
    everything = caplog.text + by_province.text
    assert all(key not in everything for key in (KEY_POLICE, KEY_COMMITTEE, KEY_PROVINCE))


async def test_a_dossier_awaiting_its_fee_is_a_409(
    app: Application, api: httpx.AsyncClient
) -> None:
    dossier = await add_dossier(app, status=None)
    base = f"/api/v1/dossiers/{dossier.code}"
    shown = await api.get(base, headers=headers(KEY_POLICE))
    assert shown.status_code == 200 and shown.json()["phase"] == "awaiting_payment"
    responses = [
        await post_status(api, dossier.code, 2),
        await api.post(f"{base}/overdue", json={"overdue": True}, headers=headers(KEY_POLICE)),
        await post_result(api, dossier.code, PDF),
    ]
    for response in responses:
        assert response.status_code == 409
        assert response.json()["detail"]["error"] == "awaiting_payment"
    assert await stored(app, dossier.id) == dossier


async def credit(app: Application, dossier: Dossier, amount: int, txid: str) -> str:
    """A bank notification for the dossier, applied as the webhook applies it."""
    assert dossier.payment is not None
    transfer = BankTransfer(
        provider="sepay", transaction_id=txid, amount=amount,
        description=f"CK {dossier.payment.reference}", account="1234567890",
        occurred_at=NOW, incoming=True,
    )  # fmt: skip
    async with app.uow_factory() as uow:
        outcome, _ = await apply_transfer(
            uow.dossiers, uow.payments, transfer, {"id": txid}, NOW, {}, "1234567890"
        )
        await uow.commit()
    return outcome.value


async def test_officers_see_payments_what_is_due_and_refunds(
    app: Application, api: httpx.AsyncClient
) -> None:
    dossier = await add_dossier(app, status=None)
    account = {"tk_ngan_hang": "970436", "tk_so": "0071000123456", "tk_chu": "NONG THI HOA"}
    dossier = replace(dossier, refund=account)
    async with app.uow_factory() as uow:
        await uow.dossiers.update(dossier)
        await uow.commit()
    base = f"/api/v1/dossiers/{dossier.code}"
    assert await credit(app, dossier, 10000, "s-1") == "partial"
    shown = (await api.get(base, headers=headers(KEY_POLICE))).json()
    assert (shown["amount_paid"], shown["amount_due"], shown["refund_due"]) == (10000, 5000, 0)
    assert shown["payment_method"] == "online" and shown["phase"] == "awaiting_payment"
    assert await credit(app, dossier, 8000, "s-2") == "overpaid"
    shown = (await api.get(base, headers=headers(KEY_POLICE))).json()
    assert (shown["amount_paid"], shown["amount_due"], shown["refund_due"]) == (15000, 0, 3000)
    assert [(p["transaction_id"], p["amount"], p["applied"]) for p in shown["payments"]] == [
        ("s-1", 10000, 10000),
        ("s-2", 8000, 5000),
    ]
    assert [(r["amount"], r["reason"]) for r in shown["refunds"]] == [(3000, "overpaid")]
    assert shown["refund_account"]["number"] == "0071000123456"
    listed = (await api.get("/api/v1/dossiers", headers=headers(KEY_POLICE))).json()["items"]
    (item,) = [i for i in listed if i["code"] == dossier.code]
    assert (item["amount_paid"], item["amount_due"], item["refund_due"]) == (15000, 0, 3000)


async def test_officers_see_a_fee_due_at_the_counter(
    app: Application, api: httpx.AsyncClient
) -> None:
    dossier = await add_dossier(app)
    counter = replace(dossier, payment_method=PaymentMethod.COUNTER)
    async with app.uow_factory() as uow:
        await uow.dossiers.update(counter)
        await uow.commit()
    shown = (await api.get(f"/api/v1/dossiers/{dossier.code}", headers=headers(KEY_POLICE))).json()
    assert (shown["status"], shown["payment_method"]) == (1, "counter")
    assert (shown["amount_paid"], shown["amount_due"], shown["payments"]) == (0, 15000, [])


@pytest.mark.parametrize(
    ("name", "content", "status"),
    [
        ("ket-qua.pdf", b"MZ\x90\x00 a renamed program", 415),
        ("ket-qua.pdf", b"PK\x03\x04 a zip archive", 415),
        ("ket-qua.pdf", b"just some text", 415),
        ("ket-qua.pdf", b"%PDF-1.7\n<html><script>document.cookie</script>", 415),  # a page
        ("ket-qua.pdf", b"\x89PNG\r\n\x1a\n" + bytes(100), 415),  # a PNG named .pdf
        ("ket-qua.pdf", b"%PDF-" + b"0" * MAX_FILE_BYTES, 413),
        ("ket-qua.pdf", b"%PDF-" + b"0" * (MAX_FILE_BYTES + 100_000), 413),
        ("ket-qua.pdf", b"", 422),
    ],
)
async def test_a_result_file_of_the_wrong_type_or_size_is_refused_and_nothing_kept(
    app: Application, api: httpx.AsyncClient, name: str, content: bytes, status: int
) -> None:
    dossier = await add_dossier(app, status=DossierStatus.PROCESSING)
    response = await post_result(api, dossier.code, content, name)
    assert response.status_code == status, response.text
    assert await stored(app, dossier.id) == dossier
    async with app.uow_factory() as uow:
        assert await uow.documents.list_for(OWNER, CITIZEN) == []


async def test_a_result_request_without_a_file_is_422(
    app: Application, api: httpx.AsyncClient
) -> None:
    dossier = await add_dossier(app, status=DossierStatus.PROCESSING)
    response = await api.post(
        f"/api/v1/dossiers/{dossier.code}/result",
        data={"note": "quên tệp"},
        headers=headers(KEY_POLICE),
    )
    assert response.status_code == 422
    assert response.json()["detail"]["error"] == "no_file"


async def test_unknown_codes_and_files_are_404(app: Application, api: httpx.AsyncClient) -> None:
    dossier = await add_dossier(app)
    other = await add_dossier(
        app, sequence=2, attachments=(await attachment(app, "x", b"%PDF-1.4 x", "x.pdf"),)
    )
    missing = dossier.code[:-4] + "0099"
    for path in (missing, "abc", "000.99.51.H04-261125-0001", "H04.299-261125-0001"):
        response = await api.get(f"/api/v1/dossiers/{path}", headers=headers(KEY_PROVINCE))
        assert response.status_code == 404, path
        assert response.json()["detail"]["error"] == "not_found"
    assert (await post_status(api, missing, 2)).status_code == 404
    not_its_file = f"/api/v1/dossiers/{dossier.code}/files/{other.attachments[0].document_id}"
    response = await api.get(not_its_file, headers=headers(KEY_POLICE))
    assert response.status_code == 404 and response.json()["detail"]["error"] == "file_not_found"


async def test_codes_are_found_as_citizens_type_them(
    app: Application, api: httpx.AsyncClient
) -> None:
    dossier = await add_dossier(app)  # 000.01.51.H04-261125-0001, short form H04.201
    agency = app.catalog.agencies.get(POLICE)
    assert agency is not None and dossier.code.startswith(agency.code)
    day_and_number = dossier.code[len(agency.code) + 1 :]
    typed = [
        dossier.code.lower(),
        dossier.code.replace("-", " "),
        f"  {agency.code.lower()} - {day_and_number.replace('-', ' - ')} ",
        f"{agency.short_code}-{day_and_number}".lower(),
    ]
    for text in typed:
        response = await api.get(f"/api/v1/dossiers/{text}", headers=headers(KEY_POLICE))
        assert response.status_code == 200, text
        assert response.json()["code"] == dossier.code
    short = f"{agency.short_code.lower()} {day_and_number.replace('-', ' ')}"
    assert (await post_status(api, short, 2)).json()["status"] == 2


async def test_the_overdue_flag_is_set_and_cleared_in_the_history(
    app: Application, api: httpx.AsyncClient
) -> None:
    dossier = await add_dossier(app, status=DossierStatus.PROCESSING)
    url = f"/api/v1/dossiers/{dossier.code}/overdue"
    flagged = await api.post(
        url, json={"overdue": True, "note": "Quá hạn 2 ngày"}, headers=headers(KEY_POLICE)
    )
    assert flagged.status_code == 200 and flagged.json()["overdue"] is True
    entry = flagged.json()["history"][-1]
    assert entry["status"] == 4 and entry["note"] == "Quá hạn 2 ngày"
    assert POLICE_ACTOR.fullmatch(entry["actor"])
    assert await listed(api, KEY_POLICE, overdue="true") == [dossier.code]
    cleared = await api.post(url, json={"overdue": False}, headers=headers(KEY_POLICE))
    assert cleared.json()["overdue"] is False and len(cleared.json()["history"]) == 4
    for body in (
        {"overdue": "yes"},
        {},
        {"overdue": True, "extra": 1},
        {"overdue": True, "note": "x" * 1001},
    ):
        assert (await api.post(url, json=body, headers=headers(KEY_POLICE))).status_code == 422


async def test_supplement_requests_need_components_of_the_procedure_or_names(
    app: Application, api: httpx.AsyncClient
) -> None:
    dossier = await add_dossier(app, status=DossierStatus.PROCESSING)
    url = f"/api/v1/dossiers/{dossier.code}/supplement"
    for body in ({"components": []}, {"components": ["  "]}, {"note": "x"}, {"components": "a"}):
        response = await api.post(url, json=body, headers=headers(KEY_POLICE))
        assert response.status_code == 422, body
    typo = await api.post(url, json={"components": ["to_khai_ct0l"]}, headers=headers(KEY_POLICE))
    assert typo.status_code == 422
    assert typo.json()["detail"]["error"] == "unknown_component"
    assert "to_khai_ct01" in typo.json()["detail"]["components"]
    assert await stored(app, dossier.id) == dossier

    procedure = app.catalog.procedure("dang_ky_tam_tru")
    assert procedure is not None
    name = procedure.documents[1].name.vi
    asked = await api.post(
        url,
        json={"components": [name.upper(), procedure.documents[1].key]},
        headers=headers(KEY_POLICE),
    )
    assert asked.status_code == 200
    assert asked.json()["supplement"]["components"] == [
        {"id": procedure.documents[1].key, "name": name}
    ]
    assert (await stored(app, dossier.id)).supplement == (procedure.documents[1].key,)


async def test_the_openapi_schema_lists_the_officer_routes_and_docs_are_served(
    api: httpx.AsyncClient,
) -> None:
    schema = (await api.get("/openapi.json")).json()
    paths = schema["paths"]
    assert all(path.startswith("/api/v1/") for path in paths)
    assert set(paths["/api/v1/dossiers"]) == {"get"}
    assert set(paths["/api/v1/dossiers/{code}"]) == {"get"}
    assert set(paths["/api/v1/dossiers/{code}/files/{document_id}"]) == {"get"}
    for action in ("status", "supplement", "result", "overdue"):
        assert set(paths[f"/api/v1/dossiers/{{code}}/{action}"]) == {"post"}
    result = paths["/api/v1/dossiers/{code}/result"]["post"]
    assert "multipart/form-data" in result["requestBody"]["content"]
    assert {"409", "413", "415"} <= set(result["responses"])
    assert schema["components"]["securitySchemes"]["OfficerApiKey"]["name"] == "X-API-Key"
    assert {"DossierDetail", "DossierPage", "ErrorResponse"} <= set(schema["components"]["schemas"])
    docs = await api.get("/docs")
    assert docs.status_code == 200 and "swagger-ui" in docs.text.lower()


async def test_moments_are_given_in_vietnam_time(app: Application, api: httpx.AsyncClient) -> None:
    dossier = await add_dossier(app)
    late = datetime(2026, 11, 25, 17, 30, tzinfo=UTC)  # 00:30 on 26/11 in Vietnam
    async with app.uow_factory() as uow:
        await uow.dossiers.update(replace(dossier, submitted_at=late))
        await uow.commit()
    response = await api.get(f"/api/v1/dossiers/{dossier.code}", headers=headers(KEY_POLICE))
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["submitted_at"].startswith("2026-11-26T00:30:00")  # the citizen's day
    submitted_at = datetime.fromisoformat(body["submitted_at"])
    assert submitted_at == late and submitted_at.utcoffset() == timedelta(hours=7)
    created_at = datetime.fromisoformat(body["created_at"])
    assert created_at == NOW and created_at.utcoffset() == timedelta(hours=7)
    assert all(entry["at"].endswith("+07:00") for entry in body["history"])


async def test_ratings_are_reported_per_agency_to_that_agencys_officers(
    app: Application, api: httpx.AsyncClient
) -> None:
    from services.dossier_course import comment, rate
    from services.ratings import RatingLevel

    first = await add_dossier(app, sequence=1, status=DossierStatus.RESOLVED)
    second = await add_dossier(app, sequence=2, status=DossierStatus.RESOLVED)
    refused = await add_dossier(app, COMMITTEE, 1, "khai_sinh", DossierStatus.REFUSED)
    rated = [
        (first, RatingLevel.SATISFIED),
        (second, RatingLevel.VERY_SATISFIED),
        (refused, RatingLevel.NOT_SATISFIED),
    ]
    for dossier, level in rated:
        async with app.uow_factory() as uow:
            await rate(uow, dossier, level, NOW)
            if level is RatingLevel.NOT_SATISFIED:
                await comment(uow, dossier, "Cần hướng dẫn rõ hơn", NOW)
            await uow.commit()
    police = await api.get("/api/v1/ratings", headers=headers(KEY_POLICE))
    assert police.status_code == 200, police.text
    (agency,) = police.json()["agencies"]
    assert (agency["agency_id"], agency["total"], agency["average"], agency["comments"]) == (
        POLICE, 2, 3.5, 0,
    )  # fmt: skip
    assert [(x["level"], x["count"]) for x in agency["levels"]] == [(4, 1), (3, 1), (2, 0), (1, 0)]
    assert agency["levels"][0]["label"] == {"vi": "Rất hài lòng", "en": "Very satisfied"}
    everyone = (await api.get("/api/v1/ratings", headers=headers(KEY_PROVINCE))).json()
    assert [(a["agency_id"], a["total"], a["comments"]) for a in everyone["agencies"]] == sorted(
        [(POLICE, 2, 0), (COMMITTEE, 1, 1)]
    )
    other = await api.get(f"/api/v1/ratings?agency={COMMITTEE}", headers=headers(KEY_POLICE))
    assert other.status_code == 403
    assert (await api.get("/api/v1/ratings")).status_code == 401
