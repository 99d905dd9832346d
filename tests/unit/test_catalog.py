"""The seeded catalogue: real procedures, validated with errors a person can act on."""

from __future__ import annotations

import copy
import shutil
from pathlib import Path

import pytest
import yaml

from services.catalog import AgencyKind, FieldType, Level
from services.catalog_index import Catalog
from services.catalog_schema import CatalogData, CatalogError, build_catalog
from services.places import Places
from storage.seed import CATALOG_DIR, load_catalog_data, read_catalog_files


def test_at_least_fifty_real_procedures_are_seeded(catalog_data: CatalogData) -> None:
    assert len(catalog_data.procedures) >= 50
    coded = [p for p in catalog_data.procedures if p.code and not p.code_inferred]
    assert len(coded) >= 30
    birth = next(p for p in catalog_data.procedures if p.code == "1.001193")
    assert birth.name.vi == "Đăng ký khai sinh"


def test_nearly_every_procedure_lists_its_documents(catalog: Catalog) -> None:
    # Issuing or re-issuing an ID card needs no paper: the data is in the population and ID
    # databases, and the citizen gives biometrics in person.
    assert sorted(p.id for p in catalog.procedures if not p.documents) == [
        "cap_lai_the_can_cuoc",
        "cap_the_can_cuoc_lan_dau",
    ]


def test_known_figures_from_official_sources(catalog: Catalog) -> None:
    stay = catalog.procedure("dang_ky_tam_tru")
    assert stay is not None and stay.code == "1.004194"
    assert (stay.counter_fee, stay.online_fee, stay.processing_days) == (15000, 7000, 3)
    licence = catalog.procedure("doi_gplx")
    assert licence is not None and (licence.counter_fee, licence.online_fee) == (135000, 115000)
    housing = catalog.procedure("xac_nhan_dien_tich_nha_o")
    assert housing is not None and housing.code == "1.013314" and housing.online_fee == 0


def test_every_procedure_is_complete_and_consistent(catalog: Catalog) -> None:
    for proc in catalog.procedures:
        assert proc.fields, proc.id
        assert catalog.sector(proc.sector_id) is not None
        for spec in proc.fields:
            if spec.type is FieldType.SELECT:
                assert spec.options, (proc.id, spec.key)
        if proc.level is Level.PROVINCE:
            assert catalog.agencies.provincial(proc) is not None, proc.id
        else:
            assert proc.agency_kind in (AgencyKind.COMMUNE_COMMITTEE, AgencyKind.COMMUNE_POLICE)


def test_cao_bang_has_56_communes_and_wards_from_the_package(
    places: Places, catalog: Catalog
) -> None:
    wards = places.wards("04")
    assert len(wards) == 56
    assert sum(1 for w in wards if w.kind == "Phường") == 3
    assert {w.name for w in wards if w.kind == "Phường"} == {
        "Phường Thục Phán",
        "Phường Nùng Trí Cao",
        "Phường Tân Giang",
    }
    assert len(places.provinces) == 34
    assert sum(len(p.wards) for p in places.provinces) == 3321
    committees = [a for a in catalog.agencies if a.kind is AgencyKind.COMMUNE_COMMITTEE]
    assert len(committees) == 56
    codes = [a.code for a in catalog.agencies]
    assert len(codes) == len(set(codes))


def _files() -> dict[str, object]:
    return copy.deepcopy(read_catalog_files())


def _problems(files: dict[str, object]) -> list[str]:
    with pytest.raises(CatalogError) as caught:
        build_catalog(files)
    return [str(p) for p in caught.value.problems]


def test_a_typo_in_a_field_names_file_procedure_field_and_suggests_the_key() -> None:
    files = _files()
    files["procedures/khai_sinh.yaml"]["fields"][0]["requried"] = True  # type: ignore[index]
    problems = _problems(files)
    assert any(
        "procedures/khai_sinh.yaml" in p
        and "procedure 'khai_sinh'" in p
        and "fields[ho_ten_tre]" in p
        and "did you mean 'required'" in p
        for p in problems
    ), problems


def test_invalid_values_are_reported_all_at_once() -> None:
    files = _files()
    stay = files["procedures/dang_ky_tam_tru.yaml"]
    stay["fields"][0]["type"] = "datetime"  # type: ignore[index]
    stay["fees"][0]["amount"] = -1  # type: ignore[index]
    stay["code"] = "1.4194"  # type: ignore[index]
    del files["procedures/khai_sinh.yaml"]["fields"][1]["required"]  # type: ignore[index]
    problems = _problems(files)
    assert any("dang_ky_tam_tru" in p and "type" in p and "datetime" in p for p in problems)
    assert any("dang_ky_tam_tru" in p and "negative" in p for p in problems)
    assert any("dang_ky_tam_tru" in p and "1.4194" in p for p in problems)
    assert any("khai_sinh" in p and "required" in p and "explicitly" in p for p in problems)


def test_references_across_files_are_checked() -> None:
    files = _files()
    files["procedures/khai_sinh.yaml"]["sector"] = "no_such_sector"  # type: ignore[index]
    files["procedures/ly_lich_tu_phap.yaml"]["agency"] = {"provincial": "nowhere"}  # type: ignore[index]
    files["procedures/copy.yaml"] = copy.deepcopy(files["procedures/ket_hon.yaml"])
    problems = _problems(files)
    assert any("unknown sector 'no_such_sector'" in p for p in problems)
    assert any("unknown agency 'nowhere'" in p for p in problems)
    assert any("procedures/ket_hon.yaml" in p and "procedures/copy.yaml" in p for p in problems)


def test_odd_yaml_shapes_are_problems_not_crashes() -> None:
    files = _files()
    files["sectors.yaml"] = []
    files["procedures/khai_sinh.yaml"]["fields"][2]["options_ref"] = ["sex"]  # type: ignore[index]
    files["procedures/ket_hon.yaml"] = "just text"
    problems = _problems(files)
    assert any(p.startswith("sectors.yaml") for p in problems)
    assert any("options_ref" in p for p in problems)
    assert any(p.startswith("procedures/ket_hon.yaml") for p in problems)


def test_a_yaml_syntax_error_names_the_file_and_line(tmp_path: Path) -> None:
    folder = tmp_path / "catalog"
    shutil.copytree(CATALOG_DIR, folder)
    (folder / "procedures" / "khai_sinh.yaml").write_text("id: khai_sinh\nname: {vi: [\n")
    with pytest.raises(CatalogError) as caught:
        load_catalog_data(folder)
    (problem,) = caught.value.problems
    assert problem.file == "procedures/khai_sinh.yaml" and problem.field.startswith("line ")


def test_the_catalogue_files_are_plain_yaml_people_can_edit() -> None:
    text = (CATALOG_DIR / "procedures" / "dang_ky_tam_tru.yaml").read_text(encoding="utf-8")
    assert "Đăng ký tạm trú" in text  # UTF-8 Vietnamese, not escapes
    assert yaml.safe_load(text)["code"] == "1.004194"
