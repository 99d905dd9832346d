"""Vietnamese messages of the status feature (follow, pushes, reminders, supplements)."""

MESSAGES: dict[str, str] = {
    # ------------------------------------------------------------------ pushes
    "push.status": (
        "🔔 <b>Hồ sơ {code}</b> đã chuyển trạng thái\nThủ tục: {procedure}\n"
        "Trạng thái mới: <b>{status}</b>\nLúc: {at}\nNgày hẹn trả: {due}{note}{extra}"
    ),
    "push.note": "\nGhi chú của cơ quan: <i>{note}</i>",
    "push.extra_supplement": (
        "\n\n📎 Cơ quan yêu cầu bổ sung:\n{lines}\nBấm <b>Nộp bổ sung</b> rồi gửi tệp ngay trong "
        "cuộc trò chuyện này. Thời hạn giải quyết tạm dừng cho đến khi bạn bổ sung."
    ),
    "push.extra_result": ("\n\n✅ Kết quả đã có trong <b>Kho dữ liệu</b> của bạn (/documents)."),
    "push.extra_refused": "\n\nHồ sơ không được tiếp nhận. Bạn có thể nộp lại hồ sơ mới.",
    "push.extra_payment": "\n\nCơ quan yêu cầu thực hiện nghĩa vụ tài chính: xem hướng dẫn trong ghi chú.",
    "push.follower": (
        "🔔 <b>Hồ sơ {code}</b> bạn đang theo dõi đã chuyển trạng thái\nThủ tục: {procedure}\n"
        "Trạng thái mới: <b>{status}</b>\nLúc: {at}\nNgày hẹn trả: {due}"
    ),
    "push.supplement_line": "• {name}",
    "push.open": "📄 Xem hồ sơ",
    "push.supplement_button": "📎 Nộp bổ sung",
    "push.documents": "🗂 Kho dữ liệu",
    "push.unfollow": "🔕 Bỏ theo dõi",
    # ------------------------------------------------------------------ reminders
    "remind.payment": (
        "⏰ Hồ sơ <b>{code}</b> ({procedure}) vẫn chờ thanh toán lệ phí {amount}. Hồ sơ chỉ được "
        "gửi tới cơ quan sau khi thanh toán. Mã QR còn hiệu lực đến {expires}."
    ),
    "remind.supplement": (
        "⏰ Hồ sơ <b>{code}</b> ({procedure}) đang chờ bạn bổ sung giấy tờ từ {since}:\n{lines}\n"
        "Bấm <b>Nộp bổ sung</b> để gửi tệp."
    ),
    "remind.due_tomorrow": (
        "📅 Hồ sơ <b>{code}</b> ({procedure}) có ngày hẹn trả kết quả là ngày mai, {due}."
    ),
    "remind.overdue": (
        "⚠️ Hồ sơ <b>{code}</b> ({procedure}) đã quá ngày hẹn trả {due}. Cơ quan giải quyết có "
        "trách nhiệm thông báo lý do và hẹn lại ngày trả kết quả. Bạn có thể tra cứu bằng /status."
    ),
    "remind.pay_button": "💳 Thanh toán",
    # ------------------------------------------------------------------ follow
    "follow.usage": (
        "Gõ <code>/follow MÃ-HỒ-SƠ</code> để nhận thông báo mỗi khi hồ sơ đổi trạng thái, ví dụ "
        "<code>/follow {example}</code>."
    ),
    "unfollow.usage": "Gõ <code>/unfollow MÃ-HỒ-SƠ</code> để thôi nhận thông báo của hồ sơ đó.",
    "follow.already": "Bạn đang theo dõi hồ sơ <b>{code}</b> rồi.",
    "follow.own": (
        "Hồ sơ <b>{code}</b> là của bạn: bạn luôn nhận thông báo trên mọi kênh đã đăng nhập, "
        "không cần theo dõi thêm."
    ),
    "follow.button": "🔔 Theo dõi hồ sơ này",
    "unfollow.done": "🔕 Đã bỏ theo dõi hồ sơ <b>{code}</b>.",
    "unfollow.not_following": "Bạn không theo dõi hồ sơ <b>{code}</b>.",
    # ------------------------------------------------------------------ supplement
    "supplement.not_requested": (
        "Hồ sơ <b>{code}</b> hiện không có yêu cầu bổ sung (trạng thái: {status})."
    ),
    "supplement.not_yours": "Chỉ người nộp hồ sơ mới gửi được giấy tờ bổ sung.",
    "supplement.checklist": (
        "<b>Bổ sung hồ sơ {code}</b>\n{note}Cơ quan yêu cầu:\n{lines}\n\n{active}"
        "Gửi tệp PDF, JPG hoặc PNG (tối đa 10 MB) ngay trong cuộc trò chuyện."
    ),
    "supplement.note": "Ghi chú của cơ quan: <i>{note}</i>\n",
    "supplement.line_missing": "❌ {name}",
    "supplement.line_done": "✅ {name}: {files}",
    "supplement.active": "Tệp tiếp theo sẽ dùng cho: <b>{name}</b>\n",
    "supplement.choose": "📎 Gửi cho: {name}",
    "supplement.send": "📤 Gửi bổ sung",
    "supplement.received": "Đã nhận tệp <b>{name}</b> cho {component}.",
    "supplement.missing": "Còn thiếu:\n{lines}\nVui lòng gửi đủ trước khi bấm Gửi bổ sung.",
    "supplement.sent": (
        "✅ Đã gửi bổ sung cho hồ sơ <b>{code}</b>. Hồ sơ trở lại cơ quan để xử lý tiếp; "
        "ngày hẹn trả mới: {due}."
    ),
    "supplement.cancelled": "Đã dừng bổ sung. Bạn có thể tiếp tục bất cứ lúc nào từ thông báo.",
    # ------------------------------------------------------------------ documents
    "documents.result_caption": "📄 Kết quả hồ sơ: {name}",
}
