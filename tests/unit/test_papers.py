"""The papers a citizen keeps, printed for real and read back: the completed e-form and the
electronic fee receipt as PDFs whose Vietnamese text, amounts, dates and QR code a reader
(pypdf, zxing) finds."""

from __future__ import annotations

import io
from dataclasses import replace
from datetime import UTC, datetime

import pytest
import zxingcpp
from PIL import Image
from pypdf import PdfReader

from bot import papers_pdf
from bot.papers_pdf import FONTS, PdfPrinter, paper_pdf
from conversations.flow import PaymentAccount
from conversations.papers import PaperOffice, declaration_paper, fee_receipt_paper
from services.catalog_index import Catalog
from services.documents import Attachment
from services.dossiers import Dossier, Phase, payment_request
from services.fee_receipts import receipt_number
from services.papers import Paper, PaperKind
from tests.fake_files import MemoryFileStore

CODE = "000.01.51.H04-261125-0001"
# 00:30 on 25 November in Vietnam is still 24 November in UTC.
AFTER_MIDNIGHT = datetime(2026, 11, 24, 17, 30, tzinfo=UTC)
ANSWERS = {
    "ho_ten": "Nông Thị Hoa",
    "ngay_sinh": "1995-03-08",
    "gioi_tinh": "nu",
    "dan_toc": "tay",
    "so_dinh_danh": "004195118046",
    "dia_chi_tam_tru": {"province": "Tỉnh Cao Bằng", "ward": "Phường Thục Phán", "detail": "Tổ 9"},
    "thoi_han_tam_tru": "2027-12-31",
    "y_kien_chu_ho": True,
    "hinh_thuc_nhan_kq": "buu_chinh",
    "nguoi_nhan": "Hoàng Văn Đức",
}


def _dossier(catalog: Catalog) -> Dossier:
    agency = next(a for a in catalog.agencies if a.code == "000.01.51.H04")
    return Dossier(
        id="d0001",
        code=CODE,
        procedure_id="dang_ky_tam_tru",
        agency_id=agency.id,
        owner="web:hoa-tab",
        citizen_id="c1",
        answers=ANSWERS,
        attachments=(
            Attachment("giay_to_cho_o_hop_phap", "doc1", "hop-dong-thue-nha.pdf", "pdf", 10, "r"),
            Attachment("giay_to_cho_o_hop_phap", "doc2", "so-do.jpg", "jpeg", 10, "r"),
        ),
        fee=7000,
        created_at=AFTER_MIDNIGHT,
        phase=Phase.AWAITING_PAYMENT,
        payment=payment_request(CODE, 7000, AFTER_MIDNIGHT),
    )


def _paid(dossier: Dossier, amount: int = 7000) -> Dossier:
    assert dossier.payment is not None
    payment = replace(
        dossier.payment, paid_at=AFTER_MIDNIGHT, paid_amount=amount, transaction_id="sepay:9001"
    )
    return replace(dossier, payment=payment)


@pytest.fixture
def office(catalog: Catalog) -> PaperOffice:
    return PaperOffice(
        PdfPrinter(MemoryFileStore()), catalog, "https://dvc.caobang.example.vn", PaymentAccount()
    )


def _text(pdf: bytes) -> str:
    """The text a PDF reader extracts, wrapped lines joined by single spaces."""
    reader = PdfReader(io.BytesIO(pdf))
    return " ".join(" ".join(page.extract_text() for page in reader.pages).split())


def _qr_codes(pdf: bytes) -> list[str]:
    reader = PdfReader(io.BytesIO(pdf))
    found = []
    for page in reader.pages:
        for image in page.images:
            picture = Image.open(io.BytesIO(image.data)).convert("L")
            found += [code.text for code in zxingcpp.read_barcodes(picture)]
    return found


def test_the_e_form_pdf_states_every_answer_in_vietnamese(
    office: PaperOffice, catalog: Catalog
) -> None:
    pdf = paper_pdf(declaration_paper(office, _dossier(catalog)))
    assert pdf.startswith(b"%PDF-")
    text = _text(pdf)
    for expected in (
        "TỜ KHAI ĐIỆN TỬ",
        "Đăng ký tạm trú",
        CODE,
        "Công an",  # the receiving agency
        "Họ và tên",
        "Nông Thị Hoa",
        "Ngày sinh",
        "08/03/1995",
        "Giới tính",
        "Nữ",
        "Dân tộc",
        "Tày",
        "004195118046",
        "Tổ 9, Phường Thục Phán, Tỉnh Cao Bằng",
        "31/12/2027",
        "Chủ hộ/chủ sở hữu chỗ ở đã đồng ý Có",
        "Hoàng Văn Đức",
        "Hình thức nhận kết quả",
        "bưu chính",
        "hop-dong-thue-nha.pdf, so-do.jpg",
        "cam đoan",
    ):
        assert expected in text, expected


