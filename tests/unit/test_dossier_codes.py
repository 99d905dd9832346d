"""Dossier statuses move only along the national flow; codes and payment references survive
what citizens and banks do to them."""

from __future__ import annotations

import itertools
from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from services.dossier_codes import (
    MAX_REFERENCE,
    TERMINAL,
    AgencyForm,
    DossierCodeError,
    DossierStatus,
    TransitionError,
    allowed_next,
    check_transition,
    code_for_reference,
    find_reference,
    format_code,
    parse_code,
    payment_reference,
)

S = DossierStatus
ALLOWED = {
    (1, 2), (1, 3), (2, 4), (4, 5), (5, 2), (5, 4), (4, 6), (6, 4), (4, 9), (9, 10), (4, 8),
    (1, 7), (2, 7), (4, 7), (5, 7), (6, 7), (7, 8),
}  # fmt: skip


def test_the_ten_national_codes_with_both_labels() -> None:
    assert [int(s) for s in S] == list(range(1, 11))
    assert S(1).label("vi") == "Mới đăng ký" and S(10).label("vi") == "Đã trả kết quả"
    assert S(5).label("vi") == "Yêu cầu bổ sung giấy tờ"
    assert S(9).label("en") == "Result ready"
    assert all(s.label("vi") != s.label("en") for s in S)
    assert {S.REFUSED, S.STOPPED, S.RETURNED} == TERMINAL
    assert [s for s in S if s.terminal] == [S(3), S(8), S(10)]


@pytest.mark.parametrize(("old", "new"), list(itertools.product(S, S)))
def test_exactly_the_national_transitions_are_allowed(old: S, new: S) -> None:
    if (old, new) in ALLOWED:
        check_transition(old, new)
        assert new in allowed_next(old)
        return
    with pytest.raises(TransitionError) as caught:
        check_transition(old, new)
    assert caught.value.params["old"] == old and caught.value.params["new"] == new
    assert new not in allowed_next(old)


@pytest.mark.parametrize(("old", "new"), [(S(2), S(5)), (S(2), S(9)), (S(1), S(4)), (S(7), S(4))])
def test_shortcuts_are_refused_with_the_allowed_next_statuses(old: S, new: S) -> None:
    with pytest.raises(TransitionError) as caught:
        check_transition(old, new)
    assert caught.value.reason == "not_allowed"
    expected = ",".join(str(b) for a, b in sorted(ALLOWED) if a == old)
    assert caught.value.params["allowed"] == expected


def test_allowed_list_for_a_received_dossier() -> None:
    with pytest.raises(TransitionError) as caught:
        check_transition(S.RECEIVED, S.RESOLVED)
    assert caught.value.params["allowed"] == "4,7"


@pytest.mark.parametrize("closed", sorted(TERMINAL))
def test_closed_dossiers_never_move(closed: S) -> None:
    for new in S:
        with pytest.raises(TransitionError, match="terminal"):
            check_transition(closed, new)


def test_a_status_to_itself_is_not_a_transition() -> None:
    with pytest.raises(TransitionError, match="unchanged"):
        check_transition(S.PROCESSING, S.PROCESSING)


# --- codes -----------------------------------------------------------------------------------


def test_format_code_pads_the_sequence() -> None:
    assert format_code("H04.101", date(2025, 11, 25), 1) == "H04.101-251125-0001"
    assert format_code("000.00.15.H12", date(2026, 1, 5), 9999) == "000.00.15.H12-260105-9999"


@pytest.mark.parametrize("sequence", [0, -1, 10_000])
def test_format_code_refuses_sequences_outside_1_to_9999(sequence: int) -> None:
    with pytest.raises(DossierCodeError, match="sequence"):
        format_code("H04.101", date(2025, 11, 25), sequence)


@pytest.mark.parametrize("agency", ["", "H04", "h04.101", "H04.1011", "00.00.15.H12", "X"])
def test_format_code_refuses_bad_agency_codes(agency: str) -> None:
    with pytest.raises(DossierCodeError, match="agency_code"):
        format_code(agency, date(2025, 11, 25), 1)


def test_format_code_refuses_a_year_yy_cannot_hold() -> None:
    with pytest.raises(DossierCodeError, match="day"):
        format_code("H04.101", date(2100, 1, 1), 1)


