"""The procedure catalogue: procedures, e-form fields, documents, fees, sectors, agencies."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum

from services.catalog_rules import NO_RULES, Check, FieldGroup, FieldRules
from services.fee_rules import Exemption, PriceCase, Quantity, Tier, Visit
from services.local_text import LocalText as LocalText  # re-exported


class FieldType(StrEnum):
    """The field types the form engine knows how to ask and validate."""

    TEXT = "text"
    TEXTAREA = "textarea"
    NUMBER = "number"
    MONEY = "money"
    DATE = "date"
    CCCD = "cccd"
    PHONE = "phone"
    EMAIL = "email"
    SELECT = "select"
    YESNO = "yesno"
    ADDRESS = "address"
    ACCOUNT = "account"  # a bank account number
    HOLDER = "holder"  # a bank account holder's name, as banks print it


class DateRange(StrEnum):
    """Which dates make sense for a date field, relative to today."""

    PAST = "past"  # today or earlier (birth, issue dates)
    FUTURE = "future"  # today or later (appointments, expiry of a stay)
    ANY = "any"  # within a century either side


class PrefillSource(StrEnum):
    """Identity data a logged-in citizen's profile can pre-fill."""

    FULL_NAME = "full_name"
    BIRTH_DATE = "birth_date"
    SEX = "sex"
    ID_NUMBER = "id_number"
    ADDRESS = "address"
    PHONE = "phone"
    EMAIL = "email"
    ETHNICITY = "ethnicity"


class Level(StrEnum):
    """Which tier of the two-level local government handles a procedure."""

    COMMUNE = "commune"
    PROVINCE = "province"


class AgencyKind(StrEnum):
    """The kinds of handling agency a procedure can name."""

    COMMUNE_COMMITTEE = "commune_committee"  # UBND xã/phường
    COMMUNE_POLICE = "commune_police"  # Công an xã/phường
    PROVINCIAL = "provincial"  # a named provincial body


@dataclass(frozen=True, slots=True)
class Option:
    """One choice of a select field: the stored value and its labels."""

    value: str
    label: LocalText


@dataclass(frozen=True, slots=True)
class FieldSpec:
    """One question of an e-form."""

    key: str
    label: LocalText
    type: FieldType
    required: bool
    help: LocalText | None = None
    options: tuple[Option, ...] = ()
    date_range: DateRange = DateRange.ANY
    min_value: int | None = None
    max_value: int | None = None
    max_length: int | None = None
    prefill: PrefillSource | None = None
    # For cccd fields: keys of the date-of-birth and sex fields the number must agree with.
    birth_date_field: str | None = None
    sex_field: str | None = None
    inferred: bool = False
    # One of the applicant's identity fields: filled from the login, locked when filing for
    # oneself (see services.applicant).
    identity: bool = False
    # Asked only when another field's answer is one of these values ("*": any answer).
    show_if: tuple[str, tuple[str, ...]] | None = None
    rules: FieldRules = NO_RULES  # date limits, name format, the sex an ID must encode
    group: str = ""  # the review heading (a block name, or `group:`); "" = the procedure's own

    def shown(self, answers: Mapping[str, object]) -> bool:
        """Whether the field applies, given the answers so far."""
        if self.show_if is None:
            return True
        key, values = self.show_if
        value = answers.get(key)
        if value is None or value == "":
            return False
        return "*" in values or str(value) in values


@dataclass(frozen=True, slots=True)
class DocumentSpec:
    """One component (thành phần hồ sơ) the citizen attaches."""

    key: str
    name: LocalText
    required: bool
    accepted: tuple[str, ...] = ("pdf", "jpeg", "png")
    hint: LocalText | None = None
    inferred: bool = False


