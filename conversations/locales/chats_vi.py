"""Vietnamese messages about how a chat is used: too fast, edited messages, group chats."""

MESSAGES: dict[str, str] = {
    "flood.too_fast": (
        "Bạn đang gửi tin nhắn quá nhanh. Vui lòng chờ {seconds} giây rồi gửi lại; "
        "các tin nhắn gửi trong lúc chờ sẽ không được xử lý."
    ),
    "chat.edit_not_applied": (
        "Tin nhắn đã sửa không được xử lý lại. Vui lòng gửi nội dung mới thành một tin nhắn mới."
    ),
    "group.private_only": (
        "Để bảo vệ thông tin cá nhân, tôi chỉ làm thủ tục trong tin nhắn riêng. "
        "Vui lòng bấm nút bên dưới để nhắn riêng cho tôi."
    ),
    "group.added": (
        "Xin chào! Tôi là trợ lý <b>Dịch vụ công trực tuyến</b>. Để bảo vệ thông tin cá nhân, "
        "tôi không hỏi hay hiển thị dữ liệu của ai trong nhóm: mỗi người vui lòng nhắn riêng "
        "cho tôi bằng nút bên dưới."
    ),
    "group.open_private": "💬 Nhắn riêng cho bot",
}
