"""Vietnamese messages of the Zalo channel (missed updates, files that cannot be fetched) and
of the updates a chat keeps after an idle logout."""

MESSAGES: dict[str, str] = {
    "zalo.missed_intro": "🔔 Trong thời gian bạn vắng mặt, hồ sơ có cập nhật (trạng thái mới nhất):",
    "zalo.file_refused": (
        "⚠️ Không tải được tệp <b>{name}</b> từ Zalo (máy chủ Zalo từ chối). "
        "Vui lòng gửi lại tệp; chỉ nhận tệp PDF, JPG hoặc PNG, tối đa 10 MB."
    ),
    "zalo.file_timeout": (
        "⚠️ Không tải được tệp <b>{name}</b>: Zalo phản hồi quá chậm. Vui lòng gửi lại tệp; "
        "nếu vẫn lỗi, hãy gửi tệp PDF/JPG nhỏ hơn (tối đa 10 MB)."
    ),
    "session.updates_kept": (
        "🔔 Bạn vẫn nhận thông báo khi hồ sơ của bạn đổi trạng thái tại cuộc trò chuyện này "
        "(không kèm thông tin cá nhân). Đăng nhập để xem chi tiết; gõ /logout nếu không muốn "
        "nhận nữa."
    ),
}
