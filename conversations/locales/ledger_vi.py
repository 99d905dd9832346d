"""Vietnamese messages of the payment ledger (partial transfers, refunds, paying at the counter)."""

MESSAGES: dict[str, str] = {
    # ------------------------------------------------------------------ transfers received
    "ledger.partial": (
        "💰 <b>Hồ sơ {code}</b>: đã nhận <b>{received}</b>. Đã nộp {paid} trên tổng {fee}; "
        "còn phải nộp <b>{due}</b>.\nQuét mã QR để chuyển số còn lại, hoặc chuyển khoản:\n"
        "Ngân hàng: {bank}\nSố tài khoản: <code>{account}</code>\nChủ tài khoản: {holder}\n"
        "Số tiền: <b>{due}</b>\nNội dung chuyển khoản (giữ nguyên): <code>{reference}</code>\n"
        "Yêu cầu thanh toán có hiệu lực đến {expires}."
    ),
    "ledger.request_rest": (
        "<b>Thanh toán phí, lệ phí — hồ sơ {code}</b>\n"
        "Đã nộp {paid} trên tổng {fee}; còn phải nộp <b>{amount}</b>.\n"
        "Quét mã QR bằng ứng dụng ngân hàng, hoặc chuyển khoản:\n"
        "Ngân hàng: {bank}\nSố tài khoản: <code>{account}</code>\nChủ tài khoản: {holder}\n"
        "Số tiền: <b>{amount}</b>\nNội dung chuyển khoản (giữ nguyên): <code>{reference}</code>\n"
        "Yêu cầu thanh toán có hiệu lực đến {expires}."
    ),
    "ledger.not_yet_partial": (
        "Đã nhận {paid} trên tổng {fee}; còn phải nộp <b>{due}</b>. Nếu bạn vừa chuyển khoản, "
        "vui lòng đợi vài phút."
    ),
    "ledger.overpaid": (
        "Hồ sơ {code} đã được thanh toán đủ. Khoản chuyển thừa <b>{amount}</b> sẽ được cán bộ "
        "hoàn lại vào {account}."
    ),
    "ledger.extra": (
        "Hồ sơ {code} đã được thanh toán đủ trước đó; khoản {amount} vừa nhận sẽ được cán bộ "
        "hoàn lại vào {account}."
    ),
    "ledger.account": "tài khoản {number} ({bank}, {holder})",
    "ledger.account_none": (
        "tài khoản bạn cung cấp cho cán bộ (hồ sơ chưa có tài khoản nhận hoàn tiền)"
    ),
    # ------------------------------------------------------------------ paying at the counter
    "ledger.pay_counter": "🏢 Nộp phí tại bộ phận một cửa",
    "ledger.counter_chosen": (
        "✅ Hồ sơ <b>{code}</b> đã được nộp. Bạn chọn nộp phí, lệ phí tại bộ phận một cửa: "
        "còn phải nộp <b>{due}</b> khi đến cơ quan."
    ),
    # ------------------------------------------------------------------ fee lines
    "ledger.fee_due": "{fee}; đã nộp {paid}; còn phải nộp <b>{due}</b>",
    "ledger.fee_counter": "{fee}, nộp tại bộ phận một cửa; đã nộp {paid}; còn phải nộp <b>{due}</b>",
    "ledger.fee_refund": "{fee}; hoàn lại {amount} vào {account}",
    "ledger.card": "\n<b>Phí, lệ phí</b>: {fee}{lines}",
    "ledger.payment_line": "\n• {at}: nhận {amount} ({provider})",
    "ledger.refund_line": "\n• Hoàn lại {amount} ({reason})",
    "ledger.reason_overpaid": "chuyển thừa",
    "ledger.reason_already_paid": "chuyển sau khi đã nộp đủ",
}
