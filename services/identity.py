"""Vietnamese personal ID numbers (số định danh cá nhân) and mobile numbers."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from enum import StrEnum

# Birth-registration province codes (the 63 pre-2025 GSO codes); the 2025 merger renumbered
# no ID card, so every one of them stays valid.
ID_PROVINCES: dict[str, str] = {
    "001": "Hà Nội", "002": "Hà Giang", "004": "Cao Bằng", "006": "Bắc Kạn",
    "008": "Tuyên Quang", "010": "Lào Cai", "011": "Điện Biên", "012": "Lai Châu",
    "014": "Sơn La", "015": "Yên Bái", "017": "Hòa Bình", "019": "Thái Nguyên",
    "020": "Lạng Sơn", "022": "Quảng Ninh", "024": "Bắc Giang", "025": "Phú Thọ",
    "026": "Vĩnh Phúc", "027": "Bắc Ninh", "030": "Hải Dương", "031": "Hải Phòng",
    "033": "Hưng Yên", "034": "Thái Bình", "035": "Hà Nam", "036": "Nam Định",
    "037": "Ninh Bình", "038": "Thanh Hóa", "040": "Nghệ An", "042": "Hà Tĩnh",
    "044": "Quảng Bình", "045": "Quảng Trị", "046": "Thừa Thiên Huế", "048": "Đà Nẵng",
    "049": "Quảng Nam", "051": "Quảng Ngãi", "052": "Bình Định", "054": "Phú Yên",
    "056": "Khánh Hòa", "058": "Ninh Thuận", "060": "Bình Thuận", "062": "Kon Tum",
    "064": "Gia Lai", "066": "Đắk Lắk", "067": "Đắk Nông", "068": "Lâm Đồng",
    "070": "Bình Phước", "072": "Tây Ninh", "074": "Bình Dương", "075": "Đồng Nai",
    "077": "Bà Rịa - Vũng Tàu", "079": "TP Hồ Chí Minh", "080": "Long An",
    "082": "Tiền Giang", "083": "Bến Tre", "084": "Trà Vinh", "086": "Vĩnh Long",
    "087": "Đồng Tháp", "089": "An Giang", "091": "Kiên Giang", "092": "Cần Thơ",
    "093": "Hậu Giang", "094": "Sóc Trăng", "095": "Bạc Liêu", "096": "Cà Mau",
}  # fmt: skip

_ID_SEPARATORS = re.compile(r"[\s.\-]")
_PHONE_SEPARATORS = re.compile(r"[\s.\-()]")
MOBILE_RE = re.compile(r"^0(3[2-9]|5[25689]|7[06-9]|8[1-9]|9[0-46-9])\d{7}$")

_CARRIERS: dict[str, str] = {
    **dict.fromkeys(("32", "33", "34", "35", "36", "37", "38", "39", "86", "96", "97", "98"),
                    "Viettel"),
    **dict.fromkeys(("81", "82", "83", "84", "85", "88", "91", "94"), "VinaPhone"),
    **dict.fromkeys(("70", "76", "77", "78", "79", "89", "90", "93"), "MobiFone"),
    **dict.fromkeys(("52", "56", "58", "92"), "Vietnamobile"),
    **dict.fromkeys(("59", "99"), "Gmobile"),
}  # fmt: skip


class Sex(StrEnum):
    """Sex as recorded on the ID card; the century digit's parity encodes it."""

    MALE = "nam"
    FEMALE = "nu"


class IdProblem(StrEnum):
    """Why a typed ID number was refused."""

    NOT_DIGITS = "not_digits"
    LENGTH = "length"
    PROVINCE = "province"
    FUTURE_YEAR = "future_year"
    BIRTH_YEAR_MISMATCH = "birth_year_mismatch"
    SEX_MISMATCH = "sex_mismatch"


@dataclass(frozen=True, slots=True)
class IdNumber:
    """A structurally valid 12-digit personal ID number, decoded."""

    number: str
    province_code: str
    birth_year: int
    sex: Sex

    @property
    def province_name(self) -> str:
        """Where the birth was registered."""
        return ID_PROVINCES[self.province_code]


class IdNumberError(ValueError):
    """A typed ID number that cannot be right; `problem` says why."""

    def __init__(self, problem: IdProblem, **params: str | int) -> None:
        super().__init__(problem.value)
        self.problem = problem
        self.params = params


def parse_id_number(text: str, today: date) -> IdNumber:
    """Validate and decode a 12-digit ID (PPP G YY RRRRRR); spaces and dots are ignored."""
    digits = _ID_SEPARATORS.sub("", text)
    if not digits.isascii() or not digits.isdigit():
        raise IdNumberError(IdProblem.NOT_DIGITS)
    if len(digits) != 12:
        raise IdNumberError(IdProblem.LENGTH, length=len(digits))
    province = digits[:3]
    if province not in ID_PROVINCES:
        raise IdNumberError(IdProblem.PROVINCE, code=province)
    century_sex = int(digits[3])
    birth_year = 1900 + (century_sex // 2) * 100 + int(digits[4:6])
    if birth_year > today.year:
        raise IdNumberError(IdProblem.FUTURE_YEAR, year=birth_year)
    sex = Sex.MALE if century_sex % 2 == 0 else Sex.FEMALE
    return IdNumber(digits, province, birth_year, sex)


def check_id_matches(id_number: IdNumber, birth_date: date | None, sex: Sex | None) -> None:
    """Raise `IdNumberError` when the ID disagrees with a typed birth date or sex."""
    if birth_date is not None and birth_date.year != id_number.birth_year:
        raise IdNumberError(
            IdProblem.BIRTH_YEAR_MISMATCH, id_year=id_number.birth_year, year=birth_date.year
        )
    if sex is not None and sex is not id_number.sex:
        raise IdNumberError(IdProblem.SEX_MISMATCH)


def normalise_mobile(text: str) -> str | None:
    """Return a Vietnamese mobile number as 10 digits starting with 0, or None if invalid."""
    raw = _PHONE_SEPARATORS.sub("", text)
    if raw.startswith("+84"):
        raw = "0" + raw[3:]
    elif raw.startswith("84") and len(raw) == 11:
        raw = "0" + raw[2:]
    if not raw.isascii() or not MOBILE_RE.match(raw):
        return None
    return raw


def carrier(mobile: str) -> str | None:
    """The network of a normalised mobile number, None for MVNOs and unknown prefixes."""
    return _CARRIERS.get(mobile[1:3])


def mask_id(number: str) -> str:
    """Mask an ID for display and logs: keep the first 3 and last 2 digits."""
    if len(number) < 6:
        return "*" * len(number)
    return number[:3] + "*" * (len(number) - 5) + number[-2:]


def mask_phone(mobile: str) -> str:
    """Mask a phone number for display and logs: 0912***678."""
    if len(mobile) < 7:
        return "*" * len(mobile)
    return mobile[:4] + "***" + mobile[-3:]