@pytest.mark.parametrize(
    ("typed", "text", "form"),
    [("H04.101-251125-0001", "H04.101-251125-0001", AgencyForm.SHORT),
     ("  h04.101-251125-0001 ", "H04.101-251125-0001", AgencyForm.SHORT),
     ("H04.101 - 251125 - 0001", "H04.101-251125-0001", AgencyForm.SHORT),
     ("H04.101 251125 0001", "H04.101-251125-0001", AgencyForm.SHORT),
     ("H15.50–251203–2035", "H15.50-251203-2035", AgencyForm.SHORT),
     ("000.00.15.h12-240115-0001", "000.00.15.H12-240115-0001", AgencyForm.FULL),
     ("000.00.01.H29 240115 0001", "000.00.01.H29-240115-0001", AgencyForm.FULL)],
)  # fmt: skip
def test_parse_code_reads_what_citizens_type(typed: str, text: str, form: AgencyForm) -> None:
    code = parse_code(typed)
    assert code is not None and code.text == text and code.form is form


def test_parse_code_decodes_the_parts() -> None:
    code = parse_code("H15.50-251203-2035")
    assert code is not None
    assert (code.agency, code.day, code.sequence) == ("H15.50", date(2025, 12, 3), 2035)


@pytest.mark.parametrize(
    "typed",
    ["", "H04.101-251125", "H04.101-251125-001", "H04.101-251125-00001", "H04.101-251325-0001",
     "H04.101-250230-0001", "H04.101-251125-0000", "H04.1011-251125-0001", "H4.101-251125-0001",
     "H04.101--251125-0001", "H04.101-251125-0001x", "03706/2026/07906", "H04.101_251125_0001",
     "00.00.15.H12-240115-0001", "H04.101-٢٥١١٢٥-0001", "x" * 10_000],
)  # fmt: skip
def test_parse_code_refuses_what_is_not_a_code(typed: str) -> None:
    assert parse_code(typed) is None


short_agencies = st.builds(
    lambda letter, nn, unit: f"{letter}{nn:02d}.{unit}",
    st.sampled_from("ABHKTZ"), st.integers(0, 99), st.from_regex(r"[0-9]{1,3}", fullmatch=True),
)  # fmt: skip
full_agencies = st.from_regex(r"[0-9]{3}\.[0-9]{2}\.[0-9]{2}\.[A-Z][0-9]{2}", fullmatch=True)
agencies = st.one_of(short_agencies, full_agencies)
days = st.dates(date(2000, 1, 1), date(2099, 12, 31))
sequences = st.integers(1, 9999)


@given(agencies, days, sequences, st.sampled_from(["-", " - ", " ", "  ", "\u2013"]),
       st.booleans(), st.text(" \t", max_size=3))  # fmt: skip
def test_every_formatted_code_parses_back_however_typed(
    agency: str, day: date, sequence: int, dash: str, lower: bool, pad: str
) -> None:
    text = format_code(agency, day, sequence)
    typed = pad + text.replace("-", dash) + pad
    code = parse_code(typed.lower() if lower else typed)
    assert code is not None
    assert (code.agency, code.day, code.sequence, code.text) == (agency, day, sequence, text)
    assert code.form is (AgencyForm.FULL if agency.count(".") == 3 else AgencyForm.SHORT)


@given(st.text(max_size=80))
def test_parse_code_never_raises(text: str) -> None:
    parse_code(text)


# --- payment references ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("code", "reference"),
    [("H04.101-251125-0001", "LP 101H04 251125 0001"),
     ("H15.50-251203-2035", "LP 50H15 251203 2035"),
     ("H04.0-251125-0042", "LP 0H04 251125 0042"),
     ("000.00.15.H12-240115-0001", "LP 0000015H12 240115 0001")],
)  # fmt: skip
def test_payment_reference_format(code: str, reference: str) -> None:
    assert payment_reference(code) == reference
    assert code_for_reference(reference) == code


def test_payment_reference_accepts_a_code_as_typed() -> None:
    assert payment_reference(" h04.101 251125 0001 ") == "LP 101H04 251125 0001"


