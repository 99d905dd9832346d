"""Uploads are judged by their bytes, sized against the limits, and renamed safely."""

from __future__ import annotations

import unicodedata

import pytest
from hypothesis import given
from hypothesis import strategies as st

from services.files import (
    ACCEPTED,
    MAX_DOSSIER_BYTES,
    MAX_FILE_BYTES,
    MIB,
    UploadRejected,
    check_declared,
    check_upload,
    declared_kind,
    sanitise_name,
    sniff,
)

PDF_HEAD = b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj"
JPEG_HEAD = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00"
PNG_HEAD = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR"


@pytest.mark.parametrize(
    ("head", "kind"),
    [(PDF_HEAD, "pdf"), (JPEG_HEAD, "jpeg"), (b"\xff\xd8\xff\xe1\x00\x18Exif", "jpeg"),
     (PNG_HEAD, "png"),
     (b"PK\x03\x04\x14\x00\x06\x00[Content_Types].xml", "zip"), (b"PK\x05\x06" + bytes(18), "zip"),
     (b"MZ\x90\x00\x03\x00\x00\x00", "exe"), (b"\x7fELF\x02\x01\x01", "elf"),
     (b"GIF89a\x01\x00", "gif"), (b"RIFF\x24\x00\x00\x00WEBPVP8 ", "webp"),
     (b"\x00\x00\x00\x18ftypheic\x00\x00\x00\x00", "heic"),
     (b"\x00\x00\x00\x18ftypmif1\x00\x00\x00\x00", "heic"),
     (b"\x00\x00\x00\x20ftypisom\x00\x00\x02\x00", "video"),
     (b"<!DOCTYPE html><html>", "html"), (b"\xef\xbb\xbf  <HTML><body>", "html"),
     (b"\n<script>alert(1)</script>", "html"), (b"#!/bin/sh\nrm -rf /", "script"),
     (b'<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg">', "svg"),
     (b"Rar!\x1a\x07\x01\x00", "rar"), (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "ole")],
)  # fmt: skip
def test_sniff_names_the_real_kind(head: bytes, kind: str) -> None:
    assert sniff(head) == kind


@pytest.mark.parametrize(
    "head", [b"", b"hello", b"%PD", b"\xff\xd8", b"\x89PNG\r\n", b"PDF-1.7", b" %PDF-1.7"]
)
def test_sniff_does_not_guess(head: bytes) -> None:
    assert sniff(head) is None


@given(st.binary(max_size=64))
def test_sniff_never_raises(head: bytes) -> None:
    kind = sniff(head)
    assert kind is None or isinstance(kind, str)


def test_accepted_kinds_pass_and_are_returned() -> None:
    assert check_upload("giay khai sinh.pdf", 1000, PDF_HEAD) == "pdf"
    assert check_upload("anh.jpg", 1000, JPEG_HEAD) == "jpeg"
    assert check_upload("scan", 1000, PNG_HEAD) == "png"  # the name does not matter
    assert ACCEPTED == ("pdf", "jpeg", "png")
    assert (MAX_FILE_BYTES, MAX_DOSSIER_BYTES) == (10 * MIB, 20 * MIB)


def rejection(**overrides: object) -> UploadRejected:
    args: dict[str, object] = {
        "name": "tep.pdf",
        "size": 1000,
        "head": PDF_HEAD,
        "accepted": ACCEPTED,
        "max_file": MAX_FILE_BYTES,
        "dossier_used": 0,
        "max_dossier": MAX_DOSSIER_BYTES,
    }
    args.update(overrides)
    with pytest.raises(UploadRejected) as caught:
        check_upload(**args)  # type: ignore[arg-type]
    return caught.value


def test_a_renamed_executable_is_refused_by_its_real_type() -> None:
    refused = rejection(name="photo.jpg", head=b"MZ\x90\x00")
    assert refused.reason == "type"
    assert refused.params["detected"] == "exe" and refused.params["accepted"] == "pdf, jpeg, png"
    assert refused.params["name"] == "photo.jpg"


def test_a_word_document_is_refused_as_zip() -> None:
    refused = rejection(name="don.docx", head=b"PK\x03\x04\x14\x00")
    assert (refused.reason, refused.params["detected"]) == ("type", "zip")


@pytest.mark.parametrize(
    "head",
    [PDF_HEAD + b"\n<html><script>document.cookie</script>", JPEG_HEAD + b"<SVG onload=x>",
     PNG_HEAD + b"\x00<!DOCTYPE html>", PDF_HEAD + b" <iframe src=//x>"],
)  # fmt: skip
def test_a_web_page_behind_a_pdf_or_image_header_is_refused_as_html(head: bytes) -> None:
    refused = rejection(name="ket-qua.pdf", head=head)
    assert (refused.reason, refused.params["detected"]) == ("type", "html")


@pytest.mark.parametrize(
    ("name", "mime", "kind"),
    [("scan.PDF", "", "pdf"), ("anh.jpeg", "application/octet-stream", "jpeg"),
     ("anh.jpe", "", "jpeg"), ("tep", "image/png", "png"), ("tep", "image/jpeg; q=1", "jpeg"),
     ("anh.png", "application/pdf", "png"), ("tep.bin", "text/html", None), ("tep", "", None)],
)  # fmt: skip
def test_the_declared_kind_is_the_extension_then_the_mime_type(
    name: str, mime: str, kind: str | None
) -> None:
    assert declared_kind(name, mime) == kind


