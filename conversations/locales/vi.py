"""Vietnamese messages (the reference language). Markup: <b>, <i>, <code>; {name} parameters."""

MESSAGES: dict[str, str] = {
    # ------------------------------------------------------------------ data shown as is
    "raw": "{text}",
    "raw_both": "{text}",
    "raw_day": "{day}",
    "raw_money": "{amount}",
    "raw_number": "{value}",
    # ------------------------------------------------------------------ common
    "common.welcome": (
        "Xin chào! Tôi là trợ lý <b>Dịch vụ công trực tuyến</b> tỉnh Cao Bằng.\n"
        "Tôi giúp bạn tìm thủ tục hành chính, điền tờ khai điện tử từng bước "
        "và lưu hồ sơ nháp để làm tiếp bất cứ lúc nào."
    ),
    "common.help": (
        "<b>Hướng dẫn sử dụng</b>\n"
        "• Gõ tên thủ tục (có dấu hoặc không dấu), ví dụ: <i>đăng ký khai sinh</i>, "
        "<i>tam tru</i>, hoặc mã thủ tục như <code>1.004194</code>.\n"
        "• Khi điền tờ khai, trường có dấu <b>*</b> là bắt buộc; dùng các nút "
        "Quay lại, Bỏ qua, Hủy khi cần.\n"
        "• Tờ khai được lưu tự động sau mỗi câu trả lời.\n"
        "• Tra cứu hồ sơ: /status MÃ-HỒ-SƠ · theo dõi: /follow MÃ · bỏ theo dõi: /unfollow MÃ.\n"
        "Các lệnh: {commands}"
    ),
    "common.cancelled": "Đã hủy thao tác.",
    "common.unknown_command": "Tôi chưa hiểu lệnh này. Gõ /help để xem các lệnh có thể dùng.",
    "common.not_understood": "Tôi chưa hiểu câu trả lời này. Vui lòng làm theo hướng dẫn bên dưới.",
    "common.stale_button": (
        "Nút bạn bấm thuộc một tin nhắn cũ và không còn dùng được ở bước này. "
        "Vui lòng chọn lại bên dưới."
    ),
    "common.unexpected_upload": (
        "Bước này chưa cần tệp đính kèm. Tệp của bạn chưa được lưu; "
        "vui lòng trả lời câu hỏi bên dưới."
    ),
    "common.unexpected_contact": "Bước này không cần số điện thoại. Vui lòng trả lời câu hỏi bên dưới.",
    "common.unexpected_location": "Bước này không cần vị trí. Vui lòng trả lời câu hỏi bên dưới.",
    "common.too_long": "Tin nhắn quá dài (tối đa {max} ký tự). Vui lòng gửi ngắn gọn hơn.",
    "common.error": (
        "Xin lỗi, hệ thống đang gặp sự cố nên chưa xử lý được tin nhắn này. "
        "Thông tin bạn đã nhập trước đó vẫn được giữ nguyên. Vui lòng thử lại sau ít phút."
    ),
    "common.yes": "Có",
    "common.no": "Không",
    # ------------------------------------------------------------------ buttons
    "btn.back": "⬅️ Quay lại",
    "btn.back_to_results": "⬅️ Quay lại danh sách",
    "btn.back_to_review": "↩️ Về bản tóm tắt",
    "btn.cancel": "✖️ Hủy",
    "btn.confirm_form": "✅ Xác nhận tờ khai",
    "btn.edit_field": "✏️ {label}",
    "btn.keep": "✔️ Giữ nguyên",
    "btn.menu": "🏠 Danh mục chính",
    "btn.new_search": "🔎 Tìm thủ tục khác",
    "btn.next_page": "Trang sau ▶️",
    "btn.prev_page": "◀️ Trang trước",
    "btn.skip": "⏭️ Bỏ qua",
    # ------------------------------------------------------------------ menu and language
    "menu.main": "Bạn cần làm gì? Chọn bên dưới, hoặc gõ tên thủ tục cần tìm.",
    "menu.search": "🔎 Tìm thủ tục",
    "menu.browse": "📚 Tra cứu theo lĩnh vực",
    "menu.drafts": "📝 Hồ sơ nháp",
    "menu.help": "❓ Hướng dẫn",
    "menu.lang": "🌐 Ngôn ngữ / Language",
    "menu.track": "🔍 Tra cứu hồ sơ",
    "dossiers.ask_code": (
        "Nhập mã hồ sơ cần tra cứu (in trên giấy tiếp nhận), ví dụ <code>{example}</code>."
    ),
    "dossiers.code_unreadable": (
        "Đây chưa phải mã hồ sơ. Mã có dạng <code>{example}</code> "
        "(mã cơ quan - ngày nhận - số thứ tự)."
    ),
    "anywhere.search_offer": "Tìm thủ tục «{query}»?",
    "anywhere.search_button": "🔎 Tìm thủ tục này",
    "lang.choose": "Chọn ngôn ngữ / Choose your language:",
    "lang.vi": "🇻🇳 Tiếng Việt",
    "lang.en": "🇬🇧 English",
    "lang.changed": "Đã chuyển sang tiếng Việt.",
    # ------------------------------------------------------------------ search
    "search.ask": (
        "Bạn cần làm thủ tục gì? Gõ tên thủ tục (có dấu hoặc không dấu) hoặc mã thủ tục.\n"
        "Ví dụ: <i>đăng ký khai sinh</i>, <i>dang ky tam tru</i>, <i>lý lịch tư pháp</i>, "
        "<code>1.004194</code>"
    ),
    "search.none": (
        "Không tìm thấy thủ tục nào phù hợp với “{query}” trong danh mục của tỉnh.\n{details}"
    ),
    "search.elsewhere": "📍 Việc này do <b>{where}</b> giải quyết. {explain}",
    "search.closest": (
        "Các thủ tục <b>gần nhất</b> ở nút bên dưới có thể không phải điều bạn cần; "
        "hãy xem kỹ trước khi nộp."
    ),
    "search.try_again": (
        "Bạn thử gõ cách khác (ví dụ: <i>khai sinh</i>, <i>tạm trú</i>) hoặc tra cứu theo lĩnh vực."
    ),
    "search.ask_person": (
        "Cần người hỗ trợ? Xem Cổng Dịch vụ công quốc gia https://dichvucong.gov.vn, "
        "gọi tổng đài 1800 1096 hoặc hỏi Bộ phận Một cửa của UBND xã/phường."
    ),
    "search.closest_button": "≈ Gần nhất: {name}",
    "search.sector_button": "📚 Lĩnh vực: {sector}",
    "search.results": "Tìm thấy {count} thủ tục cho “{query}”.",
    "search.sector_results": "Lĩnh vực <b>{sector}</b>: {count} thủ tục.",
    "search.results_page": "{header}\nChọn thủ tục để xem chi tiết (trang {page}/{pages}):",
    "search.sectors": "Chọn lĩnh vực:",
    "search.apply": "📝 Nộp hồ sơ trực tuyến",
    "search.ward_ask": (
        "Thủ tục này do cấp xã giải quyết. Chọn <b>xã/phường</b> nơi nộp hồ sơ tại {province}, "
        "hoặc gõ tên xã/phường để tìm (trang {page}/{pages}):"
    ),
    "search.ward_matches": "Các xã/phường tại {province} khớp với “{query}”:",
    "search.ward_none": (
        "Không tìm thấy xã/phường nào tại {province} khớp với “{query}”. "
        "Vui lòng gõ lại tên (ví dụ: <i>Thục Phán</i>, <i>Nùng Trí Cao</i>)."
    ),
    # ------------------------------------------------------------------ procedure card
    "proc.name": "{name}",
    "proc.name_code": "{name} ({code})",
    "proc.card": (
        "<b>{name}</b>\n"
        "Lĩnh vực: {sector}\n\n"
        "{summary}\n\n"
        "<b>Cơ quan giải quyết:</b> {agency}\n"
        "<b>Thành phần hồ sơ</b> (<b>*</b> là bắt buộc):\n{documents}\n"
        "<b>Phí, lệ phí:</b> {fee}{fee_note}\n"
        "<b>Thời hạn giải quyết:</b> {days}\n"
        "<b>Kết quả:</b> {result}"
    ),
    "proc.document_required": "• {name} <b>*</b>",
    "proc.document_optional": "• {name}",
    "proc.no_documents": "• Không yêu cầu giấy tờ",
    "proc.fee_note": "\n<i>{note}</i>",
    "proc.fee_free": "Không thu phí, lệ phí",
    "proc.fee_amount": "{amount}",
    "proc.fee_online": "{online} khi nộp trực tuyến ({counter} khi nộp trực tiếp)",
    "proc.fee_local": "Theo Nghị quyết của HĐND tỉnh; mức cụ thể được thông báo khi tiếp nhận hồ sơ",
    "proc.days": "{days} ngày làm việc",
    "proc.days_same_day": "Trong ngày làm việc",
    "proc.agency_commune_committee": "UBND xã/phường nơi bạn chọn nộp hồ sơ",
    "proc.agency_commune_police": "Công an xã/phường nơi bạn chọn nộp hồ sơ",
    "proc.agency_unknown": "Cơ quan chuyên môn cấp tỉnh",
    "proc.agency_missing": (
        "Xin lỗi, chưa xác định được cơ quan tiếp nhận thủ tục này trên hệ thống. "
        "Vui lòng liên hệ Bộ phận Một cửa."
    ),
    # ------------------------------------------------------------------ form
    "form.started": (
        "Bắt đầu tờ khai <b>{procedure}</b>\n"
        "Cơ quan tiếp nhận: {agency}\n"
        "Tờ khai có {count} câu hỏi; trường có dấu <b>*</b> là bắt buộc. "
        "Mỗi câu trả lời được lưu ngay vào <i>Hồ sơ nháp</i>."
    ),
    "form.resumed": "Tiếp tục tờ khai <b>{procedure}</b> từ chỗ bạn đã dừng.",
    "form.label": "{label}",
    "form.label_required": "{label} <b>*</b>",
    "form.question": "<b>Câu {number}/{total}.</b> {label}\n{hint}{help}{current}",
    "form.help": "\n<i>{help}</i>",
    "form.current": "\nĐang lưu: <b>{value}</b>",
    "form.value_empty": "—",
    "form.hint.text": "Nhập câu trả lời.",
    "form.hint.textarea": "Nhập nội dung (có thể viết nhiều dòng).",
    "form.hint.number": "Nhập một số nguyên.",
    "form.hint.number_range": "Nhập một số nguyên từ {min} đến {max}.",
    "form.hint.money": "Nhập số tiền bằng đồng, ví dụ: 15000 hoặc 15.000.",
    "form.hint.date_past": "Nhập ngày theo dạng ngày/tháng/năm (dd/mm/yyyy), ví dụ: 05/09/2024.",
    "form.hint.date_future": (
        "Nhập ngày theo dạng ngày/tháng/năm (dd/mm/yyyy), từ hôm nay trở đi."
    ),
    "form.hint.date_any": "Nhập ngày theo dạng ngày/tháng/năm (dd/mm/yyyy).",
    "form.hint.cccd": "Nhập số định danh cá nhân (số CCCD/thẻ Căn cước) gồm 12 chữ số.",
    "form.hint.phone": "Nhập số điện thoại di động, ví dụ: 0912 345 678.",
    "form.hint.email": "Nhập địa chỉ email, ví dụ: ten@example.com.",
    "form.hint.select": "Chọn một mục bên dưới, hoặc gõ tên mục.",
    "form.hint.yesno": "Chọn Có hoặc Không.",
    "form.hint.address": "Địa chỉ gồm tỉnh/thành phố, xã/phường và số nhà, thôn/tổ.",
    "form.invalid": "⚠️ {reason}",
    "form.required": "Trường này bắt buộc (<b>*</b>), không thể bỏ qua.",
    "form.first_question": "Đây là câu hỏi đầu tiên.",
    "form.missing_required": "Chưa trả lời trường bắt buộc “{label}”.",
    "form.address_province": "{question}\nChọn tỉnh/thành phố, hoặc gõ tên tỉnh/thành phố khác:",
    "form.address_province_matches": "{question}\nCác tỉnh/thành phố khớp với “{query}”:",
    "form.address_province_none": (
        "{question}\nKhông tìm thấy tỉnh/thành phố nào khớp với “{query}”. Vui lòng gõ lại."
    ),
    "form.address_ward": "Chọn xã/phường thuộc {province}, hoặc gõ tên để tìm (trang {page}/{pages}):",
    "form.address_ward_matches": "Các xã/phường thuộc {province} khớp với “{query}”:",
    "form.address_ward_none": (
        "Không tìm thấy xã/phường nào thuộc {province} khớp với “{query}”. Vui lòng gõ lại tên."
    ),
    "form.address_detail": (
        "Nhập số nhà, tên đường, thôn/xóm/tổ dân phố thuộc {ward} "
        "(không cần ghi huyện: từ 01/7/2025 không còn cấp huyện)."
    ),
    "form.summary_line": "• {label}: {value}",
    "form.review": (
        "<b>Kiểm tra tờ khai: {procedure}</b>\n{lines}\n\n"
        "Bấm vào một trường để sửa, hoặc <b>Xác nhận tờ khai</b> nếu thông tin đã đúng."
    ),
    "form.final": (
        "✅ <b>Tờ khai đã hoàn tất</b>\n"
        "Thủ tục: {procedure}\nCơ quan tiếp nhận: {agency}\n\n{lines}\n\n"
        "Tờ khai đã được lưu trong <i>Hồ sơ nháp</i>."
    ),
    "form.cancelled": (
        "Đã dừng tờ khai <b>{procedure}</b>. Các câu trả lời đã được lưu trong "
        "<i>Hồ sơ nháp</i>; bạn có thể làm tiếp bất cứ lúc nào."
    ),
    "form.cancelled_saved": (
        "Đã dừng tờ khai. Các câu trả lời đã được lưu trong <i>Hồ sơ nháp</i>."
    ),
    "form.draft_gone": "Hồ sơ nháp này không còn (có thể đã bị xóa).",
    "form.procedure_gone": "Thủ tục của hồ sơ nháp này không còn trong danh mục.",
    # ------------------------------------------------------------------ drafts
    "drafts.none": "Bạn chưa có hồ sơ nháp nào.",
    "drafts.list": "<b>Hồ sơ nháp</b> ({count}). Chọn hồ sơ để làm tiếp (trang {page}/{pages}):",
    "drafts.item": "{procedure} · {answered}/{total} · {day}",
    "drafts.chosen": "<b>{label}</b>\nCơ quan tiếp nhận: {agency}",
    "drafts.continue": "▶️ Làm tiếp",
    "drafts.delete": "🗑️ Xóa hồ sơ nháp",
    "drafts.deleted": "Đã xóa hồ sơ nháp.",
    # ------------------------------------------------------------------ answer errors
    "error.empty": "Câu trả lời đang trống. Vui lòng nhập nội dung.",
    "error.too_long": "Câu trả lời quá dài ({length} ký tự, tối đa {max}).",
    "error.number": "Vui lòng nhập một số nguyên, chỉ gồm chữ số (ví dụ: 2).",
    "error.number_range": "Số phải nằm trong khoảng từ {min} đến {max}.",
    "error.money": "Số tiền không hợp lệ. Vui lòng nhập số tiền bằng đồng, ví dụ: 150000.",
    "error.money_too_large": "Số tiền quá lớn. Vui lòng kiểm tra lại.",
    "error.date_format": (
        "Ngày chưa đúng định dạng. Vui lòng nhập theo dạng ngày/tháng/năm, ví dụ: 05/09/2024."
    ),
    "error.date_invalid": "Ngày này không tồn tại trên lịch (ví dụ 31/02). Vui lòng kiểm tra lại.",
    "error.date_future": "Ngày này nằm trong tương lai. Vui lòng nhập một ngày từ hôm nay trở về trước.",
    "error.date_past": "Ngày này đã qua. Vui lòng nhập một ngày từ hôm nay trở đi.",
    "error.date_too_early": "Ngày quá xa trong quá khứ (trước năm {year}). Vui lòng kiểm tra lại.",
    "error.date_too_late": "Ngày quá xa trong tương lai (sau năm {year}). Vui lòng kiểm tra lại.",
    "error.cccd_not_digits": "Số định danh chỉ gồm chữ số. Vui lòng nhập đúng 12 chữ số.",
    "error.cccd_length": "Số định danh phải có đúng 12 chữ số (bạn nhập {length} chữ số).",
    "error.cccd_province": (
        "Ba chữ số đầu ({code}) không phải mã tỉnh nơi đăng ký khai sinh hợp lệ. "
        "Vui lòng kiểm tra lại số trên thẻ."
    ),
    "error.cccd_future_year": (
        "Số định danh cho năm sinh {year}, là năm trong tương lai. Vui lòng kiểm tra lại."
    ),
    "error.cccd_birth_year_mismatch": (
        "Số định danh này ứng với năm sinh {id_year}, nhưng ngày sinh đã khai là năm {year}. "
        "Vui lòng kiểm tra lại số định danh hoặc ngày sinh."
    ),
    "error.cccd_sex_mismatch": (
        "Số định danh này không khớp với giới tính đã khai. "
        "Vui lòng kiểm tra lại số định danh hoặc giới tính."
    ),
    "error.phone": (
        "Số điện thoại di động chưa đúng. Vui lòng nhập 10 chữ số bắt đầu bằng 0 "
        "(ví dụ: 0912 345 678) hoặc dạng +84."
    ),
    "error.email": "Địa chỉ email chưa đúng. Ví dụ đúng: ten@example.com.",
    "error.select": "Lựa chọn không có trong danh sách. Vui lòng bấm một mục bên dưới.",
    "error.yesno": "Vui lòng trả lời Có hoặc Không.",
    "error.address_use_steps": "Vui lòng chọn tỉnh/thành phố và xã/phường bằng các nút bên dưới.",
    # ------------------------------------------------------------------ login
    "menu.account": "👤 Tài khoản của tôi",
    "login.offer": (
        "Bạn nên <b>đăng nhập</b> bằng số định danh cá nhân và mã xác thực gửi qua SMS: "
        "thông tin người nộp sẽ được điền sẵn từ CSDL quốc gia về dân cư, và hồ sơ được lưu "
        "vào tài khoản của bạn (xem tiếp được trên mọi ứng dụng chat)."
    ),
    "login.do_login": "🔐 Đăng nhập",
    "login.as_guest": "Điền tờ khai không đăng nhập",
    "login.ask_id": "Nhập <b>số định danh cá nhân</b> (12 chữ số trên thẻ Căn cước/CCCD):",
    "login.ask_phone": "Nhập <b>số điện thoại di động</b> đã đăng ký với CSDL quốc gia về dân cư:",
    "login.share_phone": "📱 Chia sẻ số điện thoại của tôi",
    "login.not_own_contact": "Vui lòng chia sẻ số điện thoại của chính bạn, không phải của người khác.",
    "login.code_sent": (
        "Nếu thông tin khớp với CSDL quốc gia về dân cư, mã xác thực gồm 6 chữ số đã được gửi "
        "qua SMS tới số {phone}. Mã có hiệu lực {minutes} phút."
    ),
    "login.ask_code": "Nhập mã xác thực 6 chữ số đã gửi tới {phone}:",
    "login.code_format": "Mã xác thực gồm đúng 6 chữ số. Vui lòng nhập lại.",
    "login.code_wrong": (
        "Mã xác thực không đúng, hoặc số định danh và số điện thoại không khớp. "
        "Bạn còn {left} lần thử."
    ),
    "login.code_wrong_wait": (
        "Mã xác thực không đúng, hoặc số định danh và số điện thoại không khớp. "
        "Vui lòng đợi {seconds} giây rồi thử lại."
    ),
    "login.code_expired": "Mã xác thực không còn hiệu lực. Vui lòng bấm “Gửi lại mã” để nhận mã mới.",
    "login.code_exhausted": (
        "Bạn đã nhập sai quá số lần cho phép; mã này đã bị hủy. "
        "Vui lòng bấm “Gửi lại mã” để nhận mã mới."
    ),
    "login.locked": (
        "Để bảo vệ tài khoản, việc đăng nhập tạm bị khóa. Vui lòng thử lại sau {seconds} giây "
        "(khoảng {minutes} phút)."
    ),
    "login.wait_resend": "Vui lòng đợi {seconds} giây nữa trước khi yêu cầu mã mới.",
    "login.too_many_codes": (
        "Bạn đã yêu cầu quá nhiều mã xác thực. Vui lòng thử lại sau khoảng {minutes} phút."
    ),
    "login.resend": "🔁 Gửi lại mã",
    "login.retry_send": "🔁 Gửi mã",
    "login.change_phone": "📱 Đổi số điện thoại",
    "login.cancelled": "Đã hủy đăng nhập.",
    "login.success": "✅ Đăng nhập thành công. Xin chào <b>{name}</b>!",
    "login.already": "Bạn đang đăng nhập với tên <b>{name}</b>.",
    "login.not_logged_in": "Bạn chưa đăng nhập.",
    "login.logged_out": "Đã đăng xuất trên cuộc trò chuyện này.",
    "login.session_expired": "Phiên đăng nhập đã hết hạn do không hoạt động. Vui lòng đăng nhập lại khi cần.",
    # ------------------------------------------------------------------ consent
    "consent.notice": (
        "<b>Thông báo xử lý dữ liệu cá nhân</b>\n"
        "Để đăng nhập và điền tờ khai, hệ thống cần xử lý dữ liệu cá nhân của bạn (họ tên, "
        "ngày sinh, số định danh, số điện thoại, địa chỉ và nội dung tờ khai) nhằm giải quyết "
        "thủ tục hành chính, theo Luật Bảo vệ dữ liệu cá nhân số 91/2025/QH15. Số định danh "
        "được mã hóa khi lưu trữ. Bạn có thể xem dữ liệu bằng lệnh /mydata và yêu cầu xóa bằng "
        "/deletemydata bất cứ lúc nào.\nBạn có đồng ý không?"
    ),
    "consent.accept": "✅ Tôi đồng ý",
    "consent.decline": "Không đồng ý",
    "consent.thanks": "Cảm ơn bạn. Lựa chọn của bạn đã được ghi nhận.",
    "consent.declined": (
        "Đã ghi nhận bạn không đồng ý. Bạn vẫn có thể tra cứu thủ tục, nhưng chưa thể điền "
        "tờ khai hoặc đăng nhập."
    ),
    # ------------------------------------------------------------------ profile and data rights
    "profile.card": (
        "<b>Thông tin công dân</b>\n"
        "Họ và tên: {name}\nNgày sinh: {birth}\nGiới tính: {sex}\n"
        "Số định danh: {id}\nĐiện thoại: {phone}\nĐịa chỉ: {address}{address_note}"
    ),
    "profile.sex_male": "Nam",
    "profile.sex_female": "Nữ",
    "profile.address_old": "\n<i>(địa chỉ theo đơn vị hành chính cũ — hãy cập nhật từ CSDL)</i>",
    "profile.refresh": "🔄 Cập nhật từ CSDL Quốc gia về Dân cư",
    "profile.mydata": "🗂️ Dữ liệu của tôi",
    "profile.logout": "🚪 Đăng xuất",
    "profile.refreshed": "Đã cập nhật thông tin từ CSDL Quốc gia về Dân cư.",
    "profile.address_converted": "Địa chỉ được chuyển sang đơn vị hành chính mới:\n{old}\n→ <b>{new}</b>",
    "profile.address_unconverted": (
        "Chưa xác định được xã/phường mới của địa chỉ cũ; bạn sẽ chọn khi điền tờ khai."
    ),
    "profile.not_in_registry": "Không tra cứu được thông tin trong CSDL Quốc gia về Dân cư lúc này.",
    "mydata.list": "<b>Dữ liệu cá nhân đang lưu</b>\n{lines}",
    "mydata.profile": "• Thông tin công dân của {name} (số định danh được mã hóa)",
    "mydata.no_profile": "• Chưa đăng nhập: không lưu thông tin định danh",
    "mydata.chats": "• Số cuộc trò chuyện liên kết: {count}",
    "mydata.drafts": "• Hồ sơ nháp: {count}",
    "mydata.consent_yes": "• Đã đồng ý xử lý dữ liệu cá nhân ngày {day}",
    "mydata.consent_no": "• Đã không đồng ý xử lý dữ liệu cá nhân ngày {day}",
    "mydata.consent_none": "• Chưa trả lời thông báo xử lý dữ liệu cá nhân",
    "mydata.erase": "🗑️ Xóa dữ liệu của tôi",
    "mydata.erase_ask": (
        "Xóa vĩnh viễn hồ sơ nháp, thông tin đăng nhập, liên kết các cuộc trò chuyện và lựa "
        "chọn đồng ý của bạn? Hồ sơ đã nộp cho cơ quan nhà nước được lưu giữ theo quy định "
        "của pháp luật và không bị xóa."
    ),
    "mydata.erase_confirm": "🗑️ Xóa vĩnh viễn",
    "mydata.erased": (
        "Đã xóa dữ liệu cá nhân của bạn ({drafts} hồ sơ nháp) và đăng xuất. Hồ sơ đã nộp "
        "được lưu giữ theo quy định của pháp luật."
    ),
    # ------------------------------------------------------------------ prefill
    "form.prefilled": (
        "Thông tin người nộp được điền sẵn từ CSDL Quốc gia về Dân cư:\n{lines}\n"
        "Vui lòng kiểm tra và xác nhận."
    ),
    "form.prefill_ok": "✅ Đúng, dùng thông tin này",
    "form.prefill_edit": "✏️ Sửa từng mục",
    # ------------------------------------------------------------------ bank accounts
    "form.hint.account": "Nhập số tài khoản ngân hàng (6–19 chữ số).",
    "form.hint.holder": "Nhập tên chủ tài khoản như trên thẻ ngân hàng, ví dụ: NONG THI HOA.",
    "error.account": "Số tài khoản chưa đúng: gồm 6 đến 19 chữ số (hoặc chữ cái), không dấu.",
    "error.holder": "Tên chủ tài khoản chỉ gồm chữ cái và khoảng trắng, từ 2 đến 50 ký tự.",
    # ------------------------------------------------------------------ documents
    "menu.dossiers": "📂 Hồ sơ đã nộp",
    "docs.checklist": (
        "<b>Thành phần hồ sơ — {procedure}</b> (<b>*</b> là bắt buộc)\n{lines}\n{active}"
    ),
    "docs.line_declaration": "✅ {name} — tờ khai điện tử đã điền",
    "docs.line_done": "✅ {name} — {count} tệp: {files}",
    "docs.line_missing": "⬜ {name} <b>*</b>",
    "docs.line_optional": "▫️ {name} (không bắt buộc)",
    "docs.active": (
        "\n📎 Đang nhận tệp cho: <b>{name}</b>. Gửi ảnh chụp hoặc tệp PDF vào cuộc trò chuyện "
        "(JPG, PNG, PDF; tối đa 10 MB mỗi tệp, 20 MB mỗi hồ sơ). Có thể gửi nhiều tệp."
    ),
    "docs.choose": "📎 {name}",
    "docs.from_store": "🗂️ Chọn từ Kho dữ liệu",
    "docs.manage": "🗑️ Gỡ tệp đã gửi",
    "docs.done": "✅ Xong phần giấy tờ",
    "docs.back_to_form": "✏️ Về tờ khai",
    "docs.received": "Đã nhận tệp “{name}” cho: {component}.",
    "docs.reused": "Đã dùng “{name}” từ Kho dữ liệu cho: {component}.",
    "docs.removed": "Đã gỡ tệp “{name}”.",
    "docs.none_needed": "Thủ tục này không cần đính kèm giấy tờ. Tệp chưa được lưu.",
    "docs.rejected": "⚠️ {reason} Tệp này chưa được lưu.",
    "docs.rejected_empty": "Tệp “{name}” trống (0 byte).",
    "docs.rejected_too_large": "Tệp “{name}” quá lớn ({size_mb} MB, tối đa {max_mb} MB mỗi tệp).",
    "docs.rejected_type": (
        "Tệp “{name}” không phải ảnh JPG/PNG hoặc PDF (nội dung thực là: {detected}). "
        "Chỉ nhận: {accepted}."
    ),
    "filetype.program": "tệp chương trình ({kind})",
    "filetype.archive": "tệp nén ({kind})",
    "filetype.office": "tài liệu Word/Excel cũ",
    "filetype.image": "ảnh {kind}",
    "filetype.heic": "ảnh {kind} của iPhone — hãy chụp lại hoặc chọn định dạng JPG",
    "filetype.video": "video",
    "filetype.web": "trang web hoặc mã lệnh",
    "filetype.unknown": "không xác định được",
    "filetype.pdf": "PDF",
    "filetype.jpeg": "ảnh JPG",
    "filetype.png": "ảnh PNG",
    "docs.rejected_dossier_full": (
        "Tổng dung lượng hồ sơ sẽ vượt {max_mb} MB (đã dùng {used_mb} MB, tệp này {size_mb} MB). "
        "Hãy gỡ bớt tệp hoặc gửi tệp nhỏ hơn."
    ),
    "docs.rejected_mismatch": (
        "Tệp “{name}” mang tên {declared} nhưng nội dung thực là {detected}. "
        "Hãy gửi đúng tệp, với đúng đuôi tên tệp."
    ),
    "docs.rejected_quota": (
        "Bạn đã gửi nhiều tệp đang chờ xử lý (tối đa {max_mb} MB). "
        "Hãy gắn các tệp đã gửi vào hồ sơ, hoặc thử lại sau khoảng một giờ."
    ),
    "upload.paused": (
        "⚠️ Hệ thống tạm ngừng nhận tệp vì bộ nhớ máy chủ sắp đầy. Tệp này chưa được lưu. "
        "Bạn vẫn có thể nhắn tin bình thường; hãy gửi lại tệp sau."
    ),
    "docs.missing": "Còn thiếu giấy tờ bắt buộc:\n{lines}",
    "docs.missing_line": "• {name}",
    "docs.store_pick": "Chọn giấy tờ trong Kho dữ liệu (trang {page}/{pages}):",
    "docs.stored_item": "{label} · {name} · {day}",
    "docs.stored_wrong_type": "“{name}” không đúng loại tệp được nhận cho: {component}.",
    "docs.manage_pick": "Chọn tệp cần gỡ:",
    "docs.remove_item": "🗑️ {component}: {name}",
    # ------------------------------------------------------------------ submission and payment
    "submission.summary": (
        "<b>Kiểm tra lần cuối trước khi nộp</b>\n"
        "Thủ tục: {procedure}\nCơ quan tiếp nhận: {agency}\n"
        "Tờ khai: {answers} mục đã điền\nGiấy tờ:\n{documents}\n"
        "Nhận kết quả: {delivery}\nPhí, lệ phí: {fee}"
    ),
    "submission.document_line": "• {name}",
    "submission.no_documents": "• (không có tệp đính kèm)",
    "submission.submit": "📤 Nộp hồ sơ",
    "submission.edit_documents": "📎 Sửa giấy tờ",
    "submission.edit_form": "✏️ Sửa tờ khai",
    "submission.login_needed": "Để nộp hồ sơ, bạn cần đăng nhập (hồ sơ được gắn với số định danh của bạn).",
    "submission.commitment": (
        "<b>Cam kết</b>\nTôi xin cam đoan những thông tin khai trên là đúng sự thật và chịu "
        "trách nhiệm trước pháp luật về nội dung đã kê khai."
    ),
    "submission.commit": "✅ Tôi xin cam đoan và nộp hồ sơ",
    "submission.created": "Hồ sơ đã được tạo với mã <b>{code}</b>. Vui lòng nộp phí, lệ phí để hoàn tất.",
    "submission.submitted": "✅ Đã nộp hồ sơ thành công. Mã hồ sơ: <b>{code}</b>.",
    "payment.request": (
        "<b>Thanh toán phí, lệ phí — hồ sơ {code}</b>\n"
        "Quét mã QR bằng ứng dụng ngân hàng, hoặc chuyển khoản:\n"
        "Ngân hàng: {bank}\nSố tài khoản: <code>{account}</code>\nChủ tài khoản: {holder}\n"
        "Số tiền: <b>{amount}</b>\nNội dung chuyển khoản (giữ nguyên): <code>{reference}</code>\n"
        "Yêu cầu thanh toán có hiệu lực đến {expires}."
    ),
    "payment.check": "🔄 Tôi đã chuyển khoản — kiểm tra",
    "payment.simulate": "🏦 Giả lập chuyển khoản (bản demo)",
    "payment.simulating": "Đang giả lập giao dịch ngân hàng (bản demo). Biên nhận sẽ được gửi sau giây lát.",
    "payment.not_yet": "Hệ thống chưa nhận được khoản thanh toán. Nếu bạn đã chuyển khoản, vui lòng đợi vài phút.",
    "payment.expired": "Yêu cầu thanh toán đã hết hạn; còn phải nộp <b>{due}</b>. Bạn có thể tạo yêu cầu mới.",
    "payment.renew": "🔁 Tạo yêu cầu thanh toán mới",
    "payment.renewed": "Đã tạo yêu cầu thanh toán mới.",
    "receipt.caption": (
        "🧾 <b>Phiếu tiếp nhận hồ sơ</b>\nMã hồ sơ: <b>{code}</b>\nThủ tục: {procedure}\n"
        "Cơ quan tiếp nhận: {agency}\nPhí, lệ phí: {fee}\nThời gian nộp: {submitted}\n"
        "Ngày hẹn trả kết quả: {due}\nTra cứu: /status {code}"
    ),
    "receipt.fee_paid": "đã thanh toán {amount}",
    "receipt.fee_none": "không thu",
    # ------------------------------------------------------------------ dossiers and documents
    "dossiers.none": "Bạn chưa nộp hồ sơ nào.",
    "dossiers.list": "<b>Hồ sơ đã nộp</b> ({count}) — trang {page}/{pages}:",
    "dossiers.item": "{code} · {procedure} · {status}",
    "dossiers.awaiting_payment": "Chờ thanh toán",
    "dossiers.card": (
        "<b>Hồ sơ {code}</b>\nThủ tục: {procedure}\nCơ quan: {agency}\nTrạng thái: <b>{status}</b>\n"
        "Ngày hẹn trả: {due}{payment}\nLịch sử:\n{history}"
    ),
    "dossiers.history_line": "• {at}: {status}",
    "dossiers.pay": "💳 Thanh toán",
    "documents.none": "Kho dữ liệu của bạn chưa có giấy tờ nào.",
    "documents.list": "<b>Kho dữ liệu</b> ({count} giấy tờ):\n{lines}",
    "documents.line": "• {label}: {name} ({day})",
    # ------------------------------------------------------------------ status lookup
    "status.bad_code": (
        "Mã hồ sơ chưa đúng. Mã có dạng <code>{example}</code> (mã cơ quan - ngày nhận - số thứ tự). "
        "Ví dụ: /status {example}"
    ),
    "status.not_found": "Không tìm thấy hồ sơ có mã <b>{code}</b>. Vui lòng kiểm tra lại mã trên biên nhận.",
    "status.public": (
        "<b>Hồ sơ {code}</b>\nThủ tục: {procedure}\nCơ quan: {agency}\nTrạng thái: <b>{status}</b>\n"
        "Ngày nộp: {submitted}\nNgày hẹn trả: {due}"
    ),
    # ------------------------------------------------------------------ chat menus
    # The command list a chat platform shows in its menu (Telegram's setMyCommands).
    "command.start": "Bắt đầu lại",
    "command.menu": "Danh mục chính",
    "command.help": "Hướng dẫn sử dụng",
    "command.cancel": "Hủy thao tác đang làm",
    "command.lang": "Đổi ngôn ngữ (Language)",
    "command.login": "Đăng nhập bằng mã xác thực",
    "command.logout": "Đăng xuất",
    "command.profile": "Thông tin tài khoản",
    "command.mydossiers": "Hồ sơ của tôi",
    "command.status": "Tra cứu tình trạng hồ sơ theo mã",
    "command.documents": "Kho dữ liệu giấy tờ",
    "command.mydata": "Dữ liệu cá nhân đang được lưu",
    "command.deletemydata": "Xóa dữ liệu cá nhân",
    "login.share_phone_hint": "Hoặc bấm nút <b>{label}</b> bên dưới để gửi số điện thoại của bạn.",
}
