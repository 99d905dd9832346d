"""Vietnamese messages of one draft open in several chats (draft_sync)."""

MESSAGES: dict[str, str] = {
    "sync.changed": (
        "⚠️ Hồ sơ <b>{procedure}</b> vừa được thay đổi ở một cuộc trò chuyện khác, nên thao tác "
        "vừa rồi chưa được lưu. Đây là bước hiện tại của hồ sơ:"
    ),
    "sync.submitted": (
        "Hồ sơ này đã được nộp với mã <b>{code}</b> ({status}), có thể từ một cuộc trò chuyện "
        "khác. Không tạo thêm hồ sơ mới."
    ),
}
