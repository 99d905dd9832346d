"""Vietnamese texts of the papers a citizen keeps: the e-form PDF and the fee receipt."""

MESSAGES: dict[str, str] = {
    # ------------------------------------------------------------------ chat
    "papers.declaration_caption": (
        "📄 Tờ khai điện tử của hồ sơ <b>{code}</b> (PDF), có mã QR tra cứu tình trạng. "
        "Bản này được lưu trong Kho dữ liệu (/documents)."
    ),
    "papers.receipt_caption": (
        "🧾 Biên lai thu phí, lệ phí điện tử số <b>{number}</b> của hồ sơ <b>{code}</b>: "
        "đã thu {amount}. Bản này được lưu trong Kho dữ liệu (/documents)."
    ),
    "documents.paper_caption": "📄 {label}: {name}",
    "status_page.title": "Tra cứu tình trạng hồ sơ",
    # ------------------------------------------------------------------ both papers
    "paper.state": "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
    "paper.motto": "Độc lập – Tự do – Hạnh phúc",
    "paper.code": "Mã hồ sơ",
    "paper.procedure": "Thủ tục",
    "paper.procedure_value": "{name} (mã {code})",
    "paper.agency": "Cơ quan tiếp nhận",
    "paper.at_vietnam": "{at} (giờ Việt Nam)",
    "paper.qr_caption": "Quét mã QR để tra cứu tình trạng hồ sơ: {url}",
    # ------------------------------------------------------------------ the e-form
    "paper.label_declaration": "Tờ khai điện tử",
    "paper.form_title": "TỜ KHAI ĐIỆN TỬ",
    "paper.section_dossier": "Thông tin hồ sơ",
    "paper.applicant": "Người nộp",
    "paper.subject": "Nộp cho {relation}",
    "paper.submitted": "Ngày nộp",
    "paper.delivery": "Hình thức nhận kết quả",
    "paper.section_answers": "Nội dung tờ khai",
    "paper.section_documents": "Giấy tờ kèm theo",
    "paper.no_documents": "Không có",
    "paper.form_pledge": (
        "Người khai cam đoan những thông tin trên là đúng sự thật và chịu trách nhiệm "
        "trước pháp luật về lời khai của mình."
    ),
    "paper.form_issued": "Tờ khai được lập trên Dịch vụ công trực tuyến lúc {at} (giờ Việt Nam).",
    # ------------------------------------------------------------------ the fee receipt
    "paper.label_receipt": "Biên lai thu phí, lệ phí",
    "paper.receipt_title": "BIÊN LAI THU PHÍ, LỆ PHÍ",
    "paper.receipt_kind": "(Biên lai điện tử)",
    "paper.receipt_number": "Số: {number}",
    "paper.section_collector": "Đơn vị thu",
    "paper.collector": "Tổ chức thu phí, lệ phí",
    "paper.account": "Tài khoản thu",
    "paper.account_value": "{number} tại {bank}, chủ tài khoản {holder}",
    "paper.section_payer": "Người nộp phí, lệ phí",
    "paper.payer": "Họ và tên",
    "paper.section_fees": "Các khoản thu",
    "paper.col_no": "STT",
    "paper.col_item": "Nội dung thu",
    "paper.col_quantity": "Số lượng",
    "paper.col_amount": "Số tiền",
    "paper.quantity_unit": "{quantity} × {unit}",
    "paper.total": "Tổng cộng",
    "paper.section_payment": "Thanh toán",
    "paper.method": "Hình thức thanh toán",
    "paper.method_transfer": "Chuyển khoản ngân hàng (VietQR)",
    "paper.paid_at": "Thời điểm thanh toán",
    "paper.reference": "Nội dung chuyển khoản",
    "paper.transactions": "Mã giao dịch",
    "paper.transaction_line": "{id}: {amount} lúc {at}",
    "paper.paid_total": "Tổng số tiền đã nhận",
    "paper.overpaid": "Số tiền nộp thừa (được hoàn trả)",
    "paper.receipt_issued": (
        "Biên lai được lập tự động khi khoản thanh toán được ghi nhận, lúc {at} (giờ Việt Nam)."
    ),
}
