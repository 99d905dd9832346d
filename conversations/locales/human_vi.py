"""Tin nhắn tiếng Việt của "Gặp cán bộ": chuyển cuộc trò chuyện cho cán bộ của cơ quan."""

MESSAGES: dict[str, str] = {
    "menu.human": "🙋 Gặp cán bộ",
    "command.canbo": "Gặp cán bộ (trao đổi với người thật)",
    "human.button": "🙋 Gặp cán bộ",
    "human.choose": (
        "🙋 Bạn muốn hỏi cán bộ về hồ sơ nào? Chọn một hồ sơ để câu hỏi đến đúng cơ quan "
        "giải quyết, hoặc chọn <b>Câu hỏi chung</b> để hỏi Bộ phận Một cửa của tỉnh."
    ),
    "human.choose_dossier": "📄 Hồ sơ {code}",
    "human.choose_general": "💬 Câu hỏi chung",
    "human.opened": (
        "🙋 Đã chuyển cuộc trò chuyện cho cán bộ của <b>{agency}</b>{about}. Những gì bạn gõ "
        "từ bây giờ sẽ được gửi tới cán bộ; câu trả lời sẽ hiện trong cuộc trò chuyện này."
    ),
    "human.about_dossier": " về hồ sơ <b>{code}</b>",
    "human.hours_open": "🕘 Cán bộ đang trong giờ làm việc và sẽ trả lời sớm.",
    "human.hours_closed": (
        "🌙 Hiện ngoài giờ làm việc (thứ Hai – thứ Sáu, {hours}, giờ Việt Nam, trừ ngày lễ). "
        "Cán bộ sẽ trả lời từ <b>{at}</b> (giờ Việt Nam)."
    ),
    "human.open_prompt": (
        "✍️ Hãy gõ câu hỏi của bạn (chỉ văn bản). Gõ /end hoặc bấm <b>Kết thúc</b> khi xong."
    ),
    "human.already_open": (
        "ℹ️ Bạn đang trao đổi với cán bộ của <b>{agency}</b>{about}; không mở thêm cuộc mới. "
        "Cứ gõ tiếp, cán bộ sẽ đọc được."
    ),
    "human.forwarded": "📨 Đã chuyển tới cán bộ.",
    "human.forwarded_later": "📨 Đã chuyển tới cán bộ. Cán bộ sẽ trả lời từ {at} (giờ Việt Nam).",
    "human.text_only": "⚠️ Khi trao đổi với cán bộ, bot chỉ chuyển tin nhắn văn bản.",
    "human.end_button": "⏹ Kết thúc",
    "human.reply_button": "✍️ Trả lời cán bộ",
    "human.answer": ("👤 <b>{who}</b> ({agency}) trả lời lúc {at}:\n{text}"),
    "human.ended": "✅ Cuộc trao đổi với cán bộ đã kết thúc. Nội dung được lưu lại{with_dossier}.",
    "human.kept_with_dossier": " cùng hồ sơ {code}",
    "human.ended_by_officer": (
        "✅ <b>{who}</b> ({agency}) đã kết thúc cuộc trao đổi lúc {at}. Nội dung được lưu "
        "lại{with_dossier}. Cần hỏi thêm, bấm <b>Gặp cán bộ</b>."
    ),
    "human.none_open": "ℹ️ Bạn không có cuộc trao đổi nào đang mở với cán bộ.",
    "human.agency": "{name}",
    "human.unit_default": "Cán bộ",
    # Officer chats
    "human.desk_new": (
        "🙋 <b>Yêu cầu gặp cán bộ #{ref}</b> — {agency}{about}, lúc {at}.\n"
        "Bấm <b>Trả lời</b> rồi gõ câu trả lời; bấm <b>Kết thúc</b> khi xong."
    ),
    "human.desk_message": "💬 <b>#{ref}</b> ({agency}) công dân viết lúc {at}:\n{text}",
    "human.desk_reply_button": "✍️ Trả lời",
    "human.desk_close_button": "⏹ Kết thúc",
    "human.desk_answer_ask": (
        "✍️ Gõ câu trả lời cho <b>#{ref}</b>; công dân sẽ thấy tên hiển thị «{who}» và cơ quan."
    ),
    "human.desk_answer_sent": "✅ Đã gửi câu trả lời cho #{ref}.",
    "human.desk_closed_done": "✅ Đã kết thúc #{ref}; công dân đã được báo.",
    "human.desk_closed_by_citizen": "⏹ Công dân đã kết thúc #{ref} ({agency}) lúc {at}.",
    "human.desk_closed_by_officer": "⏹ #{ref} ({agency}) đã được cán bộ kết thúc lúc {at}.",
    "human.desk_already_closed": "ℹ️ Cuộc trao đổi #{ref} đã kết thúc; không thể trả lời nữa.",
    "human.desk_not_found": "⚠️ Không tìm thấy cuộc trao đổi này trong cơ quan của bạn.",
    "human.desk_refused": "⛔ Chat này không phải chat của cán bộ.",
    "human.desk_list": "🙋 Các cuộc trao đổi đang mở ({count}):",
    "human.desk_list_item": "#{ref} — {agency}{about}, từ {at}",
    "human.desk_list_empty": "Không có cuộc trao đổi nào đang mở.",
    "human.desk_transcript": "🗂 <b>#{ref}</b> — hồ sơ {code} ({state}):\n{lines}",
    "human.desk_transcript_line": "[{at}] <b>{who}</b>: {text}",
    "human.desk_transcript_none": "Hồ sơ {code} chưa có cuộc trao đổi nào với cán bộ.",
    "human.author_citizen": "Công dân",
    "human.author_officer": "Cán bộ",
    "human.state_open": "đang mở",
    "human.state_closed": "đã kết thúc",
    "human.desk_help": (
        "🙋 <b>Chat cán bộ</b>: yêu cầu gặp cán bộ của cơ quan bạn hiện ở đây. Bấm <b>Trả lời</b> "
        "rồi gõ câu trả lời, <b>Kết thúc</b> khi xong. /hoidap: các cuộc đang mở; "
        "/hoidap MÃ-HỒ-SƠ: mọi cuộc trao đổi của hồ sơ đó."
    ),
    "human.desk_back": "↩️ Thôi",
}