def test_the_e_form_qr_opens_the_public_status_page(office: PaperOffice, catalog: Catalog) -> None:
    pdf = paper_pdf(declaration_paper(office, _dossier(catalog)))
    url = f"https://dvc.caobang.example.vn/status/{CODE}"
    assert _qr_codes(pdf) == [url]
    assert url in _text(pdf)


def test_the_e_form_is_dated_in_vietnam_time(office: PaperOffice, catalog: Catalog) -> None:
    text = _text(paper_pdf(declaration_paper(office, _dossier(catalog))))
    assert "00:30 25/11/2026" in text
    assert "24/11/2026" not in text  # the UTC date


def test_the_fee_receipt_pdf_states_payer_items_total_and_transfer(
    office: PaperOffice, catalog: Catalog
) -> None:
    paper = fee_receipt_paper(office, _paid(_dossier(catalog)))
    assert paper is not None and paper.kind is PaperKind.FEE_RECEIPT
    text = _text(paper_pdf(paper))
    for expected in (
        "BIÊN LAI THU PHÍ, LỆ PHÍ",
        "Biên lai điện tử",
        f"Số: BL-{CODE}-01",
        "Nông Thị Hoa",
        CODE,
        "Đăng ký tạm trú",
        "Lệ phí đăng ký cư trú",
        "7.000 đ",
        "Tổng cộng",
        "sepay:9001",
        "LP 0000151H04 261125 0001",  # the transfer reference
        "00:30 25/11/2026",
        "Công an",  # the collecting agency
        "THU PHI DICH VU CONG CAO BANG",
    ):
        assert expected in text, expected
    assert "24/11/2026" not in text
    assert "nộp thừa" not in text


def test_an_overpayment_shows_on_the_receipt(office: PaperOffice, catalog: Catalog) -> None:
    paper = fee_receipt_paper(office, _paid(_dossier(catalog), amount=10000))
    assert paper is not None
    text = _text(paper_pdf(paper))
    assert "10.000 đ" in text and "nộp thừa" in text and "3.000 đ" in text


def test_no_receipt_before_the_fee_is_paid(office: PaperOffice, catalog: Catalog) -> None:
    assert fee_receipt_paper(office, _dossier(catalog)) is None


def test_receipt_numbers_are_stable_and_unique() -> None:
    assert receipt_number(CODE) == receipt_number(CODE) == f"BL-{CODE}-01"
    assert receipt_number(CODE, 2) != receipt_number(CODE)
    assert receipt_number(CODE.replace("0001", "0002")) != receipt_number(CODE)


async def test_printing_a_paper_twice_keeps_one_file_laid_out_once(
    office: PaperOffice, catalog: Catalog, monkeypatch: pytest.MonkeyPatch
) -> None:
    laid_out: list[PaperKind] = []

    def counting(paper: Paper) -> bytes:
        laid_out.append(paper.kind)
        return paper_pdf(paper)

    monkeypatch.setattr(papers_pdf, "paper_pdf", counting)
    files = MemoryFileStore()
    printer = PdfPrinter(files)
    paper = declaration_paper(office, _dossier(catalog))
    first, second = await printer.print(paper), await printer.print(paper)
    assert first == second and list(files.files) == [first.ref] and len(laid_out) == 1
    assert files.get(first.ref).startswith(b"%PDF-") and first.size == len(files.get(first.ref))
    assert paper_pdf(paper) == files.get(first.ref)  # the same bytes every time
    files.delete(first.ref)  # gone from the store: printed again
    assert await printer.print(paper) == first and len(laid_out) == 2


def test_the_font_ships_with_the_package_and_is_embedded(
    office: PaperOffice, catalog: Catalog
) -> None:
    assert (FONTS / "DejaVuSans.ttf").is_file() and (FONTS / "DejaVuSans-Bold.ttf").is_file()
    assert (FONTS / "LICENSE").is_file()
    assert all((FONTS / name).stat().st_size < 200_000 for name in ("DejaVuSans.ttf",))
    reader = PdfReader(io.BytesIO(paper_pdf(declaration_paper(office, _dossier(catalog)))))
    fonts = reader.pages[0]["/Resources"]["/Font"]
    names = {str(fonts[key].get_object()["/BaseFont"]) for key in fonts}
    assert any("DejaVuSans" in name for name in names), names


def test_the_public_address_is_an_http_url_without_its_last_slash() -> None:
    from pydantic import ValidationError

    from bot.settings import Settings

    def settings(url: str) -> Settings:
        return Settings(public_base_url=url, _env_file=None)  # type: ignore[call-arg]

    assert Settings(_env_file=None).public_base_url == "http://127.0.0.1:8080"  # type: ignore[call-arg]
    assert settings("https://dvc.caobang.gov.vn/").public_base_url == "https://dvc.caobang.gov.vn"
    for wrong in ("dvc.caobang.gov.vn", "ftp://dvc", "https://", "https://dịch vụ công"):
        with pytest.raises(ValidationError, match="PUBLIC_BASE_URL"):
            settings(wrong)
