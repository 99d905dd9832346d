"""Vietnamese texts of fee rules, quotes, result forms and in-person visits."""

from __future__ import annotations

MESSAGES: dict[str, str] = {
    "fees.changed": (
        "⚠️ Phí, lệ phí đã thay đổi từ {before} thành <b>{after}</b>: mức thu áp dụng là mức "
        "của ngày nộp hồ sơ (giờ Việt Nam). Vui lòng kiểm tra lại trước khi nộp."
    ),
    "fees.lines": "{lines}",
    "fees.at_reception": "mức thu xác định khi tiếp nhận",
    "fees.per_unit": "{amount}/{unit}",
    "fees.per_unit_beyond": "{amount}/{unit} từ {unit} thứ {from}",
    "fees.tier_upto": "{amount}/{unit} ({unit} {from}–{to})",
    "fees.tier_rest": "{amount}/{unit} từ {unit} thứ {from}",
    "fees.cap": "tối đa {amount}/{unit}",
    "fees.case_until": "{note} đến {until}: {amount}",
    "fees.case_from": "{note} từ {from}: {amount}",
    "fees.case_free": "{note}",
    "fees.case_when": "{amount} cho {note}",
    "fees.exemption": "{note}",
    "fees.same_exemptions": "miễn, giảm như trên",
    "fees.item": "\n• {name}: {rule}",
    "fees.quote": "<b>{total}</b>{lines}",
    "fees.quote_at_reception": "Mức thu được thông báo khi tiếp nhận hồ sơ{lines}",
    "fees.line_units": "\n• {name}: {quantity} {unit_name} × {unit} = {amount}{notes}",
    "fees.line_flat": "\n• {name}: {amount}{notes}",
    "fees.line_note": " ({note})",
    "fees.result": "{result}{forms}{visits}",
    "fees.result_forms": "\nHình thức nhận kết quả: {forms}",
    "fees.result_forms_paper": "\nHình thức nhận kết quả: {forms} (không có kết quả điện tử)",
    "fees.visits": "\n<b>Cần đến trực tiếp:</b>{visits}",
    "fees.visit": "\n• {purpose} — {when}: {place}",
    "fees.purpose.biometrics": "thu nhận ảnh khuôn mặt, vân tay, mống mắt",
    "fees.purpose.signing": "ký trước mặt người có thẩm quyền",
    "fees.purpose.originals": "xuất trình bản chính giấy tờ",
    "fees.purpose.presence": "có mặt trực tiếp",
    "fees.when.before_result": "sau khi nộp, trước khi có kết quả",
    "fees.when.at_result": "khi nhận kết quả",
    "fees.summary_fee": "{quote}{visits}",
    "fees.summary_visits": "\n⚠️ Lưu ý trước khi nộp phí:{visits}",
    "fees.payment_request": "{request}\n\n<b>Chi tiết phí, lệ phí:</b>{lines}",
}
