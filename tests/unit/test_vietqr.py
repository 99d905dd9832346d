"""VietQR encoder and decoder: public vectors, two independent oracles, and property tests."""

from __future__ import annotations

import json
import string
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from vietnam_qr_pay import QRPay  # type: ignore[import-untyped]

from services.vietqr import (
    BANKS,
    VietQRError,
    bank_by_bin,
    crc16_ccitt_false,
    decode,
    encode,
)

VECTORS: list[dict[str, Any]] = json.loads(
    (Path(__file__).parent.parent / "data" / "vietqr_vectors.json").read_text(encoding="utf-8")
)
VALID = [v for v in VECTORS if v["valid"]]
INVALID = [v for v in VECTORS if not v["valid"]]
SYNTHETIC = (
    "00020101021238540010A00000072701240006970415011012345678900208QRIBFTTA"
    "53037045405150005802VN62220818LP H04 251125 00016304DA4F"
)


# --- a second oracle, written from the spec (FACTS §5) without looking at services.vietqr ---


def oracle_crc(text: str) -> str:
    """CRC-16/CCITT-FALSE, MSB-first, as 4 upper-case hex digits."""
    reg = 0xFFFF
    for byte in text.encode("utf-8"):
        for bit in range(7, -1, -1):
            top = (reg >> 15) ^ ((byte >> bit) & 1)
            reg = ((reg << 1) & 0xFFFF) ^ (0x1021 if top else 0)
    return f"{reg:04X}"


def oracle_tlv(text: str) -> dict[str, str]:
    """Split a run of tag(2) length(2) value TLVs; fail loudly on anything odd."""
    out: dict[str, str] = {}
    while text:
        tag, length = text[:2], int(text[2:4])
        value, text = text[4 : 4 + length], text[4 + length :]
        assert len(value) == length and tag not in out
        out[tag] = value
    return out


def oracle_read(payload: str) -> dict[str, Any]:
    """Check the CRC and pull bin/account/amount/purpose out of a payload."""
    assert payload.endswith(oracle_crc(payload[:-4]))
    root = oracle_tlv(payload)
    assert next(iter(root)) == "00" and list(root)[-1] == "63"
    account_info = oracle_tlv(root["38"])
    beneficiary = oracle_tlv(account_info["01"])
    return {
        "guid": account_info["00"],
        "bin": beneficiary["00"],
        "account": beneficiary["01"],
        "amount": int(root["54"]) if "54" in root else None,
        "purpose": oracle_tlv(root.get("62", "")).get("08"),
        "initiation": root["01"],
    }


# --- CRC and public vectors ---


def test_crc_check_value() -> None:
    assert crc16_ccitt_false(b"123456789") == 0x29B1
    assert oracle_crc("123456789") == "29B1"


def test_vectors_file_has_both_kinds() -> None:
    assert len(VALID) == 8 and len(INVALID) == 2


@pytest.mark.parametrize("vector", VALID, ids=lambda v: v["source"])
def test_valid_vectors_decode(vector: dict[str, Any]) -> None:
    result = decode(vector["payload"])
    assert result.ok and result.error is None and result.qr is not None
    assert result.qr.bin == vector["bin"]
    assert result.qr.account == vector["account"]
    assert result.qr.amount == vector.get("amount")
    assert result.qr.purpose == vector.get("purpose")
    assert result.tags["63"] == vector["payload"][-4:]


@pytest.mark.parametrize("vector", INVALID, ids=lambda v: v["source"])
def test_invalid_vectors_fail_on_checksum(vector: dict[str, Any]) -> None:
    result = decode(vector["payload"])
    assert not result.ok and result.qr is None
    assert result.error == "bad checksum"
    assert result.tags["00"] == "01"  # the TLV walk still reports what it read


def test_lower_case_crc_is_accepted() -> None:
    assert decode(SYNTHETIC[:-4] + SYNTHETIC[-4:].lower()).ok


def test_nonconforming_vectors_carry_warnings() -> None:
    by_source = {v["source"]: decode(v["payload"]) for v in VALID}
    go_parser = by_source["https://github.com/thanhtinhpas1/vietqr-parser"]
    assert set(go_parser.warnings) == {"tag 00 must be 01", "dynamic QR without amount"}
    assert by_source["Dart package vietqr_generator (README/docs)"].warnings == (
        "static QR with amount",
    )
    assert by_source["https://github.com/subiz/vietqr"].warnings == ()


def test_out_of_order_root_tags_are_accepted() -> None:
    result = decode(next(v["payload"] for v in VALID if "shinxz12" in v["source"]))
    assert result.ok and list(result.tags) == ["00", "01", "53", "58", "38", "62", "63"]


# --- encoder: known payloads byte for byte ---


