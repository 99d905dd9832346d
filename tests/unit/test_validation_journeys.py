"""Birth registration through the router, checked as a clerk would check the paper form."""

from __future__ import annotations

import re
from itertools import pairwise

from conversations.messages import Text
from services.catalog_index import Catalog
from tests.chat import ChatDriver
from tests.unit.test_form_flow import CHOICES, GOOD, answer, current_field, open_birth_form

MOTHER_ID = GOOD["me_so_dinh_danh"]  # 004 1 95 …: a woman born in 1995
FATHER_ID = GOOD["cha_so_dinh_danh"]  # 004 0 93 …: a man born in 1993


async def fill_until(chat: ChatDriver, catalog: Catalog, stop: str, **typed: str) -> None:
    """Answer with the good answers (or `typed` ones) until the form asks `stop`."""
    for _ in range(40):
        key = current_field(chat, catalog)
        if key == stop:
            return
        if key in typed:
            await chat.send(typed[key])
        else:
            await answer(chat, catalog, key)
    raise AssertionError(f"the form never asked {stop}")


def refusal(chat: ChatDriver) -> Text:
    """The reason of the refusal the last reply opens with."""
    return refusal_in(chat, "form.question")


def refusal_in(chat: ChatDriver, asked: str) -> Text:
    """The reason of a refusal, followed by the same question (`asked`)."""
    assert chat.keys == ["form.invalid", asked], chat.keys
    reason = chat.replies[0].text.params["reason"]
    assert isinstance(reason, Text)
    return reason


async def test_a_mothers_id_with_a_mans_digit_is_refused(
    chat: ChatDriver, catalog: Catalog
) -> None:
    await open_birth_form(chat)
    await fill_until(chat, catalog, "me_so_dinh_danh")
    await chat.send("004095012345")  # 4th digit 0: a man born in the 1900s
    assert refusal(chat).key == "error.cccd_not_female"
    assert "Số định danh của mẹ" in chat.text(chat.replies[0])  # the message names the field
    assert "(0)" in chat.text(chat.replies[0])
    assert current_field(chat, catalog) == "me_so_dinh_danh"
    await chat.send(MOTHER_ID)
    assert current_field(chat, catalog) == "cha_ho_ten"


async def test_a_fathers_id_with_a_womans_digit_is_refused(
    chat: ChatDriver, catalog: Catalog
) -> None:
    await open_birth_form(chat)
    await fill_until(chat, catalog, "cha_so_dinh_danh")
    await chat.send("004193054321")  # 4th digit 1: a woman born in the 1900s
    assert refusal(chat).key == "error.cccd_not_male"
    assert "Số định danh của cha" in chat.text(chat.replies[0])
    await chat.send(FATHER_ID)
    assert current_field(chat, catalog) == "quan_he_nguoi_yeu_cau"


async def test_the_fathers_id_is_not_asked_when_his_name_is_skipped(
    chat: ChatDriver, catalog: Catalog
) -> None:
    await open_birth_form(chat)
    await fill_until(chat, catalog, "cha_ho_ten")
    await chat.press("Bỏ qua")
    assert current_field(chat, catalog) == "quan_he_nguoi_yeu_cau"
    await chat.press("Quay lại")
    assert current_field(chat, catalog) == "cha_ho_ten"
    await chat.send(GOOD["cha_ho_ten"])
    assert current_field(chat, catalog) == "cha_so_dinh_danh"


async def test_a_child_born_before_the_mother_is_refused(
    chat: ChatDriver, catalog: Catalog
) -> None:
    await open_birth_form(chat)
    await fill_until(chat, catalog, "me_so_dinh_danh", ngay_sinh_tre="01/11/1990")
    await chat.send(MOTHER_ID)  # she was born in 1995
    reason = refusal(chat)
    assert reason.key == "error.check_born_before"
    assert (reason.params["older_year"], reason.params["younger_year"]) == (1995, 1990)
    said = chat.text(chat.replies[0])
    assert "Số định danh của mẹ" in said and "Ngày, tháng, năm sinh" in said
    assert current_field(chat, catalog) == "me_so_dinh_danh"
    await chat.send("004320012345")  # a girl born in 2020 is still born after the child
    assert refusal(chat).key == "error.check_born_before"


async def test_a_parent_too_young_for_the_child_is_refused(
    chat: ChatDriver, catalog: Catalog
) -> None:
    await open_birth_form(chat)
    await fill_until(chat, catalog, "me_so_dinh_danh")  # the child is born on 01/11/2026
    await chat.send("004320012345")  # a girl born in 2020
    reason = refusal(chat)
    assert reason.key == "error.check_age_gap"
    assert (reason.params["gap"], reason.params["years"]) == (6, 12)


async def test_an_earlier_edit_that_breaks_a_rule_is_named_in_the_review(
    chat: ChatDriver, catalog: Catalog
) -> None:
    await open_birth_form(chat)
    for _ in range(40):
        if chat.last.text.key == "form.review":
            break
        await answer(chat, catalog, current_field(chat, catalog))
    assert chat.keys == ["form.review"]
    await chat.press("✏️ Ngày, tháng, năm sinh")
    await chat.send("01/11/1990")  # the child's date, now before the mother's birth year
    assert chat.keys == ["validation.review_problems", "form.review"]
    notice = chat.text(chat.replies[0])
    assert "Số định danh của mẹ" in notice and "1995" in notice and "1990" in notice
    edits = [chat.label(b) for b in chat.buttons(chat.replies[0])]
    # Both parents were born after 1990: each broken rule is named, each field offered to edit.
    assert edits == ["✏️ Số định danh của mẹ", "✏️ Ngày, tháng, năm sinh", "✏️ Số định danh của cha"]
    assert "Số định danh của cha" in notice and "1993" in notice
    await chat.press("Xác nhận tờ khai")
    assert chat.keys == ["validation.review_problems", "form.review"]  # not confirmed
    await chat.press("✏️ Ngày, tháng, năm sinh")
    await chat.send(GOOD["ngay_sinh_tre"])
    assert chat.keys == ["form.review"]
    await chat.press("Xác nhận tờ khai")
    assert chat.keys == ["form.final", "docs.checklist"]