@dataclass(frozen=True, slots=True)
class FeeItem:
    """One fee or charge (phí, lệ phí); amounts in VND, None when set locally at reception."""

    key: str
    name: LocalText
    amount: int | None
    online_amount: int | None = None
    # The rule parts (services.fee_rules); services.fees.quote_fee applies them to answers.
    per: Quantity | None = None
    times: Quantity | None = None  # a second multiplier, e.g. copies of a priced page count
    tiers: tuple[Tier, ...] = ()
    cap: int | None = None  # at most this much per `times` unit (or in all)
    cases: tuple[PriceCase, ...] = ()
    exemptions: tuple[Exemption, ...] = ()
    valid_from: date | None = None
    valid_until: date | None = None
    source: str = ""
    inferred: bool = False

    @property
    def depends_on_answers(self) -> bool:
        """Whether the amount changes with the answers (so the card shows a rule)."""
        return bool(self.per or self.times or self.exemptions or any(c.when for c in self.cases))

    @property
    def payable_online(self) -> int | None:
        """The amount due when filing online: the online price where it is lower."""
        if self.amount is None:
            return None
        if self.online_amount is not None and self.online_amount < self.amount:
            return self.online_amount
        return self.amount


@dataclass(frozen=True, slots=True)
class Sector:
    """A sector (lĩnh vực) grouping procedures for browsing."""

    id: str
    name: LocalText


@dataclass(frozen=True, slots=True)
class Procedure:
    """An administrative procedure (thủ tục hành chính) with its e-form and requirements."""

    id: str
    code: str | None
    name: LocalText
    summary: LocalText
    sector_id: str
    level: Level
    agency_kind: AgencyKind
    fields: tuple[FieldSpec, ...]
    documents: tuple[DocumentSpec, ...]
    fees: tuple[FeeItem, ...]
    processing_days: int
    processing_note: LocalText
    result: LocalText
    provincial_agency_id: str | None = None
    aliases: tuple[str, ...] = ()
    fee_note: LocalText | None = None
    code_inferred: bool = False
    inferred: bool = False
    # What the procedure really offers: result forms (values of the delivery select; empty:
    # every form) and the in-person visits it needs even when filed online.
    result_forms: tuple[str, ...] = ()
    visits: tuple[Visit, ...] = ()
    source: str = ""
    counter_payment: bool = False  # the fee may be paid at the one-stop counter instead
    checks: tuple[Check, ...] = ()  # cross-field rules (IDs differ, dates in order, age gaps)
    groups: tuple[FieldGroup, ...] = ()  # review headings of the groups its fields use

    def field(self, key: str) -> FieldSpec | None:
        """Return the field with `key`, if the form has one."""
        for spec in self.fields:
            if spec.key == key:
                return spec
        return None

    def shown_fields(self, answers: Mapping[str, object]) -> tuple[FieldSpec, ...]:
        """The fields that apply given the answers (conditional fields may drop out)."""
        return tuple(spec for spec in self.fields if spec.shown(answers))

    @property
    def online_fee(self) -> int | None:
        """The base total online, before any rule (services.fees.quote_fee gives the real one)."""
        amounts = [item.payable_online for item in self.fees]
        if any(amount is None for amount in amounts):
            return None
        return sum(amount for amount in amounts if amount is not None)

    @property
    def counter_fee(self) -> int | None:
        """The base total at the counter, before any rule (see services.fees.quote_fee)."""
        amounts = [item.amount for item in self.fees]
        if any(amount is None for amount in amounts):
            return None
        return sum(amount for amount in amounts if amount is not None)


@dataclass(frozen=True, slots=True)
class Ward:
    """A commune-level unit (xã, phường, đặc khu) of the two-level administration."""

    code: str
    name: str
    kind: str
    province_code: str


@dataclass(frozen=True, slots=True)
class Province:
    """A province-level unit with its commune-level units."""

    code: str
    name: str
    wards: tuple[Ward, ...] = field(default=())


@dataclass(frozen=True, slots=True)
class Agency:
    """A handling agency: a provincial body, or a commune committee or police station."""

    id: str
    code: str
    short_code: str
    name: LocalText
    kind: AgencyKind
    ward_code: str | None = None