@pytest.mark.parametrize(
    ("args", "kwargs", "payload"),
    [
        (("970415", "1234567890", 15000, "LP H04 251125 0001"), {}, SYNTHETIC),
        (("970415", "0011001932418", 120000, "ủng hộ lũ lụt"), {}, VALID[0]["payload"]),
        (("970416", "257678859", 1000, "Chuyen tien"), {}, VALID[3]["payload"]),
        (("970416", "257678859"), {}, VALID[4]["payload"]),
        (
            ("970416", "224528479", 10000, "TRANSFER TO SOMEONE"),
            {"bill_number": "NPS6869"},
            VALID[1]["payload"],
        ),
    ],
    ids=["synthetic-DA4F", "subiz-C15C", "vietnam-qr-pay-BBB8", "static-AE9F", "napas-qr-AC13"],
)
def test_encoder_reproduces_known_payloads(
    args: tuple[Any, ...], kwargs: dict[str, Any], payload: str
) -> None:
    assert encode(*args, **kwargs) == payload


def test_diacritics_are_folded() -> None:
    result = decode(encode("970415", "1234567890", 20000, "Lệ phí hộ tịch Đà Nẵng"))
    assert result.qr is not None and result.qr.purpose == "Le phi ho tich Da Nang"


def test_card_service() -> None:
    result = decode(encode("970436", "9704360000000000", service="QRIBFTTC"))
    assert result.ok and result.qr is not None and result.qr.service == "QRIBFTTC"


# --- encoder: rejections ---


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"bin": "9704150"}, "BIN"),
        ({"bin": "97041a"}, "BIN"),
        ({"account": ""}, "account"),
        ({"account": "1" * 20}, "account"),
        ({"account": "0011 0019"}, "account"),
        ({"account": "１２３"}, "account"),  # full-width digits are not ASCII
        ({"amount": 0}, "amount"),
        ({"amount": -5}, "amount"),
        ({"amount": True}, "amount"),
        ({"amount": 10**14}, "amount"),
        ({"amount": 10**13}, "amount"),
        ({"amount": 1000.0}, "amount"),
        ({"amount": "10.000"}, "amount"),
        ({"purpose": "A" * 26}, "purpose"),
        ({"purpose": "Lệ phí đăng ký hộ tịch năm"}, "purpose"),  # 26 once folded
        ({"purpose": "😀"}, "purpose"),
        ({"bill_number": "x" * 26}, "bill number"),
        ({"service": "QRPUSH"}, "service"),
    ],
)
def test_encoder_rejects(kwargs: dict[str, Any], message: str) -> None:
    args: dict[str, Any] = {"bin": "970415", "account": "1234567890", **kwargs}
    with pytest.raises(VietQRError, match=message):
        encode(**args)


def test_limits_are_inclusive() -> None:
    payload = encode("970415", "A" * 19, 10**13 - 1, "B" * 25, bill_number="C" * 25)
    result = decode(payload)
    assert result.ok and result.qr is not None and result.qr.amount == 10**13 - 1


def test_error_is_a_value_error() -> None:
    assert issubclass(VietQRError, ValueError)


# --- round trip, checked by us and by both oracles ---

bins = st.sampled_from([bank.bin for bank in BANKS])
accounts = st.text(string.ascii_letters + string.digits, min_size=1, max_size=19)
amounts = st.none() | st.integers(min_value=1, max_value=10**13 - 1)
purposes = st.none() | st.text(
    string.ascii_letters + string.digits + " .-/", min_size=1, max_size=25
).map(lambda s: " ".join(s.split())).filter(bool)
bill_numbers = st.none() | st.text(string.printable[:-5], min_size=1, max_size=25)


@settings(max_examples=150)
@given(bin=bins, account=accounts, amount=amounts, purpose=purposes, bill=bill_numbers)
def test_round_trip(
    bin: str, account: str, amount: int | None, purpose: str | None, bill: str | None
) -> None:
    payload = encode(bin, account, amount, purpose, bill_number=bill)
    result = decode(payload)
    assert result.ok and result.warnings == () and result.qr is not None
    assert (result.qr.bin, result.qr.account) == (bin, account)
    assert (result.qr.amount, result.qr.purpose, result.qr.bill_number) == (amount, purpose, bill)
    assert result.qr.initiation == ("11" if amount is None else "12")

    spec = oracle_read(payload)
    assert spec == {
        "guid": "A000000727",
        "bin": bin,
        "account": account,
        "amount": amount,
        "purpose": purpose,
        "initiation": result.qr.initiation,
    }

    other = QRPay(payload)
    assert other.is_valid
    assert (other.consumer.bank_bin, other.consumer.bank_number) == (bin, account)
    assert other.amount == (None if amount is None else str(amount))
    assert other.additional_data.purpose == purpose
    assert other.additional_data.bill_number == bill


