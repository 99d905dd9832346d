"""Vietnamese messages of the hand-over to the one-stop system (services.handover)."""

MESSAGES: dict[str, str] = {
    "handover.accepted": (
        "🏛 <b>Hồ sơ {code}</b> đã được chuyển tới Hệ thống một cửa của tỉnh\n"
        "Thủ tục: {procedure}\nMã hồ sơ tại Hệ thống một cửa: <b>{remote}</b>\n"
        "Thời điểm tiếp nhận: {at}\nCán bộ sẽ xử lý hồ sơ từ đây; bạn vẫn nhận thông báo "
        "trạng thái tại đây."
    ),
    "handover.card": ("{card}\n\n🏛 Mã tại Hệ thống một cửa: <b>{remote}</b> (tiếp nhận lúc {at})"),
    "handover.dead_none": "Không có hồ sơ nào chuyển sang Hệ thống một cửa bị lỗi.",
    "handover.dead_list": (
        "📮 <b>Chuyển hồ sơ lỗi</b> ({count}):\n{lines}\n\nGửi lại: <code>/guilai MÃ_SỰ_KIỆN</code>"
    ),
    "handover.dead_line": "• <code>{key}</code> · {code} · {kind} · {attempts} lần · {error}",
    "handover.resent": "↻ Đã đưa <code>{event}</code> vào hàng đợi gửi lại.",
    "handover.not_dead": "Không có sự kiện lỗi nào mang mã <code>{event}</code>.",
    "handover.resend_usage": "Cách dùng: <code>/guilai MÃ_SỰ_KIỆN</code> (xem /chuyenloi).",
}
