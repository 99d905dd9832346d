"""VietQR: the NAPAS profile of EMVCo merchant-presented QR, for bank transfers in VND."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from typing import Literal

Service = Literal["QRIBFTTA", "QRIBFTTC"]

NAPAS_GUID = "A000000727"
SERVICES: tuple[str, ...] = ("QRIBFTTA", "QRIBFTTC")
MAX_PURPOSE = 25  # EMVCo 62/08 "purpose of transaction"
MAX_PAYLOAD = 512  # EMVCo's ceiling for a whole payload; also bounds work on hostile input

_BIN = re.compile(r"[0-9]{6}")
_ACCOUNT = re.compile(r"[0-9A-Za-z]{1,19}")
_AMOUNT = re.compile(r"[0-9]{1,13}")
_BILL = re.compile(r"[ -~]{1,25}")
_HEX4 = re.compile(r"[0-9A-Fa-f]{4}")
_DIGITS2 = re.compile(r"[0-9]{2}")


class VietQRError(ValueError):
    """An input that cannot be encoded into a valid VietQR payload."""


@dataclass(frozen=True, slots=True)
class Bank:
    """A bank reachable through NAPAS, identified by its acquirer BIN."""

    short_name: str
    name: str
    bin: str


@dataclass(frozen=True, slots=True)
class VietQR:
    """The content of a VietQR transfer code."""

    bin: str
    account: str
    amount: int | None = None
    purpose: str | None = None
    bill_number: str | None = None
    service: str = "QRIBFTTA"
    initiation: str = "11"
    currency: str = "704"
    country: str = "VN"


@dataclass(frozen=True, slots=True)
class DecodeResult:
    """What `decode` made of a payload: `qr` is set iff `ok`."""

    ok: bool
    error: str | None = None
    qr: VietQR | None = None
    tags: dict[str, str] = field(default_factory=dict)
    warnings: tuple[str, ...] = ()


def crc16_ccitt_false(data: bytes) -> int:
    """CRC-16/CCITT-FALSE: poly 0x1021, init 0xFFFF, no reflection, no final XOR."""
    crc = 0xFFFF
    for byte in data:
        crc ^= byte << 8
        for _ in range(8):
            crc = ((crc << 1) ^ 0x1021) if crc & 0x8000 else (crc << 1)
        crc &= 0xFFFF
    return crc


def _fold(text: str) -> str:
    """Strip Vietnamese diacritics and keep printable ASCII, so characters equal bytes."""
    text = " ".join(text.split()).replace("đ", "d").replace("Đ", "D")
    plain = "".join(c for c in unicodedata.normalize("NFD", text) if not unicodedata.combining(c))
    return "".join(c for c in plain if " " <= c <= "~").strip()


def _matches(pattern: re.Pattern[str], value: object) -> bool:
    return isinstance(value, str) and pattern.fullmatch(value) is not None


def _tlv(tag: str, value: str) -> str:
    if not 1 <= len(value) <= 99:
        raise VietQRError(f"tag {tag}: value length {len(value)} is outside 1..99")
    return f"{tag}{len(value):02d}{value}"


def encode(
    bin: str,
    account: str,
    amount: int | None = None,
    purpose: str | None = None,
    *,
    bill_number: str | None = None,
    service: Service = "QRIBFTTA",
) -> str:
    """Build a VietQR payload; dynamic (01=12) iff an amount is given."""
    if not _matches(_BIN, bin):
        raise VietQRError(f"bank BIN must be 6 digits, got {bin!r}")
    if not _matches(_ACCOUNT, account):
        raise VietQRError("account must be 1 to 19 letters or digits")
    if amount is not None:
        # type() rather than isinstance(): bool is an int subclass and True must not mean 1 đ.
        if type(amount) is not int:
            raise VietQRError(f"amount must be a whole number of VND, got {amount!r}")
        if not 0 < amount < 10**13:  # EMVCo caps tag 54 at 13 characters
            raise VietQRError(f"amount must be between 1 and 13 digits of VND, got {amount}")
    if purpose is not None:
        folded = _fold(purpose) if isinstance(purpose, str) else ""
        if not folded:
            raise VietQRError("purpose is empty once folded to ASCII")
        if len(folded) > MAX_PURPOSE:  # truncating could cut the reference the payer must send
            raise VietQRError(f"purpose is {len(folded)} characters, at most {MAX_PURPOSE}")
        purpose = folded
    if bill_number is not None and not _matches(_BILL, bill_number):
        raise VietQRError("bill number must be 1 to 25 printable ASCII characters")
    if service not in SERVICES:
        raise VietQRError(f"service must be one of {SERVICES}, got {service!r}")
    qr = VietQR(
        bin, account, amount, purpose, bill_number, service, "11" if amount is None else "12"
    )
    return _serialize(qr)


def _serialize(qr: VietQR) -> str:
    beneficiary = _tlv("00", qr.bin) + _tlv("01", qr.account)
    merchant = _tlv("00", NAPAS_GUID) + _tlv("01", beneficiary) + _tlv("02", qr.service)
    body = _tlv("00", "01") + _tlv("01", qr.initiation) + _tlv("38", merchant)
    body += _tlv("53", qr.currency)
    body += _tlv("54", str(qr.amount)) if qr.amount is not None else ""
    body += _tlv("58", qr.country)
    extra = _tlv("01", qr.bill_number) if qr.bill_number else ""
    extra += _tlv("08", qr.purpose) if qr.purpose else ""
    body += _tlv("62", extra) if extra else ""
    body += "6304"  # the CRC covers its own tag and length
    return f"{body}{crc16_ccitt_false(body.encode('ascii')):04X}"


def _read_tlv(text: str) -> tuple[dict[str, str], str | None]:
    """Read a flat run of TLVs; return what was read and the reason it stopped early, if any."""
    items: dict[str, str] = {}
    i = 0
    while i < len(text):
        tag, size = text[i : i + 2], text[i + 2 : i + 4]
        if len(size) < 2:
            return items, "truncated"
        if not _matches(_DIGITS2, tag):
            return items, f"bad tag at {i}"
        if not _matches(_DIGITS2, size) or size == "00":
            return items, f"bad length at {i}"
        end = i + 4 + int(size)
        if end > len(text):
            return items, "truncated"
        if tag in items:
            return items, f"duplicate tag {tag}"
        items[tag] = text[i + 4 : end]
        i = end
    return items, None


def decode(payload: object) -> DecodeResult:
    """Parse and check a VietQR payload; never raises, whatever the input."""
    if not isinstance(payload, str):
        return DecodeResult(False, "not a string")
    if len(payload) > MAX_PAYLOAD:
        return DecodeResult(False, "too long")
    tags, error = _read_tlv(payload)
    if error:
        return DecodeResult(False, error, tags=tags)
    for tag in ("00", "63"):
        if tag not in tags:
            return DecodeResult(False, f"missing tag {tag}", tags=tags)
    order = list(tags)
    if order[0] != "00":
        return DecodeResult(False, "tag 00 must be first", tags=tags)
    if order[-1] != "63":  # the CRC must cover everything before it
        return DecodeResult(False, "tag 63 must be last", tags=tags)
    if not _matches(_HEX4, tags["63"]):
        return DecodeResult(False, "bad tag 63", tags=tags)
    crc = crc16_ccitt_false(payload[:-4].encode("utf-8", "surrogatepass"))
    if int(tags["63"], 16) != crc:
        return DecodeResult(False, "bad checksum", tags=tags)
    qr_or_error = _read_fields(tags)
    if isinstance(qr_or_error, str):
        return DecodeResult(False, qr_or_error, tags=tags)
    return DecodeResult(True, None, qr_or_error, tags, _warnings(payload, qr_or_error, tags))


def _read_fields(tags: dict[str, str]) -> VietQR | str:
    """Pull a VietQR out of checked root tags, or say what is missing or malformed."""
    if "38" not in tags:
        return "missing tag 38"
    merchant, error = _read_tlv(tags["38"])
    if error or merchant.get("00", "").upper() != NAPAS_GUID:
        return "not a VietQR (tag 38)"
    if "01" not in merchant:
        return "missing tag 38/01"
    beneficiary, error = _read_tlv(merchant["01"])
    if error or not _matches(_BIN, beneficiary.get("00")):
        return "bad BIN"
    if not _matches(_ACCOUNT, beneficiary.get("01")):
        return "bad account"
    if "02" not in merchant:
        return "missing tag 38/02"
    amount = tags.get("54")
    if amount is not None and (not _matches(_AMOUNT, amount) or int(amount) == 0):
        return "bad amount"
    extra, error = _read_tlv(tags.get("62", ""))
    if error:
        return "bad tag 62"
    return VietQR(
        bin=beneficiary["00"],
        account=beneficiary["01"],
        amount=None if amount is None else int(amount),
        purpose=extra.get("08"),
        bill_number=extra.get("01"),
        service=merchant["02"],
        initiation=tags.get("01", ""),
        currency=tags.get("53", ""),
        country=tags.get("58", ""),
    )


def _warnings(payload: str, qr: VietQR, tags: dict[str, str]) -> tuple[str, ...]:
    """Non-conformities that bank apps tolerate, so they do not make the payload invalid."""
    checks = (
        (tags["00"] != "01", "tag 00 must be 01"),
        (qr.initiation not in ("11", "12"), "tag 01 must be 11 or 12"),
        (qr.initiation == "12" and qr.amount is None, "dynamic QR without amount"),
        (qr.initiation == "11" and qr.amount is not None, "static QR with amount"),
        (qr.service not in SERVICES, f"unknown service code {qr.service!r}"),
        (qr.currency != "704", "tag 53 must be 704"),
        (qr.country != "VN", "tag 58 must be VN"),
        (len(qr.purpose or "") > MAX_PURPOSE, f"purpose longer than {MAX_PURPOSE}"),
        (not payload.isascii(), "non-ASCII characters"),
    )
    return tuple(message for failed, message in checks if failed)


# FACTS.md §5.4; full names after vietnam-qr-pay 1.0.0's table with pre-merger names dropped
# (PGBank under its 2024 name). Not cross-checked against NAPAS's own list.
BANKS: tuple[Bank, ...] = (
    Bank("Vietcombank", "Ngân hàng TMCP Ngoại thương Việt Nam", "970436"),
    Bank("BIDV", "Ngân hàng TMCP Đầu tư và Phát triển Việt Nam", "970418"),
    Bank("VietinBank", "Ngân hàng TMCP Công thương Việt Nam", "970415"),
    Bank("Agribank", "Ngân hàng Nông nghiệp và Phát triển Nông thôn Việt Nam", "970405"),
    Bank("Techcombank", "Ngân hàng TMCP Kỹ thương Việt Nam", "970407"),
    Bank("MB", "Ngân hàng TMCP Quân đội", "970422"),
    Bank("ACB", "Ngân hàng TMCP Á Châu", "970416"),
    Bank("VPBank", "Ngân hàng TMCP Việt Nam Thịnh Vượng", "970432"),
    Bank("Sacombank", "Ngân hàng TMCP Sài Gòn Thương Tín", "970403"),
    Bank("TPBank", "Ngân hàng TMCP Tiên Phong", "970423"),
    Bank("VIB", "Ngân hàng TMCP Quốc tế Việt Nam", "970441"),
    Bank("SHB", "Ngân hàng TMCP Sài Gòn - Hà Nội", "970443"),
    Bank("HDBank", "Ngân hàng TMCP Phát triển Thành phố Hồ Chí Minh", "970437"),
    Bank("OCB", "Ngân hàng TMCP Phương Đông", "970448"),
    Bank("MSB", "Ngân hàng TMCP Hàng Hải Việt Nam", "970426"),
    Bank("SeABank", "Ngân hàng TMCP Đông Nam Á", "970440"),
    Bank("Eximbank", "Ngân hàng TMCP Xuất Nhập khẩu Việt Nam", "970431"),
    Bank("LPBank", "Ngân hàng TMCP Lộc Phát Việt Nam", "970449"),
    Bank("Nam A Bank", "Ngân hàng TMCP Nam Á", "970428"),
    Bank("NCB", "Ngân hàng TMCP Quốc Dân", "970419"),
    Bank("PVcomBank", "Ngân hàng TMCP Đại Chúng Việt Nam", "970412"),
    Bank("ABBANK", "Ngân hàng TMCP An Bình", "970425"),
    Bank("Bac A Bank", "Ngân hàng TMCP Bắc Á", "970409"),
    Bank("VietABank", "Ngân hàng TMCP Việt Á", "970427"),
    Bank("Vietbank", "Ngân hàng TMCP Việt Nam Thương Tín", "970433"),
    Bank("BVBank", "Ngân hàng TMCP Bản Việt", "970454"),
    Bank("KienlongBank", "Ngân hàng TMCP Kiên Long", "970452"),
    Bank("Saigonbank", "Ngân hàng TMCP Sài Gòn Công Thương", "970400"),
    Bank("PGBank", "Ngân hàng TMCP Thịnh vượng và Phát triển", "970430"),
    Bank("BaoViet Bank", "Ngân hàng TMCP Bảo Việt", "970438"),
    Bank("SCB", "Ngân hàng TMCP Sài Gòn", "970429"),
    Bank("GPBank", "Ngân hàng Thương mại TNHH MTV Dầu Khí Toàn Cầu", "970408"),
    Bank("Co-opBank", "Ngân hàng Hợp tác xã Việt Nam", "970446"),
    Bank("Shinhan Bank", "Ngân hàng TNHH MTV Shinhan Việt Nam", "970424"),
    Bank("Woori Bank", "Ngân hàng TNHH MTV Woori Việt Nam", "970457"),
    Bank("UOB", "Ngân hàng United Overseas Bank Việt Nam", "970458"),
    Bank("Standard Chartered", "Ngân hàng TNHH MTV Standard Chartered Bank Việt Nam", "970410"),
    Bank("Public Bank", "Ngân hàng TNHH MTV Public Việt Nam", "970439"),
    Bank("Indovina Bank", "Ngân hàng TNHH Indovina", "970434"),
    Bank("VRB", "Ngân hàng Liên doanh Việt - Nga", "970421"),
    Bank("CB Bank", "Ngân hàng Thương mại TNHH MTV Xây dựng Việt Nam", "970444"),
    Bank("Vikki Bank", "Ngân hàng TNHH MTV Số Vikki", "970406"),
    Bank("MBV", "Ngân hàng TNHH MTV Việt Nam Hiện Đại", "970414"),
    Bank("CIMB", "Ngân hàng TNHH MTV CIMB Việt Nam", "422589"),
    Bank("HSBC", "Ngân hàng TNHH MTV HSBC (Việt Nam)", "458761"),
    Bank("KBank", "Ngân hàng Đại chúng TNHH KASIKORNBANK - CN TP. Hồ Chí Minh", "668888"),
    Bank("CAKE", "Ngân hàng số CAKE by VPBank - Ngân hàng TMCP Việt Nam Thịnh Vượng", "546034"),
    Bank("Ubank", "Ngân hàng số Ubank by VPBank - Ngân hàng TMCP Việt Nam Thịnh Vượng", "546035"),
    Bank("Timo", "Ngân hàng số Timo by Bản Việt Bank", "963388"),
    Bank("Liobank", "Ngân hàng số Liobank - Ngân hàng TMCP Phương Đông", "963369"),
)


def bank_by_bin(bin: str) -> Bank | None:
    """The bank with this NAPAS BIN, if we know it."""
    return next((bank for bank in BANKS if bank.bin == bin), None)