async def counters(chat: ChatDriver, catalog: Catalog, choices: dict[str, str]) -> list[str]:
    """Walk the whole form; the "Câu i/n" of every question asked."""
    seen: list[str] = []
    for _ in range(40):
        if chat.last.text.key == "form.review":
            return seen
        counter = re.search(r"Câu (\d+/\d+)\.", chat.text())  # address questions count too
        assert counter is not None, chat.text()
        seen.append(counter.group(1))
        key = current_field(chat, catalog)
        if key in choices:
            await chat.press(choices[key])
        else:
            await answer(chat, catalog, key)
    raise AssertionError("the form never reached the review")


def _numbers(seen: list[str]) -> list[tuple[int, int]]:
    return [(int(n), int(t)) for n, t in (s.split("/") for s in seen)]


async def test_the_question_counter_never_jumps(chat: ChatDriver, catalog: Catalog) -> None:
    await open_birth_form(chat)
    pairs = _numbers(await counters(chat, catalog, CHOICES))  # postal delivery: 3 more questions
    numbers = [n for n, _ in pairs]
    assert all(n <= total for n, total in pairs), pairs
    assert all(b - a == 1 for a, b in pairwise(numbers)), numbers
    # The total announced at the start holds (it was "22/22" and then "23/25").
    assert {total for _, total in pairs} == {25}
    assert pairs[-1] == (25, 25)


async def test_skipping_the_fathers_name_lowers_the_total_and_never_passes_it(
    chat: ChatDriver, catalog: Catalog
) -> None:
    await open_birth_form(chat)
    await fill_until(chat, catalog, "cha_ho_ten")
    await chat.press("Bỏ qua")
    in_person = {**CHOICES, "hinh_thuc_nhan_kq": "trực tiếp"}
    pairs = _numbers(await counters(chat, catalog, in_person))
    assert pairs[0][1] == 24  # the father's ID no longer counts
    assert pairs[-1] == (21, 24) and all(n <= total for n, total in pairs)


async def test_the_review_is_grouped_by_block(chat: ChatDriver, catalog: Catalog) -> None:
    await open_birth_form(chat)
    for _ in range(40):
        if chat.last.text.key == "form.review":
            break
        await answer(chat, catalog, current_field(chat, catalog))
    review = chat.text()
    headings = [
        "Người nộp hồ sơ",
        "Người được khai sinh",
        "Thông tin người mẹ",
        "Thông tin người cha",
        "Nội dung đề nghị",
        "Nhận kết quả",
    ]
    where = [review.index(f"\n{h}\n") for h in headings]
    assert where == sorted(where), where
    mother, father = where[2], where[3]
    assert mother < review.index("Họ tên mẹ") < review.index("Số định danh của mẹ") < father
    assert where[0] < review.index("Quan hệ với người được khai sinh") < where[1]
    assert where[5] < review.index("Họ tên người nhận kết quả")
    chat.lang = "en"
    assert "\nThe mother\n" in chat.text()


async def test_names_and_phones_get_messages_naming_the_real_problem(
    chat: ChatDriver, catalog: Catalog
) -> None:
    await open_birth_form(chat)
    await chat.send("Nông Thị 2")
    assert refusal(chat).key == "error.name_digits"
    assert "Họ và tên" in chat.text(chat.replies[0])
    await chat.send("Nông Thị Hoa!")
    assert refusal(chat).key == "error.name_symbol"
    await chat.send("H’Hen Niê")  # an Ê Đê name with its apostrophe is a name
    assert current_field(chat, catalog) == "ngay_sinh"
    await fill_until(chat, catalog, "so_dien_thoai")
    for typed, reason in (
        ("0206 3852 123", "error.phone_landline"),
        ("09l2 345 678", "error.phone_letters"),
        ("091 234 567", "error.phone_too_short"),
        ("01623 456 789", "error.phone_old_prefix"),
        ("912 345 678", "error.phone_missing_zero"),
    ):
        await chat.send(typed)
        assert refusal(chat).key == reason, typed
        assert "Điện thoại di động" in chat.text(chat.replies[0])
    await chat.send("+84 912 345 678")
    assert current_field(chat, catalog) == "email"


async def test_login_names_the_real_problem_with_a_phone(chat: ChatDriver) -> None:
    await chat.send("/login")
    await chat.press("Tôi đồng ý")
    await chat.send("004195118046")
    assert chat.keys == ["login.ask_phone"]
    for typed, reason in (
        ("0206 3852 123", "error.phone_landline"),
        ("0912 345", "error.phone_too_short"),
    ):
        await chat.send(typed)
        assert refusal_in(chat, "login.ask_phone").key == reason
        assert "Số điện thoại di động" in chat.text(chat.replies[0])
