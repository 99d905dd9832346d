"""The last guard before a dossier: no applicant but the logged-in citizen, unless declared."""

from __future__ import annotations

from datetime import date

import pytest

from services.applicant import ApplicantMismatch, Party, Relation, parties
from services.catalog_index import Catalog
from services.citizens import Person
from services.identity import Sex

HOA = Person("004195118046", "Nông Thị Hoa", date(1995, 3, 15), Sex.FEMALE, "0912345678")
HERS = {"ho_ten": "Nông Thị Hoa", "ngay_sinh": "1995-03-15", "gioi_tinh": "nu",
        "so_dinh_danh": "004195118046"}  # fmt: skip
SON = {"ho_ten": "Nông Minh An", "ngay_sinh": "2015-05-10", "gioi_tinh": "nam",
       "so_dinh_danh": "004215012345"}  # fmt: skip


def test_filed_for_oneself_every_identity_answer_must_be_the_registrys(catalog: Catalog) -> None:
    proc = catalog.procedure("xac_nhan_dien_tich_nha_o")
    assert proc is not None
    filer, subject, relation = parties(proc, HERS, "c1", HOA)
    assert filer == subject == Party("004195118046", "Nông Thị Hoa", "1995-03-15", "nu", "c1")
    assert relation is Relation.SELF
    for key, other in (("so_dinh_danh", "004088688456"), ("ho_ten", "Nông Thị Hòa")):
        with pytest.raises(ApplicantMismatch) as caught:
            parties(proc, {**HERS, key: other}, "c1", HOA)
        assert caught.value.fields == (key,)
    with pytest.raises(ApplicantMismatch):  # not saying "for someone else" means oneself
        parties(proc, SON, "c1", HOA)


def test_for_another_person_the_subject_is_kept_apart_and_is_not_the_filer(
    catalog: Catalog,
) -> None:
    proc = catalog.procedure("ly_lich_tu_phap")
    assert proc is not None
    filer, subject, relation = parties(proc, {**SON, "nop_cho": "con"}, "c1", HOA)
    assert relation is Relation.CHILD and filer.id_number == HOA.id_number
    assert subject == Party("004215012345", "Nông Minh An", "2015-05-10", "nam", None)
    with pytest.raises(ApplicantMismatch) as caught:
        parties(proc, {**HERS, "nop_cho": "uy_quyen"}, "c1", HOA)
    assert caught.value.subject_is_filer
