"""QR codes and receipts: decoded back by an independent reader (zxing-cpp), byte-stable."""

from __future__ import annotations

import io
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta, timezone

import pytest
import zxingcpp  # type: ignore[import-untyped]
from PIL import Image

from bot import media
from bot.media import Receipt, qr_png, receipt_png, receipt_rows

VIETQR = (
    "00020101021238540010A00000072701240006970415011012345678900208QRIBFTTA"
    "53037045405150005802VN62220818LP H04 251125 00016304DA4F"
)
CODE = "000.01.50.H04-251125-0001"
RECEIPT = Receipt(
    code=CODE,
    procedure="Đăng ký khai sinh",
    agency="UBND xã Hòa An, tỉnh Cao Bằng",
    applicant="Nguyễn Thị Hương",
    fee=15000,
    paid_at=datetime(2025, 11, 25, 2, 30, tzinfo=UTC),
    submitted_at=datetime(2025, 11, 25, 2, 15, tzinfo=UTC),
    due_date=date(2025, 11, 28),
    lang="vi",
)
LONG_NAME = " ".join(["Cấp đổi giấy chứng nhận quyền sử dụng đất, quyền sở hữu nhà ở"] * 6)


def _image(png: bytes) -> Image.Image:
    image = Image.open(io.BytesIO(png))
    assert image.format == "PNG"
    image.load()
    return image


def _decoded(png: bytes) -> list[str]:
    return [b.text for b in zxingcpp.read_barcodes(_image(png).convert("L"))]


def test_qr_decodes_to_the_exact_vietqr_payload() -> None:
    assert _decoded(qr_png(VIETQR)) == [VIETQR]


def test_qr_is_deterministic_and_scales_with_box_size() -> None:
    small, large = qr_png(VIETQR, box_size=4), qr_png(VIETQR, box_size=8)
    assert qr_png(VIETQR, box_size=4) == small
    assert _image(large).width == 2 * _image(small).width
    assert _decoded(small) == [VIETQR]


@pytest.mark.parametrize("payload", ["", "x" * 513, "Đăng ký"])
def test_qr_rejects_empty_oversized_or_non_ascii_payloads(payload: str) -> None:
    with pytest.raises(ValueError):
        qr_png(payload)


def test_receipt_is_an_800px_png_whose_qr_is_the_dossier_code() -> None:
    png = receipt_png(RECEIPT)
    image = _image(png)
    assert image.width == 800
    assert image.height > 600
    assert image.getpixel((0, 0)) == (255, 255, 255)
    assert _decoded(png) == [CODE]


def test_receipt_bytes_are_stable_across_renders_and_font_reloads() -> None:
    first = receipt_png(RECEIPT)
    media._load_font.cache_clear()
    media._typeface.cache_clear()
    assert receipt_png(RECEIPT) == first


def test_receipt_has_no_metadata_chunks() -> None:
    png = receipt_png(RECEIPT)
    assert b"tIME" not in png
    assert b"tEXt" not in png
    assert _image(png).info.keys() <= {"dpi"}


def test_long_procedure_names_wrap_into_a_taller_image() -> None:
    short = _image(receipt_png(RECEIPT))
    long = receipt_png(replace(RECEIPT, procedure=LONG_NAME))
    assert _image(long).width == 800
    assert _image(long).height >= short.height + 4 * 28
    assert _decoded(long) == [CODE]


def test_ascii_fallback_without_system_fonts_still_renders_a_readable_receipt(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(media, "FONT_FILES", (("/nonexistent/a.ttf", "/nonexistent/b.ttf"),))
    face = media._typeface(media.FONT_FILES)
    assert face.regular is None
    assert face.text("Dịch vụ công – Cao Bằng, Đăng ký") == "Dich vu cong - Cao Bang, Dang ky"
    png = receipt_png(replace(RECEIPT, procedure=LONG_NAME))
    assert _image(png).width == 800
    assert _decoded(png) == [CODE]


def test_bold_falls_back_to_regular_when_only_regular_is_installed() -> None:
    regular = media.FONT_FILES[0][0]
    face = media._typeface((("/nonexistent/a.ttf", "/nonexistent/b.ttf"), (regular, "/no/b.ttf")))
    assert (face.regular, face.bold) == (regular, regular)


def test_vietnamese_rows_format_fee_times_in_vietnam_and_dates() -> None:
    assert receipt_rows(RECEIPT) == [
        ("Thủ tục", "Đăng ký khai sinh"),
        ("Cơ quan", "UBND xã Hòa An, tỉnh Cao Bằng"),
        ("Người nộp", "Nguyễn Thị Hương"),
        ("Lệ phí", "15.000 đ"),
        ("Thanh toán lúc", "25/11/2025 09:30"),
        ("Ngày nộp", "25/11/2025 09:15"),
        ("Hẹn trả kết quả", "28/11/2025"),
    ]


def test_english_rows_format_fee_with_commas_and_missing_values_as_dashes() -> None:
    receipt = replace(RECEIPT, lang="en", fee=1_250_000, applicant="", paid_at=None, due_date=None)
    assert dict(receipt_rows(receipt)) == {
        "Procedure": "Đăng ký khai sinh",
        "Agency": "UBND xã Hòa An, tỉnh Cao Bằng",
        "Applicant": "—",
        "Fee": "1,250,000 VND",
        "Paid at": "—",
        "Submitted at": "25/11/2025 09:15",
        "Due date": "—",
    }
    assert _decoded(receipt_png(receipt)) == [CODE]


@pytest.mark.parametrize(
    ("lang", "fee", "shown"),
    [
        ("vi", 0, "Miễn phí"),
        ("en", 0, "Free"),
        ("vi", None, "Nộp khi nhận kết quả"),
        ("en", None, "Paid at reception"),
        ("en", 15000, "15,000 VND"),
    ],
)
def test_free_and_reception_fees(lang: str, fee: int | None, shown: str) -> None:
    rows = dict(receipt_rows(replace(RECEIPT, lang=lang, fee=fee)))  # type: ignore[arg-type]
    assert shown in rows.values()


def test_times_convert_to_utc_plus_7_and_naive_times_count_as_utc() -> None:
    tokyo = timezone(timedelta(hours=9))
    aware = replace(RECEIPT, submitted_at=datetime(2025, 12, 31, 23, 30, tzinfo=tokyo))
    naive = replace(RECEIPT, submitted_at=datetime(2025, 12, 31, 17, 30))
    assert dict(receipt_rows(aware))["Ngày nộp"] == "31/12/2025 21:30"
    assert dict(receipt_rows(naive))["Ngày nộp"] == "01/01/2026 00:30"
