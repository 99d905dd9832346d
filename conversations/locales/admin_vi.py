"""Vietnamese messages of the admin feature (officer and admin commands, broadcast, stats)."""

MESSAGES: dict[str, str] = {
    # ------------------------------------------------------------------ access and help
    "admin.refused": (
        "⛔ Lệnh này chỉ dành cho cán bộ quản trị. Cuộc trò chuyện này không có quyền quản trị, "
        "nên lệnh không được thực hiện."
    ),
    "admin.help": (
        "<b>Lệnh quản trị</b> (mã hồ sơ gõ có dấu cách, chữ thường hoặc mã cơ quan dạng ngắn "
        "đều được)\n"
        "• /hoso MÃ — xem đầy đủ hồ sơ (/dossier)\n"
        "• /trangthai MÃ 4 ghi chú — chuyển trạng thái; không ghi số để chọn bằng nút "
        "(/setstatus)\n"
        "• /bosung MÃ [ghi chú] — yêu cầu bổ sung giấy tờ (/asksupplement)\n"
        "• /ketqua MÃ [ghi chú] — gửi tệp kết quả (/result)\n"
        "• /quahan MÃ · /boquahan MÃ — đánh dấu / bỏ đánh dấu quá hạn (/overdue, /ontime)\n"
        "• /thongke [số ngày] — thống kê hồ sơ, mặc định 14 ngày (/stats)\n"
        "• /thongbao — soạn thông báo gửi người dùng (/broadcast)\n"
        "• /huythongbao MÃ-THÔNG-BÁO — dừng gửi thông báo (/broadcast_cancel)\n"
        "Ví dụ: <code>/trangthai {example} 2 Đã tiếp nhận</code>"
    ),
    # ------------------------------------------------------------------ the officer's card
    "admin.status_option": "{code} · {status}",
    "admin.card": (
        "🗂 <b>Hồ sơ {code}</b>{overdue}\n"
        "Thủ tục: {procedure}\nCơ quan: {agency}\nNgười nộp: {applicant}\n"
        "Trạng thái: <b>{status}</b>\nNgày nộp: {submitted}\nNgày hẹn trả: {due}\n"
        "Số tệp đã nộp: {attachments}{payment}\n{supplement}{results}"
        "<b>Lịch sử xử lý</b>\n{history}"
    ),
    "admin.card_overdue": " ⚠️ <b>QUÁ HẠN</b>",
    "admin.card_supplement": "📎 Đã yêu cầu bổ sung lúc {since}:\n{lines}{note}\n",
    "admin.card_results": "✅ Kết quả: {files}\n",
    "admin.history_line": "• {at} · {status} · {actor}{note}",
    "admin.history_note": "\n  <i>{note}</i>",
    "admin.history_overdue": "đánh dấu quá hạn",
    "admin.history_ontime": "bỏ đánh dấu quá hạn",
    "admin.supplement_note": "\nGhi chú cho người nộp: <i>{note}</i>",
    "admin.to_status": "➡️ {status}",
    "admin.supplement_button": "📎 Yêu cầu bổ sung giấy tờ",
    "admin.result_button": "📤 Gửi tệp kết quả",
    "admin.mark_overdue": "⚠️ Đánh dấu quá hạn",
    "admin.unmark_overdue": "✔️ Bỏ đánh dấu quá hạn",
    # ------------------------------------------------------------------ usage and refusals
    "admin.usage_show": "Gõ <code>/hoso MÃ-HỒ-SƠ</code>, ví dụ <code>/hoso {example}</code>.",
    "admin.usage_status": (
        "Gõ <code>/trangthai MÃ-HỒ-SƠ [trạng thái] [ghi chú]</code>, ví dụ "
        "<code>/trangthai {example} 4 Chuyển phòng chuyên môn</code>."
    ),
    "admin.usage_supplement": (
        "Gõ <code>/bosung MÃ-HỒ-SƠ [ghi chú]</code>, ví dụ <code>/bosung {example}</code>."
    ),
    "admin.usage_result": (
        "Gõ <code>/ketqua MÃ-HỒ-SƠ [ghi chú]</code> rồi gửi tệp kết quả, ví dụ "
        "<code>/ketqua {example}</code>."
    ),
    "admin.usage_overdue": "Gõ <code>/quahan MÃ-HỒ-SƠ [ghi chú]</code>, ví dụ <code>/quahan {example}</code>.",
    "admin.usage_ontime": "Gõ <code>/boquahan MÃ-HỒ-SƠ [ghi chú]</code>, ví dụ <code>/boquahan {example}</code>.",
    "admin.pick_status": "Chọn trạng thái mới cho hồ sơ <b>{code}</b> (chỉ hiện các trạng thái được phép):",
    "admin.bad_status": (
        "“{typed}” không phải mã trạng thái. Mã trạng thái là số từ 1 đến 10; "
        "các nút bên dưới là những trạng thái được phép."
    ),
    "admin.refused_terminal": (
        "⛔ Hồ sơ <b>{code}</b> đã kết thúc ở trạng thái <b>{old}</b>, không thể chuyển sang "
        "trạng thái khác. Chưa có gì thay đổi."
    ),
    "admin.refused_unchanged": "Hồ sơ <b>{code}</b> đang ở trạng thái <b>{old}</b> rồi. Chưa có gì thay đổi.",
    "admin.refused_not_allowed": (
        "⛔ Không thể chuyển hồ sơ <b>{code}</b> từ <b>{old}</b> sang <b>{new}</b> theo quy trình "
        "của Cổng Dịch vụ công quốc gia. Chưa có gì thay đổi.\n"
        "Trạng thái tiếp theo được phép:\n{allowed}"
    ),
    "admin.not_submitted": (
        "Hồ sơ <b>{code}</b> còn chờ thanh toán lệ phí nên chưa được gửi tới cơ quan; "
        "chưa thể xử lý."
    ),
    # ------------------------------------------------------------------ status change
    "admin.note_ask": (
        "Chuyển hồ sơ <b>{code}</b> sang <b>{status}</b>.\nGõ ghi chú (người nộp sẽ thấy ghi chú "
        "này) hoặc bấm <b>Không ghi chú</b>."
    ),
    "admin.note_required": (
        "Chuyển hồ sơ <b>{code}</b> sang <b>{status}</b>.\nCần ghi rõ lý do (người nộp sẽ thấy): "
        "vui lòng gõ lý do."
    ),
    "admin.no_note": "➖ Không ghi chú",
    "admin.note_too_long": "Ghi chú quá dài ({length} ký tự, tối đa {max}). Vui lòng viết ngắn hơn.",
    "admin.status_changed": (
        "✅ Hồ sơ <b>{code}</b> đã chuyển sang <b>{status}</b>. Người nộp sẽ được thông báo."
    ),
    "admin.overdue_marked": "⚠️ Đã đánh dấu hồ sơ <b>{code}</b> quá hạn (trạng thái không đổi).",
    "admin.overdue_cleared": "✔️ Đã bỏ đánh dấu quá hạn của hồ sơ <b>{code}</b>.",
    "admin.overdue_already": "Hồ sơ <b>{code}</b> đã được đánh dấu quá hạn từ trước.",
    "admin.ontime_already": "Hồ sơ <b>{code}</b> không bị đánh dấu quá hạn.",
    # ------------------------------------------------------------------ supplement request
    "admin.supplement_pick": (
        "📎 <b>Yêu cầu bổ sung cho hồ sơ {code}</b>\n"
        "Bấm để chọn (bấm lần nữa để bỏ chọn) thành phần hồ sơ cần bổ sung, hoặc gõ tên giấy tờ "
        "khác (tối đa {max} ký tự; nhiều mục thì cách nhau bằng dấu chấm phẩy).\n"
        "Đã chọn:\n{chosen}{note}"
    ),
    "admin.supplement_nothing": "<i>(chưa chọn gì)</i>",
    "admin.component_on": "☑️ {name}",
    "admin.component_off": "⬜ {name}",
    "admin.own_remove": "✖️ Bỏ: {name}",
    "admin.note_button": "📝 Ghi chú cho người nộp",
    "admin.supplement_send": "📤 Gửi yêu cầu bổ sung",
    "admin.supplement_none_chosen": "Cần chọn hoặc gõ ít nhất một giấy tờ cần bổ sung.",
    "admin.own_too_long": "Tên giấy tờ quá dài ({length} ký tự, tối đa {max}).",
    "admin.own_too_many": "Chỉ được thêm tối đa {max} giấy tờ tự gõ.",
    "admin.supplement_sent": (
        "✅ Đã yêu cầu bổ sung {count} giấy tờ cho hồ sơ <b>{code}</b>. Thời hạn giải quyết tạm "
        "dừng; người nộp sẽ được thông báo."
    ),
    # ------------------------------------------------------------------ result
    "admin.result_ask": (
        "📤 Gửi tệp kết quả của hồ sơ <b>{code}</b> như một tệp đính kèm (PDF, JPG hoặc PNG, "
        "tối đa {max_mb} MB). Kết quả sẽ vào Kho dữ liệu của người nộp."
    ),
    "admin.result_not_now": (
        "Hồ sơ <b>{code}</b> đang ở trạng thái <b>{status}</b>: chỉ gửi kết quả khi hồ sơ "
        "<b>Đang xử lý</b> (4) hoặc <b>Đã xử lý xong</b> (9)."
    ),
    "admin.result_recorded": (
        "✅ Đã lưu kết quả <b>{name}</b> cho hồ sơ <b>{code}</b>. Trạng thái: <b>{status}</b>. "
        "Người nộp có thể xem trong Kho dữ liệu (/documents)."
    ),
    # ------------------------------------------------------------------ statistics
    "stats.report": (
        "📊 <b>Thống kê hồ sơ {days} ngày</b> ({since} – {until})\n"
        "Tổng số hồ sơ: <b>{total}</b>\n{rate} · Trễ hạn: {late}\n"
        "<b>Theo trạng thái hiện tại</b>\n{statuses}\n"
        "<b>Theo ngày nộp</b>\n<code>{head}\n{table}</code>\n{legend}"
    ),
    "stats.rate": "Đúng hạn: <b>{percent}%</b> ({on_time}/{finished} hồ sơ đã xong)",
    "stats.rate_none": "Đúng hạn: chưa có hồ sơ nào xử lý xong",
    "stats.status_line": "• {code}. {status}: {count}",
    "stats.table_head": "Ngày  Tổng  Mới Đang Xong Dừng Đúng  Trễ",
    "stats.no_rows": "(không có hồ sơ)",
    "stats.legend": (
        "<i>Mới = 1; Đang = 2, 4, 5, 6, 7; Xong = 9, 10; Dừng = 3, 8; Đúng/Trễ = xong đúng hạn/"
        "trễ hạn. Ngày không có hồ sơ không được liệt kê.</i>"
    ),
    "stats.bad_days": (
        "Số ngày phải là số từ 1 đến {max}, ví dụ <code>/thongke 30</code>. "
        "Không ghi số thì thống kê {default} ngày gần nhất."
    ),
    "stats.group_new": "Mới đăng ký",
    "stats.group_open": "Đang giải quyết",
    "stats.group_done": "Đã xong",
    "stats.group_stopped": "Từ chối/dừng",
    "stats.chart_title": "Hồ sơ theo ngày nộp ({since} – {until})",
    "stats.chart_rate": "Tỷ lệ đúng hạn: {percent}% ({on_time}/{finished}) · Tổng: {total} hồ sơ",
    "stats.chart_rate_none": "Chưa có hồ sơ xử lý xong · Tổng: {total} hồ sơ",
    # ------------------------------------------------------------------ broadcast: composing
    "broadcast.ask_text": (
        "📢 <b>Soạn thông báo</b>\nGõ nội dung thông báo (tối đa {max} ký tự). Người nhận sẽ thấy "
        "đúng nội dung này."
    ),
    "broadcast.too_long": (
        "Nội dung quá dài: {length} ký tự, tối đa {max}. Vui lòng rút gọn rồi gửi lại."
    ),
    "broadcast.ask_image": (
        "Gửi kèm một ảnh (JPG hoặc PNG, tối đa {max_mb} MB) hoặc bấm <b>Không kèm ảnh</b>."
    ),
    "broadcast.no_image": "⏭️ Không kèm ảnh",
    "broadcast.image_type": (
        "Tệp “{name}” không phải ảnh JPG hoặc PNG (nội dung thực là: {detected})."
    ),
    "broadcast.image_received": "🖼 Đã nhận ảnh <b>{name}</b>.",
    "broadcast.ask_audience": "Gửi thông báo tới ai?",
    "broadcast.audience_all_button": "👥 Tất cả người dùng",
    "broadcast.audience_ward_button": "🏘 Người dân một xã/phường",
    "broadcast.audience_procedure_button": "📄 Người có hồ sơ một thủ tục",
    "broadcast.audience_platform_button": "📱 Người dùng một nền tảng",
    "broadcast.ask_ward": "Gõ tên hoặc mã xã/phường, ví dụ <i>Thục Phán</i>.",
    "broadcast.found_ward": "Các xã/phường khớp “{query}” ({count}):",
    "broadcast.none_ward": "Không tìm thấy xã/phường nào khớp “{query}”. Vui lòng gõ lại.",
    "broadcast.ask_procedure": (
        "Gõ tên hoặc mã thủ tục, ví dụ <i>đăng ký tạm trú</i> hoặc <code>1.004194</code>."
    ),
    "broadcast.found_procedure": "Các thủ tục khớp “{query}” ({count}):",
    "broadcast.none_procedure": "Không tìm thấy thủ tục nào khớp “{query}”. Vui lòng gõ lại.",
    "broadcast.ask_platform": "Chọn nền tảng:",
    "broadcast.platform_telegram": "Telegram",
    "broadcast.platform_zalo": "Zalo",
    "broadcast.platform_web": "Trò chuyện trên web",
    "broadcast.audience_all": "tất cả người dùng",
    "broadcast.audience_ward": "người dân ở {ward}",
    "broadcast.audience_procedure": "người nộp và người theo dõi hồ sơ thủ tục {procedure}",
    "broadcast.audience_platform": "người dùng {platform}",
    # ------------------------------------------------------------------ broadcast: preview
    "broadcast.preview_intro": "👀 Xem trước — người nhận sẽ thấy đúng như sau:",
    "broadcast.message": "📢 <b>Thông báo</b>\n{text}",
    "broadcast.preview": (
        "Gửi tới <b>{count}</b> người nhận: {audience}.\nBấm <b>Xác nhận gửi</b> để bắt đầu."
    ),
    "broadcast.preview_nobody": (
        "Không có người nhận nào ({audience}). Hãy chọn đối tượng khác hoặc hủy."
    ),
    "broadcast.confirm": "✅ Xác nhận gửi",
    "broadcast.change_audience": "👥 Đổi người nhận",
    "broadcast.edit_text": "✏️ Sửa nội dung",
    "broadcast.discarded": "Đã hủy thông báo; chưa gửi cho ai.",
    "broadcast.queued": (
        "✅ Thông báo <code>{id}</code> đã vào hàng đợi gửi tới {count} người nhận. Tiến độ sẽ "
        "được cập nhật ngay trong cuộc trò chuyện này. Dừng gửi: "
        "<code>/huythongbao {id}</code>"
    ),
    "broadcast.already_queued": "Thông báo <code>{id}</code> đã được xác nhận và đang gửi rồi.",
    # ------------------------------------------------------------------ broadcast: progress
    "broadcast.progress": (
        "📢 Thông báo <code>{id}</code>: <b>{state}</b>\n"
        "Đã gửi: {sent} · Lỗi: {failed} · Bị chặn: {blocked} · Còn lại: {remaining} "
        "(tổng {total}){cancelled}"
    ),
    "broadcast.progress_cancelled": " · Đã hủy: {count}",
    "broadcast.state_queuing": "đang xếp hàng",
    "broadcast.state_sending": "đang gửi",
    "broadcast.state_done": "đã gửi xong",
    "broadcast.state_cancelled": "đã hủy",
    "broadcast.cancel_button": "🛑 Hủy gửi",
    "broadcast.cancel_usage": (
        "Gõ <code>/huythongbao MÃ-THÔNG-BÁO</code> (mã có trong tin nhắn tiến độ)."
    ),
    "broadcast.not_found": "Không tìm thấy thông báo <code>{id}</code>.",
    "broadcast.already_finished": "Thông báo <code>{id}</code> đã kết thúc ({state}).",
    "broadcast.cancelled": (
        "🛑 Đã dừng thông báo <code>{id}</code>: {count} tin chưa gửi được hủy."
    ),
}
