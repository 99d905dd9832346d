"""Vietnamese messages of the applicant's identity (locked to the login, re-checked)."""

MESSAGES: dict[str, str] = {
    "identity.login_button": "🔐 Đăng nhập để điền từ CSDL quốc gia về dân cư",
    "identity.locked": (
        "🔒 Họ tên, ngày sinh, giới tính và số định danh của người nộp được lấy từ tài khoản "
        "đăng nhập (CSDL quốc gia về dân cư) và không sửa được. Nếu bạn nộp hồ sơ cho người "
        "khác, hãy chọn người đó ở câu “Bạn nộp hồ sơ cho” (với thủ tục cho phép nộp thay)."
    ),
    "identity.replaced": (
        "🔒 Thông tin người nộp đã được thay bằng dữ liệu của tài khoản đăng nhập "
        "(CSDL quốc gia về dân cư):\n{lines}\nVui lòng kiểm tra lại tờ khai."
    ),
    "identity.replaced_line": "• {label}: {old} → <b>{new}</b>",
    "identity.other_account": (
        "Hồ sơ nháp này được bắt đầu bằng một tài khoản khác. Vui lòng kiểm tra lại toàn bộ tờ "
        "khai trước khi nộp."
    ),
    "identity.mismatch": (
        "Thông tin người nộp trên tờ khai không khớp với tài khoản đang đăng nhập, nên hồ sơ "
        "chưa được nộp. Vui lòng kiểm tra lại tờ khai."
    ),
    "identity.dossiers_login": (
        "Bạn chưa đăng nhập, nên không có hồ sơ nào hiển thị ở đây. Hồ sơ đã nộp chỉ hiện với "
        "chính người nộp: hãy đăng nhập (/login) để xem hồ sơ của bạn."
    ),
    "identity.card_for": "{filer} — nộp cho <b>{subject}</b> ({relation})",
    "identity.relation_con": "con",
    "identity.relation_cha_me": "cha/mẹ",
    "identity.relation_uy_quyen": "người được đại diện theo ủy quyền",
    "identity.subject_is_filer": (
        "Số định danh của người được nộp hồ sơ trùng với số của chính bạn. Nếu bạn nộp cho "
        "bản thân, hãy chọn “Bản thân” ở câu “Bạn nộp hồ sơ cho”; nếu không, hãy nhập số "
        "định danh của người đó."
    ),
}