def test_a_file_whose_name_says_another_accepted_kind_is_refused() -> None:
    check_declared("scan.pdf", "application/pdf", "pdf")  # agrees: nothing raised
    check_declared("paste", "", "png")  # claims nothing: only its bytes count
    with pytest.raises(UploadRejected) as caught:
        check_declared("giay-to.pdf", "application/pdf", "png")
    assert caught.value.reason == "mismatch"
    assert dict(caught.value.params) == {
        "name": "giay-to.pdf",
        "declared": "pdf",
        "detected": "png",
    }


def test_unknown_content_is_refused_as_unknown() -> None:
    assert rejection(head=b"just some text").params["detected"] == "unknown"


def test_the_accepted_list_is_the_procedures() -> None:
    assert check_upload("a.pdf", 10, PDF_HEAD, ("pdf",), MAX_FILE_BYTES, 0, MAX_DOSSIER_BYTES)
    refused = rejection(head=JPEG_HEAD, accepted=("pdf",))
    assert refused.params == {"name": "tep.pdf", "detected": "jpeg", "accepted": "pdf"}


def test_empty_files_are_refused() -> None:
    assert rejection(size=0).reason == "empty"


def test_files_over_the_limit_are_refused_with_sizes() -> None:
    refused = rejection(size=MAX_FILE_BYTES + 1, head=b"")
    assert refused.reason == "too_large"
    assert refused.params["max_mb"] == "10" and refused.params["size_mb"] == "10.1"
    assert check_upload("a.pdf", MAX_FILE_BYTES, PDF_HEAD) == "pdf"  # the limit itself is fine


def test_size_is_checked_before_type() -> None:
    # A channel may not fetch a huge file at all: no head, yet the answer is "too large".
    assert rejection(size=50 * MIB, head=b"").reason == "too_large"


def test_the_dossier_total_is_limited() -> None:
    refused = rejection(size=3 * MIB, dossier_used=18 * MIB)
    assert refused.reason == "dossier_full"
    assert refused.params["max_mb"] == "20" and refused.params["used_mb"] == "18"
    assert refused.params["size_mb"] == "3"
    assert check_upload("a.pdf", 2 * MIB, PDF_HEAD, ACCEPTED, MAX_FILE_BYTES, 18 * MIB,
                        MAX_DOSSIER_BYTES) == "pdf"  # fmt: skip


def test_a_wrong_type_is_reported_before_a_full_dossier() -> None:
    assert rejection(head=b"MZ", dossier_used=MAX_DOSSIER_BYTES).reason == "type"


# --- names -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "safe"),
    [("Giấy khai sinh.pdf", "Giấy khai sinh.pdf"),
     ("../../etc/passwd", "passwd"),
     ("C:\\Users\\An\\Desktop\\CCCD mặt trước.jpg", "CCCD mặt trước.jpg"),
     (".htaccess", "htaccess"), ("...", "tep"), ("", "tep"), ("   ", "tep"), ("/", "tep"),
     ("a\x00b\x1fc.pdf", "abc.pdf"), ("photo\u202egpj.exe", "photogpj.exe"),
     ("zero\u200bwidth.png", "zerowidth.png"), ("tab\there\nnew.pdf", "tab here new.pdf"),
     ("  many    spaces  .pdf", "many spaces.pdf"), ('a<b>c:d"e|f?g*h.pdf', "a_b_c_d_e_f_g_h.pdf"),
     ("CON", "_CON"), ("con.pdf", "_con.pdf"), ("LPT1.tar.gz", "_LPT1.tar.gz"),
     ("CONSOLE.pdf", "CONSOLE.pdf"), ("ends with dot.", "ends with dot"), (".pdf", "pdf")],
)  # fmt: skip
def test_sanitise_name(name: str, safe: str) -> None:
    assert sanitise_name(name) == safe


def test_decomposed_vietnamese_is_composed() -> None:
    # macOS sends "ế" as e + two combining marks; the saved name uses the composed letter.
    decomposed = unicodedata.normalize("NFD", "Bản tường trình kế hoạch.pdf")
    assert sanitise_name(decomposed) == "Bản tường trình kế hoạch.pdf"


def test_long_names_keep_their_extension() -> None:
    safe = sanitise_name("đ" * 300 + ".pdf")
    assert len(safe) == 100 and safe.endswith("đ.pdf")
    assert sanitise_name("x" * 300) == "x" * 100


@given(st.text(max_size=300))
def test_names_are_always_safe(name: str) -> None:
    safe = sanitise_name(name)
    assert 0 < len(safe) <= 100
    assert "/" not in safe and "\\" not in safe and not safe.startswith(".")
    assert all(unicodedata.category(ch)[0] != "C" for ch in safe)
    assert safe == safe.strip() and "  " not in safe
    assert safe.split(".")[0].upper() not in {"CON", "PRN", "AUX", "NUL", "COM1", "LPT1"}
    assert sanitise_name(safe) == safe