def test_unfolded_utf8_payload_from_other_encoders_decodes_with_warning() -> None:
    # vietnam-qr-pay keeps diacritics: lengths count characters, the CRC covers UTF-8 bytes.
    payload = QRPay.init_viet_qr("970415", "1234567890", "5000", "ủng hộ").build()
    result = decode(payload)
    assert result.ok and result.qr is not None and result.qr.purpose == "ủng hộ"
    assert result.warnings == ("non-ASCII characters",)


@settings(max_examples=50)
@given(purpose=st.text(max_size=40))
def test_any_purpose_either_encodes_to_ascii_or_is_rejected(purpose: str) -> None:
    try:
        payload = encode("970415", "1234567890", 1000, purpose)
    except VietQRError:
        return
    assert payload.isascii() and decode(payload).ok


# --- decoder never raises ---


@settings(max_examples=300)
@given(st.text(max_size=600) | st.text(alphabet="0123456789ABCDEF", max_size=200))
def test_decode_never_raises_on_text(text: str) -> None:
    result = decode(text)
    assert result.ok == (result.qr is not None) and (result.ok or result.error)


@pytest.mark.parametrize(
    "junk",
    [None, 42, b"000201", "", "0", "00", "0002", "000201", "x" * 10**6, "\ud800" * 10, "٠٠٠٢٠١"],
)
def test_decode_never_raises_on_junk(junk: Any) -> None:
    result = decode(junk)
    assert not result.ok and result.error and result.qr is None


@pytest.mark.parametrize(
    ("payload", "error"),
    [
        (SYNTHETIC[:-20], "truncated"),
        (SYNTHETIC.replace("5405", "54x5"), f"bad length at {SYNTHETIC.index('5405')}"),
        ("x" + SYNTHETIC, "bad tag at 0"),
        (SYNTHETIC[:-4] + "DA4E", "bad checksum"),
        (SYNTHETIC[:-4] + "+A4F", "bad tag 63"),
        (SYNTHETIC[6:], "missing tag 00"),
        ("52040000" + SYNTHETIC, "tag 00 must be first"),
        ("5303704" + SYNTHETIC, "duplicate tag 53"),
        (SYNTHETIC + "52040000", "tag 63 must be last"),
        (SYNTHETIC[:-8], "missing tag 63"),
    ],
)
def test_decode_reasons(payload: str, error: str) -> None:
    assert decode(payload).error == error


def resealed(body: str) -> str:
    """Append a correct CRC, so a test reaches the checks behind it."""
    return body + "6304" + oracle_crc(body + "6304")


@pytest.mark.parametrize(
    ("body", "error"),
    [
        ("000201010211" + "5303704", "missing tag 38"),
        ("000201010211" + "38140010A000000728", "not a VietQR (tag 38)"),
        ("000201010211" + "38220010A0000007270204QRIB", "missing tag 38/01"),
        (SYNTHETIC[: SYNTHETIC.index("5405")] + "54010", "bad amount"),
        (SYNTHETIC[: SYNTHETIC.index("5405")] + "5402-1", "bad amount"),
        (SYNTHETIC[: SYNTHETIC.index("6222")] + "6201x", "bad tag 62"),
    ],
)
def test_decode_content_errors(body: str, error: str) -> None:
    assert decode(resealed(body)).error == error


@settings(max_examples=400)
@given(
    kind=st.sampled_from(["flip", "delete", "insert"]),
    index=st.integers(min_value=0, max_value=len(SYNTHETIC) - 1),
    char=st.characters(codec="ascii"),
)
def test_mutated_payload_never_passes(kind: str, index: int, char: str) -> None:
    # One ASCII change in the body is a burst of at most 8 bits, which CRC-16 always detects;
    # a deletion or insertion also shifts the TLV lengths.
    if kind == "flip":
        text = SYNTHETIC[:index] + char + SYNTHETIC[index + 1 :]
    elif kind == "delete":
        text = SYNTHETIC[:index] + SYNTHETIC[index + 1 :]
    else:
        text = SYNTHETIC[:index] + char + SYNTHETIC[index:]
    unchanged = text[:-4] == SYNTHETIC[:-4] and text[-4:].upper() == SYNTHETIC[-4:]
    assert decode(text).ok == unchanged


@settings(max_examples=100)
@given(index=st.integers(0, len(SYNTHETIC) - 1), char=st.characters())
def test_unicode_flip_never_raises(index: int, char: str) -> None:
    decode(SYNTHETIC[:index] + char + SYNTHETIC[index + 1 :])


# --- bank table ---


def test_bank_table() -> None:
    bins_seen = [bank.bin for bank in BANKS]
    assert len(bins_seen) == len(set(bins_seen)) == 50
    assert all(len(b) == 6 and b.isdigit() for b in bins_seen)
    assert len({bank.short_name for bank in BANKS}) == len(BANKS)
    for vector in VECTORS:
        assert bank_by_bin(vector["bin"]) is not None
    vietin = bank_by_bin("970415")
    assert vietin is not None and vietin.short_name == "VietinBank"
    assert bank_by_bin("000000") is None
