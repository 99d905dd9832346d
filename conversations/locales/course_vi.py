"""Vietnamese messages of a citizen changing course: supplement from the card, withdrawal,
delivery address and phone changes, service rating (and its report)."""

MESSAGES: dict[str, str] = {
    "course.not_yours": (
        "⛔ Chỉ người nộp hồ sơ mới thực hiện được thao tác này. Bạn vẫn có thể tra cứu trạng "
        "thái bằng /status và mã hồ sơ."
    ),
    "course.status_now": "Hồ sơ <b>{code}</b> hiện ở trạng thái: <b>{status}</b>.",
    "course.too_long": "⚠️ Nội dung quá dài (tối đa {max} ký tự). Vui lòng gõ ngắn hơn.",
    # ------------------------------------------------------------------ the card
    "course.card_supplement": (
        "\n\n📎 <b>Cơ quan yêu cầu bổ sung</b> (từ {since}):\n{lines}{note}\n"
        "Bấm “Nộp bổ sung” để gửi giấy tờ."
    ),
    "course.card_note": "\nGhi chú của cán bộ: <i>{note}</i>",
    "course.card_withdrawn": "\n\n↩️ Bạn đã yêu cầu rút hồ sơ lúc {at}. Lý do: {reason}{detail}",
    "course.card_detail": " — <i>{detail}</i>",
    "course.card_changed": "\n✏️ Đã đổi {field} lúc {at}: {old} → <b>{new}</b>",
    "course.card_rated": "\n⭐ Bạn đã đánh giá: <b>{level}</b>",
    "course.field_address": "địa chỉ nhận kết quả",
    "course.field_phone": "số điện thoại liên hệ",
    "course.supplement_button": "📎 Nộp bổ sung",
    "course.address_button": "🏠 Đổi địa chỉ nhận kết quả",
    "course.phone_button": "📞 Đổi số điện thoại",
    "course.withdraw_button": "↩️ Rút hồ sơ",
    "course.rate_button": "⭐ Đánh giá dịch vụ",
    "course.refund_reason_withdrawn": "rút hồ sơ",
    # ------------------------------------------------------------------ withdrawal
    "course.reason_not_needed": "Không còn nhu cầu",
    "course.reason_wrong_procedure": "Nộp nhầm thủ tục/cơ quan",
    "course.reason_wrong_details": "Khai sai thông tin, sẽ nộp lại",
    "course.reason_too_slow": "Thời gian giải quyết quá lâu",
    "course.reason_other": "Lý do khác",
    "course.withdraw_not_allowed": (
        "Hồ sơ ở trạng thái này không rút được nữa: chỉ rút được khi cơ quan chưa giải quyết "
        "xong (mới đăng ký, đã tiếp nhận, đang xử lý, chờ bổ sung hoặc chờ nộp nghĩa vụ tài chính)."
    ),
    "course.withdraw_reason": (
        "↩️ <b>Rút hồ sơ {code}</b>\nVì sao bạn muốn rút hồ sơ? Chọn một lý do, hoặc gõ lý do "
        "của bạn."
    ),
    "course.withdraw_detail": "Vui lòng gõ lý do rút hồ sơ {code} (tối đa {max} ký tự).",
    "course.withdraw_account": (
        "Bạn đã nộp {amount}. Số tiền này sẽ được hoàn lại, nhưng tờ khai chưa có tài khoản "
        "nhận hoàn tiền. Vui lòng gõ theo mẫu: <code>Ngân hàng, số tài khoản, chủ tài khoản</code>"
        "\nVí dụ: <code>Vietcombank, 0123456789, NONG THI HOA</code>"
    ),
    "course.account_invalid": (
        "⚠️ Chưa đọc được tài khoản. Cần đủ 3 phần, cách nhau bằng dấu phẩy: tên ngân hàng, "
        "số tài khoản (6–19 chữ số), tên chủ tài khoản."
    ),
    "course.withdraw_refund": "\nSố tiền được hoàn: <b>{amount}</b>, vào {account}.",
    "course.withdraw_confirm": (
        "Xác nhận <b>rút hồ sơ {code}</b>?\nTrạng thái hiện tại: {status}\nLý do: {reason}{detail}"
        "{refund}\n\nSau khi rút, cơ quan sẽ dừng xử lý hồ sơ; muốn làm lại bạn phải nộp hồ sơ mới."
    ),
    "course.withdraw_yes": "✅ Xác nhận rút hồ sơ",
    "course.withdraw_changed": (
        "⚠️ Trạng thái hồ sơ vừa thay đổi trong lúc bạn xác nhận, nên hồ sơ <b>chưa</b> được "
        "rút. Vui lòng xem lại và bấm “Rút hồ sơ” nếu vẫn muốn rút."
    ),
    "course.withdrawn": (
        "✅ Đã gửi yêu cầu rút hồ sơ <b>{code}</b>. Cơ quan sẽ dừng xử lý và báo lại cho bạn."
    ),
    "course.withdraw_already": "Hồ sơ <b>{code}</b> đã được yêu cầu rút rồi, không cần bấm lại.",
    "course.withdraw_stale": (
        "Nút xác nhận này đã cũ. Nếu vẫn muốn rút hồ sơ <b>{code}</b>, bấm “Rút hồ sơ” bên dưới."
    ),
    "course.withdraw_cancelled": "Đã huỷ, hồ sơ <b>{code}</b> không bị rút.",
    # ------------------------------------------------------------------ address and phone
    "course.contact_not_allowed": (
        "Không đổi được nữa: chỉ đổi được địa chỉ, số điện thoại trước khi trả kết quả, và khi "
        "hồ sơ chưa bị rút, từ chối hay dừng xử lý."
    ),
    "course.contact_none": (
        "Hồ sơ <b>{code}</b> không có thông tin này để đổi (ví dụ: kết quả không gửi qua bưu điện)."
    ),
    "course.address_question": "🏠 <b>Địa chỉ nhận kết quả mới</b>",
    "course.phone_question": (
        "📞 Số điện thoại hiện tại: {old}\nGõ số điện thoại di động mới (10 chữ số, bắt đầu bằng 0)."
    ),
    "course.contact_confirm": (
        "Xác nhận đổi {field} của hồ sơ <b>{code}</b>?\nCũ: {old}\nMới: <b>{new}</b>"
    ),
    "course.contact_yes": "✅ Xác nhận thay đổi",
    "course.contact_unchanged": "Thông tin mới giống thông tin cũ, không có gì thay đổi.",
    "course.contact_changed": "✅ Đã đổi {field} của hồ sơ <b>{code}</b>.",
    "course.contact_stale": (
        "Không có thay đổi nào đang chờ xác nhận cho hồ sơ <b>{code}</b>; thông tin hiện tại "
        "ở bên dưới."
    ),
    "course.contact_cancelled": "Đã huỷ, thông tin không thay đổi.",
    # ------------------------------------------------------------------ rating
    "course.level": "{level}",
    "course.rate_question": (
        "⭐ <b>Đánh giá mức độ hài lòng</b> với việc giải quyết hồ sơ {code}:"
    ),
    "course.rate_already": "Bạn đã đánh giá hồ sơ <b>{code}</b>: <b>{level}</b>. Mỗi hồ sơ chỉ đánh giá một lần.",
    "course.rate_not_allowed": "Chỉ đánh giá được khi hồ sơ đã có kết quả hoặc bị từ chối.",
    "course.rate_thanks": "🙏 Cảm ơn bạn đã đánh giá: <b>{level}</b>.",
    "course.rate_comment": (
        "Bạn có muốn góp ý thêm? Gõ góp ý (tối đa {max} ký tự), hoặc bấm “Bỏ qua”."
    ),
    "course.rate_comment_kept": "✅ Đã ghi nhận góp ý của bạn. Cảm ơn bạn!",
    # ------------------------------------------------------------------ report
    "course.stats_ratings": "⭐ <b>Đánh giá của người dân theo cơ quan</b> (từ trước đến nay)\n{lines}",
    "course.stats_rating_line": (
        "• {agency}: {total} lượt, điểm trung bình {average}/4 ({levels}); {comments} góp ý"
    ),
    "course.stats_level_count": "{level}: {count}",
}
