"""Validate editable catalogue data (already parsed from files) into catalogue objects.

Every problem is reported with the file, the procedure and the field it concerns, so that a
person editing the seed data knows exactly what to fix. All problems are collected before
raising, not just the first one.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from enum import StrEnum
from typing import Any, TypeVar

from services.catalog import (
    Agency,
    AgencyKind,
    DateRange,
    DocumentSpec,
    FieldSpec,
    FieldType,
    Level,
    LocalText,
    Option,
    PrefillSource,
    Procedure,
    Sector,
)
from services.catalog_rules import (
    RULE_KEYS,
    FieldGroup,
    check_rule_links,
    parse_checks,
    parse_field_rules,
    parse_group,
    parse_groups,
)
from services.fee_schema import check_fee_fields, parse_fees, surely_charged_online
from services.offer_schema import parse_result_forms, parse_visits, restrict_delivery
from services.vietqr import BANKS

KEY_RE = re.compile(r"^[a-z][a-z0-9_]{0,39}$")
CODE_RE = re.compile(r"^\d\.\d{6}$")
DELIVERY = "hinh_thuc_nhan_kq"  # the delivery select of blocks.yaml
FILE_KINDS = ("pdf", "jpeg", "png")
_E = TypeVar("_E", bound=StrEnum)
PROCEDURE_KEYS = frozenset(
    {"id", "code", "code_inferred", "inferred", "name", "aliases", "summary", "sector", "level",
     "agency", "blocks", "fields", "documents", "fees", "fee_note", "processing_days",
     "processing_note", "result", "provenance", "note", "result_forms", "visits", "source",
     "counter_payment", "checks"}
)  # fmt: skip
FIELD_KEYS = frozenset(
    {"key", "label", "type", "required", "help", "options", "options_ref", "date_range", "min",
     "max", "max_length", "prefill", "birth_date_field", "sex_field", "inferred", "note",
     "show_if", "identity"} | RULE_KEYS
)  # fmt: skip
DOCUMENT_KEYS = frozenset({"key", "name", "required", "accepted", "hint", "inferred", "note"})
IDENTITY_SOURCES = frozenset(
    {PrefillSource.FULL_NAME, PrefillSource.BIRTH_DATE, PrefillSource.SEX, PrefillSource.ID_NUMBER}
)


@dataclass(frozen=True, slots=True)
class Problem:
    """One thing wrong in the seed data."""

    file: str
    procedure: str
    field: str
    message: str

    def __str__(self) -> str:
        where = f"{self.file}"
        if self.procedure:
            where += f" › procedure '{self.procedure}'"
        if self.field:
            where += f" › {self.field}"
        return f"{where}: {self.message}"


class CatalogError(ValueError):
    """The catalogue data is invalid; `problems` lists every issue found."""

    def __init__(self, problems: Sequence[Problem]) -> None:
        self.problems = tuple(problems)
        super().__init__("invalid catalogue data:\n" + "\n".join(f"  - {p}" for p in problems))


@dataclass(frozen=True, slots=True)
class CatalogData:
    """The validated catalogue: sectors, provincial agencies, option lists and procedures."""

    sectors: tuple[Sector, ...]
    agencies: tuple[Agency, ...]
    procedures: tuple[Procedure, ...]
    option_lists: Mapping[str, tuple[Option, ...]]


class _Reader:
    """Collects problems while reading one file."""

    def __init__(self, file: str, problems: list[Problem]) -> None:
        self.file = file
        self.procedure = ""
        self.problems = problems

    def fail(self, where: str, message: str) -> None:
        self.problems.append(Problem(self.file, self.procedure, where, message))

    def mapping(
        self, value: Any, where: str, allowed: frozenset[str] | None = None
    ) -> Mapping[str, Any]:
        if not isinstance(value, Mapping):
            self.fail(where, f"expected a mapping, got {type(value).__name__}")
            return {}
        if allowed is not None:
            for unknown in sorted(str(k) for k in value if k not in allowed):
                close = difflib.get_close_matches(unknown, sorted(allowed), n=1)
                hint = f" (did you mean '{close[0]}'?)" if close else ""
                self.fail(where, f"unknown key '{unknown}'{hint}")
        return value

    def key_ref(self, raw: Mapping[str, Any], key: str, where: str) -> str | None:
        value = raw.get(key)
        if value is None:
            return None
        if not isinstance(value, str):
            self.fail(f"{where}.{key}", "must be a field key (a string)")
            return None
        return value

    def required_flag(self, raw: Mapping[str, Any], where: str) -> bool:
        if "required" not in raw:
            self.fail(f"{where}.required", "is missing: say true or false explicitly")
            return False
        return self.boolean(raw, "required", where, default=False)

    def seq(self, value: Any, where: str) -> Sequence[Any]:
        if value is None:
            return ()
        if isinstance(value, list | tuple):
            return value
        self.fail(where, f"expected a list, got {type(value).__name__}")
        return ()

    def text(self, raw: Mapping[str, Any], key: str, where: str, required: bool = True) -> str:
        value = raw.get(key)
        if value is None:
            if required:
                self.fail(f"{where}.{key}" if where else key, "is missing")
            return ""
        if not isinstance(value, str) or not value.strip():
            self.fail(f"{where}.{key}" if where else key, "must be a non-empty string")
            return ""
        return value.strip()

    def local(
        self, raw: Mapping[str, Any], key: str, where: str, required: bool = True
    ) -> LocalText | None:
        value = raw.get(key)
        path = f"{where}.{key}" if where else key
        if value is None:
            if required:
                self.fail(path, "is missing (needs vi and en)")
            return None
        if isinstance(value, str):
            self.fail(path, "needs both languages: {vi: ..., en: ...}")
            return None
        body = self.mapping(value, path)
        vi, en = body.get("vi"), body.get("en")
        if not isinstance(vi, str) or not vi.strip():
            self.fail(f"{path}.vi", "is missing or empty")
            return None
        if not isinstance(en, str) or not en.strip():
            self.fail(f"{path}.en", "is missing or empty")
            return None
        return LocalText(vi.strip(), en.strip())

    def boolean(self, raw: Mapping[str, Any], key: str, where: str, default: bool) -> bool:
        value = raw.get(key, default)
        if not isinstance(value, bool):
            self.fail(f"{where}.{key}" if where else key, "must be true or false")
            return default
        return value

    def integer(self, raw: Mapping[str, Any], key: str, where: str) -> int | None:
        value = raw.get(key)
        if value is None:
            return None
        if isinstance(value, bool) or not isinstance(value, int):
            self.fail(f"{where}.{key}" if where else key, "must be a whole number")
            return None
        return value

    def enum(self, kind: type[_E], value: Any, where: str) -> _E | None:
        try:
            return kind(value)
        except ValueError:
            allowed = ", ".join(member.value for member in kind)
            self.fail(where, f"unknown value {value!r}; expected one of: {allowed}")
            return None


def parse_sectors(raw: Any, file: str, problems: list[Problem]) -> tuple[Sector, ...]:
    """Read the sector list: a list of {id, name: {vi, en}}."""
    reader = _Reader(file, problems)
    sectors: list[Sector] = []
    for index, item in enumerate(reader.seq(raw, "sectors")):
        where = f"sectors[{index}]"
        body = reader.mapping(item, where)
        sector_id = reader.text(body, "id", where)
        name = reader.local(body, "name", where)
        if sector_id and not KEY_RE.match(sector_id):
            reader.fail(f"{where}.id", "must be lower_snake_case")
        if sector_id and name:
            sectors.append(Sector(sector_id, name))
    return tuple(sectors)


def parse_options(raw: Any, file: str, problems: list[Problem]) -> dict[str, tuple[Option, ...]]:
    """Read named option lists: {list_name: [{value, label: {vi, en}}]}."""
    reader = _Reader(file, problems)
    result: dict[str, tuple[Option, ...]] = {}
    for name, items in reader.mapping(raw, "options").items():
        result[str(name)] = _options(reader, items, f"options.{name}")
    return result


def _options(reader: _Reader, raw: Any, where: str) -> tuple[Option, ...]:
    options: list[Option] = []
    seen: set[str] = set()
    for index, item in enumerate(reader.seq(raw, where)):
        path = f"{where}[{index}]"
        body = reader.mapping(item, path)
        value = reader.text(body, "value", path)
        label = reader.local(body, "label", path)
        if value in seen:
            reader.fail(path, f"duplicate option value {value!r}")
        seen.add(value)
        if value and label:
            options.append(Option(value, label))
    return tuple(options)


def parse_fields(
    reader: _Reader,
    raw: Any,
    where: str,
    named_options: Mapping[str, tuple[Option, ...]],
) -> tuple[FieldSpec, ...]:
    """Read a list of e-form field specs."""
    fields: list[FieldSpec] = []
    for index, item in enumerate(reader.seq(raw, where)):
        key = item.get("key") if isinstance(item, Mapping) else None
        path = f"{where}[{key}]" if isinstance(key, str) else f"{where}[{index}]"
        body = reader.mapping(item, path, FIELD_KEYS)
        spec = _field(reader, body, path, named_options)
        if spec is not None:
            fields.append(spec)
    return tuple(fields)


def _field(
    reader: _Reader,
    body: Mapping[str, Any],
    path: str,
    named_options: Mapping[str, tuple[Option, ...]],
) -> FieldSpec | None:
    key = reader.text(body, "key", path)
    if key and not KEY_RE.match(key):
        reader.fail(f"{path}.key", "must be lower_snake_case, at most 40 characters")
    label = reader.local(body, "label", path)
    ftype = reader.enum(FieldType, body.get("type"), f"{path}.type")
    options: tuple[Option, ...] = ()
    if "options_ref" in body:
        ref = body["options_ref"]
        if not isinstance(ref, str) or ref not in named_options:
            reader.fail(f"{path}.options_ref", f"no option list named {ref!r}")
        else:
            options = named_options[ref]
    elif "options" in body:
        options = _options(reader, body["options"], f"{path}.options")
    if ftype is FieldType.SELECT and not options:
        reader.fail(path, "a select field needs options or options_ref")
    if ftype is not FieldType.SELECT and options:
        reader.fail(path, f"options are only for select fields, not {ftype}")
    date_range = DateRange.ANY
    if "date_range" in body:
        date_range = reader.enum(DateRange, body["date_range"], f"{path}.date_range") or (
            DateRange.ANY
        )
    prefill = None
    if body.get("prefill") is not None:
        prefill = reader.enum(PrefillSource, body["prefill"], f"{path}.prefill")
    min_value = reader.integer(body, "min", path)
    max_value = reader.integer(body, "max", path)
    if min_value is not None and max_value is not None and min_value > max_value:
        reader.fail(path, "min is greater than max")
    show_if = _show_if(reader, body.get("show_if"), f"{path}.show_if")
    identity = reader.boolean(body, "identity", path, default=False)
    if identity and prefill not in IDENTITY_SOURCES:
        reader.fail(path, "an identity field is filled from the login: prefill full_name, "
                    "birth_date, sex or id_number")  # fmt: skip
    if label is None or ftype is None or not key:
        return None
    return FieldSpec(
        key=key,
        label=label,
        type=ftype,
        required=reader.required_flag(body, path),
        help=reader.local(body, "help", path, required=False),
        options=options,
        date_range=date_range,
        min_value=min_value,
        max_value=max_value,
        max_length=reader.integer(body, "max_length", path),
        prefill=prefill,
        birth_date_field=reader.key_ref(body, "birth_date_field", path),
        sex_field=reader.key_ref(body, "sex_field", path),
        inferred=reader.boolean(body, "inferred", path, default=False),
        identity=identity,
        show_if=show_if,
        rules=parse_field_rules(body, path, reader.fail),
        group=parse_group(body, path, reader.fail),
    )


def _show_if(reader: _Reader, raw: Any, path: str) -> tuple[str, tuple[str, ...]] | None:
    """`show_if: {field: key, in: [values]}`; "*" stands for any answer."""
    if raw is None:
        return None
    body = reader.mapping(raw, path, frozenset({"field", "in"}))
    key = reader.text(body, "field", path)
    values = tuple(str(v) for v in reader.seq(body.get("in"), f"{path}.in"))
    if not values:
        reader.fail(f"{path}.in", 'needs at least one value ("*" for any answer)')
    return (key, values) if key and values else None


def _documents(reader: _Reader, raw: Any) -> tuple[DocumentSpec, ...]:
    documents: list[DocumentSpec] = []
    seen: set[str] = set()
    for index, item in enumerate(reader.seq(raw, "documents")):
        key = item.get("key") if isinstance(item, Mapping) else None
        path = f"documents[{key}]" if isinstance(key, str) else f"documents[{index}]"
        body = reader.mapping(item, path, DOCUMENT_KEYS)
        key_text = reader.text(body, "key", path)
        if key_text and not KEY_RE.match(key_text):
            reader.fail(f"{path}.key", "must be lower_snake_case, at most 40 characters")
        if key_text in seen:
            reader.fail(path, "duplicate document key")
        seen.add(key_text)
        name = reader.local(body, "name", path)
        accepted = tuple(str(kind) for kind in reader.seq(body.get("accepted", FILE_KINDS), path))
        for kind in accepted:
            if kind not in FILE_KINDS:
                reader.fail(f"{path}.accepted", f"unknown file kind {kind!r}; use {FILE_KINDS}")
        if key_text and name:
            documents.append(
                DocumentSpec(
                    key=key_text,
                    name=name,
                    required=reader.required_flag(body, path),
                    accepted=accepted or FILE_KINDS,
                    hint=reader.local(body, "hint", path, required=False),
                    inferred=reader.boolean(body, "inferred", path, default=False),
                )
            )
    return tuple(documents)


def _agency(reader: _Reader, raw: Any) -> tuple[AgencyKind | None, str | None]:
    if isinstance(raw, Mapping) and "provincial" in raw:
        agency_id = raw["provincial"]
        if not isinstance(agency_id, str) or not agency_id:
            reader.fail("agency.provincial", "must name a provincial agency id")
            return None, None
        return AgencyKind.PROVINCIAL, agency_id
    kind = reader.enum(AgencyKind, raw, "agency")
    if kind is AgencyKind.PROVINCIAL:
        reader.fail("agency", "a provincial agency is written as {provincial: <agency id>}")
    return kind, None


def parse_procedure(
    raw: Any,
    file: str,
    problems: list[Problem],
    blocks: Mapping[str, tuple[FieldSpec, ...]],
    named_options: Mapping[str, tuple[Option, ...]],
    groups: Mapping[str, FieldGroup] | None = None,
) -> Procedure | None:
    """Read one procedure document; problems are appended, None when unusable."""
    reader = _Reader(file, problems)
    if isinstance(raw, Mapping):
        reader.procedure = str(raw.get("id", ""))
    start = len(problems)
    body = reader.mapping(raw, "", PROCEDURE_KEYS)
    proc_id = reader.text(body, "id", "")
    if proc_id and not KEY_RE.match(proc_id):
        reader.fail("id", "must be lower_snake_case")
    code = body.get("code")
    if code is not None and (not isinstance(code, str) or not CODE_RE.match(code)):
        reader.fail("code", f"{code!r} is not a national code like 1.001193 (or null)")
    name = reader.local(body, "name", "")
    summary = reader.local(body, "summary", "")
    sector_id = reader.text(body, "sector", "")
    level = reader.enum(Level, body.get("level"), "level")
    kind, provincial_id = _agency(reader, body.get("agency"))
    fields: list[FieldSpec] = []
    for block in reader.seq(body.get("blocks"), "blocks"):
        if block not in blocks:
            reader.fail("blocks", f"unknown block {block!r}; known: {sorted(blocks)}")
        else:
            fields.extend(blocks[block])
    fields.extend(parse_fields(reader, body.get("fields"), "fields", named_options))
    documents = _documents(reader, body.get("documents"))
    fees = parse_fees(reader, body.get("fees"))
    # Closing blocks, the same for every procedure: how to receive the result (only the forms
    # the procedure offers), and — when a fee is paid online — where to refund it.
    result_forms = parse_result_forms(reader, body.get("result_forms"))
    fields.extend(restrict_delivery(reader, blocks.get("delivery", ()), DELIVERY, result_forms))
    if surely_charged_online(fees, fields):
        fields.extend(blocks.get("refund", ()))
    _check_field_links(reader, fields)
    check_fee_fields(reader, fees, fields)
    checks = parse_checks(body.get("checks"), reader.fail)
    check_rule_links(fields, checks, groups or {}, reader.fail)
    days = reader.integer(body, "processing_days", "")
    if days is None or days < 0 or days > 365:
        reader.fail("processing_days", "must be a whole number of working days, 0 to 365")
    aliases = tuple(str(a) for a in reader.seq(body.get("aliases"), "aliases"))
    processing_note = reader.local(body, "processing_note", "")
    result = reader.local(body, "result", "")
    visits = parse_visits(reader, body.get("visits"))
    if len(problems) > start:
        return None
    assert name and summary and level and kind and processing_note and result and days is not None
    return Procedure(
        id=proc_id,
        code=code,
        name=name,
        summary=summary,
        sector_id=sector_id,
        level=level,
        agency_kind=kind,
        provincial_agency_id=provincial_id,
        fields=tuple(fields),
        documents=documents,
        fees=fees,
        processing_days=days,
        processing_note=processing_note,
        result=result,
        aliases=aliases,
        fee_note=reader.local(body, "fee_note", "", required=False),
        code_inferred=reader.boolean(body, "code_inferred", "", default=False),
        inferred=reader.boolean(body, "inferred", "", default=False),
        result_forms=result_forms,
        visits=visits,
        source=str(body.get("source") or ""),
        counter_payment=reader.boolean(body, "counter_payment", "", default=False),
        checks=checks,
        groups=tuple((groups or {})[key] for key in dict.fromkeys(f.group for f in fields) if key),
    )


def _check_field_links(reader: _Reader, fields: Sequence[FieldSpec]) -> None:
    by_key: dict[str, FieldSpec] = {}
    for spec in fields:
        if spec.key in by_key:
            reader.fail(f"fields[{spec.key}]", "duplicate field key (also in a block?)")
        by_key[spec.key] = spec
    for position, spec in enumerate(fields):
        if spec.show_if is not None:
            target = by_key.get(spec.show_if[0])
            if target is None or fields.index(target) >= position:
                reader.fail(f"fields[{spec.key}].show_if", "must name an earlier field")
        if spec.birth_date_field is not None:
            target = by_key.get(spec.birth_date_field)
            if target is None or target.type is not FieldType.DATE:
                reader.fail(f"fields[{spec.key}].birth_date_field", "must name a date field")
        if spec.sex_field is not None:
            target = by_key.get(spec.sex_field)
            if target is None or target.type is not FieldType.SELECT:
                reader.fail(f"fields[{spec.key}].sex_field", "must name a select field")


def check_references(
    procedures: Sequence[Procedure],
    sectors: Sequence[Sector],
    agency_ids: set[str],
    file_of: Sequence[str],
    problems: list[Problem],
) -> None:
    """Check cross-file references: sectors, provincial agencies, unique ids and codes."""
    sector_ids = {sector.id for sector in sectors}
    seen_ids: dict[str, str] = {}
    seen_codes: dict[str, str] = {}
    for proc, file in zip(procedures, file_of, strict=True):
        if proc.sector_id not in sector_ids:
            problems.append(Problem(file, proc.id, "sector", f"unknown sector {proc.sector_id!r}"))
        if proc.provincial_agency_id and proc.provincial_agency_id not in agency_ids:
            problems.append(
                Problem(file, proc.id, "agency", f"unknown agency {proc.provincial_agency_id!r}")
            )
        if proc.id in seen_ids:
            problems.append(Problem(file, proc.id, "id", f"also used in {seen_ids[proc.id]}"))
            continue
        seen_ids[proc.id] = file
        if file != f"procedures/{proc.id}.yaml":
            problems.append(Problem(file, proc.id, "id", "must match the file name"))
        if proc.code:
            if proc.code in seen_codes:
                problems.append(
                    Problem(file, proc.id, "code", f"also used by {seen_codes[proc.code]}")
                )
            seen_codes[proc.code] = proc.id


BANK_OPTIONS = tuple(
    Option(bank.bin, LocalText(f"{bank.short_name} – {bank.name}", bank.short_name))
    for bank in BANKS
)
AGENCY_CODE_RE = re.compile(r"^\d{3}\.\d{2}\.\d{2}\.[A-Z]\d{2}$")
AGENCY_SHORT_RE = re.compile(r"^[A-Z]\d{2}\.\d{1,3}$")


def parse_agencies(raw: Any, file: str, problems: list[Problem]) -> tuple[Agency, ...]:
    """Read the provincial agencies: a list of {id, code, short_code, name: {vi, en}}."""
    reader = _Reader(file, problems)
    agencies: list[Agency] = []
    for index, item in enumerate(reader.seq(raw, "agencies")):
        where = f"agencies[{index}]"
        body = reader.mapping(item, where)
        agency_id = reader.text(body, "id", where)
        code = reader.text(body, "code", where)
        short = reader.text(body, "short_code", where)
        name = reader.local(body, "name", where)
        if code and not AGENCY_CODE_RE.match(code):
            reader.fail(f"{where}.code", f"{code!r} is not like 000.00.01.H04")
        if short and not AGENCY_SHORT_RE.match(short):
            reader.fail(f"{where}.short_code", f"{short!r} is not like H04.1")
        if agency_id and code and short and name:
            agencies.append(Agency(agency_id, code, short, name, AgencyKind.PROVINCIAL))
    return tuple(agencies)


def build_catalog(files: Mapping[str, Any]) -> CatalogData:
    """Validate a whole catalogue given the parsed content of each file, by relative path.

    Expected files: ``sectors.yaml``, ``options.yaml``, ``blocks.yaml``, ``agencies.yaml`` and
    any number of ``procedures/*.yaml``. Raises `CatalogError` listing every problem.
    """
    problems: list[Problem] = []
    for required in ("sectors.yaml", "options.yaml", "blocks.yaml", "agencies.yaml"):
        if required not in files:
            problems.append(Problem(required, "", "", "file is missing"))
    if problems:
        raise CatalogError(problems)

    def section(file: str, key: str) -> Any:
        body = files[file]
        if not isinstance(body, Mapping) or key not in body:
            problems.append(Problem(file, "", key, f"the file must hold a top-level '{key}:'"))
            return None
        return body[key]

    sectors = parse_sectors(section("sectors.yaml", "sectors"), "sectors.yaml", problems)
    options = parse_options(section("options.yaml", "options") or {}, "options.yaml", problems)
    options.setdefault("banks", BANK_OPTIONS)
    agencies = parse_agencies(section("agencies.yaml", "agencies"), "agencies.yaml", problems)
    block_reader = _Reader("blocks.yaml", problems)
    blocks = {
        str(name): tuple(  # a block's fields are reviewed under the block's own heading
            replace(spec, group=spec.group or str(name))
            for spec in parse_fields(block_reader, fields, f"blocks.{name}", options)
        )
        for name, fields in block_reader.mapping(section("blocks.yaml", "blocks") or {}, "").items()
    }
    blocks_file = files["blocks.yaml"]
    groups = parse_groups(
        blocks_file.get("groups") if isinstance(blocks_file, Mapping) else None, block_reader.fail
    )
    procedures: list[Procedure] = []
    file_of: list[str] = []
    for path in sorted(files):
        if not path.startswith("procedures/"):
            continue
        proc = parse_procedure(files[path], path, problems, blocks, options, groups)
        if proc is not None:
            procedures.append(proc)
            file_of.append(path)
    if not procedures:
        problems.append(Problem("procedures/", "", "", "no procedure files found"))
    check_references(procedures, sectors, {a.id for a in agencies}, file_of, problems)
    if problems:
        raise CatalogError(problems)
    return CatalogData(tuple(sectors), agencies, tuple(procedures), options)
