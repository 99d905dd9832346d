"""Vietnamese messages of following dossiers within bounds (/follow limits, /following)."""

MESSAGES: dict[str, str] = {
    "follow.started": (
        "🔔 Đã theo dõi hồ sơ <b>{code}</b>. Bạn sẽ nhận thông báo mỗi khi trạng thái thay đổi "
        "(chỉ trạng thái và ngày hẹn, không có thông tin cá nhân). Việc theo dõi tự hết hạn "
        "nếu {days} ngày bạn không tra cứu lại hồ sơ (/status), hoặc sau khi hồ sơ đã kết thúc."
    ),
    "follow.limit_chat": (
        "⚠️ Chưa theo dõi được hồ sơ <b>{code}</b>: mỗi cuộc trò chuyện chỉ theo dõi tối đa "
        "{limit} hồ sơ, và bạn đã theo dõi đủ {limit}. Hãy bỏ theo dõi một hồ sơ không còn "
        "cần (bấm nút bên dưới), rồi gõ lại <code>/follow {code}</code>."
    ),
    "follow.limit_dossier": (
        "⚠️ Hồ sơ <b>{code}</b> đã có đủ {limit} người theo dõi, mức tối đa cho một hồ sơ, nên "
        "chưa thể theo dõi thêm. Bạn vẫn tra cứu được trạng thái bất cứ lúc nào bằng "
        "<code>/status {code}</code>; người nộp hồ sơ luôn nhận thông báo của mình."
    ),
    "following.none": (
        "Bạn chưa theo dõi hồ sơ nào. Gõ <code>/follow MÃ-HỒ-SƠ</code> để nhận thông báo khi "
        "hồ sơ đổi trạng thái, ví dụ <code>/follow {example}</code>."
    ),
    "following.list": (
        "🔔 <b>Hồ sơ bạn đang theo dõi</b> ({count}/{limit}):\n{lines}\n\n"
        "Bấm nút để bỏ theo dõi hồ sơ không còn cần."
    ),
    "following.line": "• <b>{code}</b>: {status}",
    "following.stop": "🔕 Bỏ theo dõi {code}",
    "command.following": "Hồ sơ đang theo dõi",
}