def test_payment_reference_refuses_what_is_not_a_code() -> None:
    with pytest.raises(DossierCodeError, match="code"):
        payment_reference("DH123")


@given(agencies, days, sequences)
def test_references_are_short_ascii_and_lead_back_to_their_code(
    agency: str, day: date, sequence: int
) -> None:
    code = format_code(agency, day, sequence)
    reference = payment_reference(code)
    assert len(reference) <= MAX_REFERENCE
    assert all(c.isascii() and (c.isupper() or c.isdigit() or c == " ") for c in reference)
    assert code_for_reference(reference) == code


@given(st.tuples(agencies, days, sequences), st.tuples(agencies, days, sequences))
def test_different_codes_never_share_a_reference(
    a: tuple[str, date, int], b: tuple[str, date, int]
) -> None:
    code_a, code_b = format_code(*a), format_code(*b)
    if code_a != code_b:
        assert payment_reference(code_a) != payment_reference(code_b)


def test_references_of_agencies_differing_only_by_unit_digits_differ() -> None:
    # Without the unit-first layout, H04.1 + 0 and H04.10 would blur once spaces are gone.
    refs = {payment_reference(f"H04.{unit}-251125-0001") for unit in ("1", "10", "100", "01")}
    assert len(refs) == 4
    for unit in ("1", "10", "100", "01"):
        compact = payment_reference(f"H04.{unit}-251125-0001").replace(" ", "") + "1234"
        assert code_for_reference(find_reference(compact) or "") == f"H04.{unit}-251125-0001"


@pytest.mark.parametrize(
    "description",
    ["LP 101H04 251125 0001",
     "MBVCB.1234.LP 101H04 251125 0001.CT tu 0123 NGUYEN VAN A",
     "lp 101h04 251125 0001",
     "LP101H042511250001",
     "LP-101H04-251125-0001-0987654321",
     "LP.101H04.251125.0001",
     "IBFT LP101H04 2511250001 FT25329123456789",
     "NGUYEN VAN A chuyen tien LP 101 H04 251 125 0001 GD 123456-112525 10:15:02",
     "TKThe :0123456789, tu 970415 LP 101H04 251125 0001 toi LP 9H99",
     "HELP LP 101H04 251125 0001"],
)  # fmt: skip
def test_find_reference_in_mangled_bank_descriptions(description: str) -> None:
    assert find_reference(description) == "LP 101H04 251125 0001"


@pytest.mark.parametrize(
    "description",
    ["", "chuyen tien", "LP 101H04 251125", "LP 101H04 251325 0001", "LP 101H04 251125 0000",
     "LP 1010H04 251125 0001", "101H04 251125 0001", "LP 101H0 251125 0001", "DH123456"],
)  # fmt: skip
def test_find_reference_finds_nothing_where_there_is_none(description: str) -> None:
    assert find_reference(description) is None


def test_find_reference_skips_an_impossible_candidate_and_finds_the_real_one() -> None:
    assert find_reference("LP 1H04 999999 0001 LP 1H04 251125 0002") == "LP 1H04 251125 0002"


separators = st.sampled_from(["", " ", "  ", ".", "-", "_", "/", " - ", "\n"])
noise = st.text(alphabet=st.sampled_from("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdeđơư0123456789 .-:,/"),
                max_size=40)  # fmt: skip


@given(agencies, days, sequences, st.lists(separators, min_size=3, max_size=3), noise, noise,
       st.booleans())  # fmt: skip
def test_find_reference_survives_any_bank_mangling(
    agency: str,
    day: date,
    sequence: int,
    seps: list[str],
    before: str,
    after: str,
    lower: bool,
) -> None:
    reference = payment_reference(format_code(agency, day, sequence))
    parts = reference.split(" ")
    mangled = parts[0] + seps[0] + parts[1] + seps[1] + parts[2] + seps[2] + parts[3]
    description = before + (mangled.lower() if lower else mangled) + after
    found = find_reference(description)
    # Noise before the reference could itself hold a whole reference; it only ever wins then.
    if find_reference(before) is None:
        assert found == reference


@given(st.text(max_size=300))
def test_find_reference_never_raises(text: str) -> None:
    found = find_reference(text)
    assert found is None or code_for_reference(found) is not None
