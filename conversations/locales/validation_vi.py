"""Vietnamese messages of the validation rules: per field, across fields, and the review."""

MESSAGES: dict[str, str] = {
    # ------------------------------------------------------------------ per-field rules
    "error.date_before_min": "“{field}”: ngày này trước {limit}. Vui lòng nhập một ngày từ {limit} trở về sau.",
    "error.date_after_max": "“{field}”: ngày này sau {limit}. Vui lòng nhập một ngày đến {limit} là muộn nhất.",
    "error.name_digits": (
        "“{field}” chỉ gồm chữ cái (có dấu), không có chữ số. Vui lòng nhập đúng họ tên như trên giấy tờ."
    ),
    "error.name_symbol": (
        "“{field}” không được chứa ký tự “{char}”: chỉ dùng chữ cái (có dấu), khoảng trắng, "
        "dấu gạch nối hoặc dấu nháy (ví dụ: H'Hen Niê)."
    ),
    "error.name_short": "“{field}” quá ngắn. Vui lòng nhập đầy đủ họ, chữ đệm và tên.",
    "error.name_edges": "“{field}” phải bắt đầu và kết thúc bằng chữ cái.",
    "error.cccd_not_female": (
        "“{field}” phải là số định danh của một người nữ, nhưng chữ số thứ tư ({digit}) là số chẵn "
        "— số của nam giới. Vui lòng kiểm tra lại số trên thẻ."
    ),
    "error.cccd_not_male": (
        "“{field}” phải là số định danh của một người nam, nhưng chữ số thứ tư ({digit}) là số lẻ "
        "— số của nữ giới. Vui lòng kiểm tra lại số trên thẻ."
    ),
    # ------------------------------------------------------------------ phone numbers
    "validation.phone_field": "Số điện thoại di động",
    "error.phone_letters": ("“{field}” chỉ gồm chữ số, không có chữ cái. Ví dụ: 0912 345 678."),
    "error.phone_symbols": (
        "“{field}” có ký tự “{char}” không phải chữ số. Chỉ nhập chữ số (có thể cách nhau bằng "
        "dấu cách hoặc dấu chấm), ví dụ: 0912 345 678."
    ),
    "error.phone_foreign": (
        "“{field}” phải là số di động đăng ký tại Việt Nam (bắt đầu bằng 0 hoặc +84) để nhận tin nhắn."
    ),
    "error.phone_missing_zero": "“{field}” thiếu số 0 ở đầu. Có phải số của bạn là {suggestion}?",
    "error.phone_landline": (
        "“{field}”: đây là số máy bàn (mã vùng 02…), không nhận được tin nhắn. "
        "Vui lòng nhập số di động 10 chữ số."
    ),
    "error.phone_old_prefix": (
        "“{field}”: số 11 chữ số đầu 01… đã được chuyển sang 10 chữ số từ năm 2018. "
        "Vui lòng nhập số mới (ví dụ 0162… nay là 032…)."
    ),
    "error.phone_too_short": "“{field}” quá ngắn: bạn nhập {length} chữ số, số di động có 10 chữ số.",
    "error.phone_too_long": "“{field}” quá dài: bạn nhập {length} chữ số, số di động có 10 chữ số.",
    "error.phone_prefix": (
        "“{field}”: đầu số {prefix} không phải đầu số di động của nhà mạng nào tại Việt Nam. "
        "Vui lòng kiểm tra lại."
    ),
    # ------------------------------------------------------------------ cross-field rules
    "error.check_distinct": (
        "“{second}” trùng với “{first}”. Đây là hai người khác nhau nên số phải khác nhau."
    ),
    "error.check_order": "“{second}” không được trước “{first}”. Vui lòng kiểm tra lại hai ngày này.",
    "error.check_born_before": (
        "Theo “{first}”, người này sinh năm {older_year}, nhưng “{second}” là năm {younger_year} "
        "— trẻ không thể sinh trước cha, mẹ. Vui lòng kiểm tra lại."
    ),
    "error.check_age_gap": (
        "Theo “{first}”, người này sinh năm {older_year}, chỉ hơn “{second}” ({younger_year}) "
        "{gap} năm; cần cách nhau ít nhất {years} năm. Vui lòng kiểm tra lại."
    ),
    # ------------------------------------------------------------------ review
    "validation.review_problems": (
        "⚠️ <b>Tờ khai cần sửa trước khi xác nhận</b>\n{lines}\nBấm nút bên dưới để sửa."
    ),
    "validation.problem_line": "• {reason}",
    "validation.group_heading": "\n<b>{label}</b>",
    "validation.group_details": "Nội dung đề nghị",
    "validation.group_subject": "Người được nộp hồ sơ cho",
}
