"""English messages of the payment ledger (partial transfers, refunds, paying at the counter)."""

MESSAGES: dict[str, str] = {
    # ------------------------------------------------------------------ transfers received
    "ledger.partial": (
        "💰 <b>Dossier {code}</b>: received <b>{received}</b>. Paid {paid} of {fee}; "
        "<b>{due}</b> still due.\nScan the QR code to pay the rest, or transfer:\n"
        "Bank: {bank}\nAccount number: <code>{account}</code>\nAccount holder: {holder}\n"
        "Amount: <b>{due}</b>\nTransfer description (keep it as is): <code>{reference}</code>\n"
        "The payment request is valid until {expires}."
    ),
    "ledger.request_rest": (
        "<b>Fee payment — dossier {code}</b>\n"
        "Paid {paid} of {fee}; <b>{amount}</b> still due.\n"
        "Scan the QR code with your banking app, or transfer:\n"
        "Bank: {bank}\nAccount number: <code>{account}</code>\nAccount holder: {holder}\n"
        "Amount: <b>{amount}</b>\nTransfer description (keep it as is): <code>{reference}</code>\n"
        "The payment request is valid until {expires}."
    ),
    "ledger.not_yet_partial": (
        "Paid {paid} of {fee}; <b>{due}</b> still due. If you have just paid, please wait a few "
        "minutes."
    ),
    "ledger.overpaid": (
        "Dossier {code} is paid in full. The <b>{amount}</b> paid in excess will be refunded by "
        "an officer to {account}."
    ),
    "ledger.extra": (
        "Dossier {code} was already paid in full; the {amount} just received will be refunded "
        "by an officer to {account}."
    ),
    "ledger.account": "account {number} ({bank}, {holder})",
    "ledger.account_none": ("the account you give the officer (the dossier has no refund account)"),
    # ------------------------------------------------------------------ paying at the counter
    "ledger.pay_counter": "🏢 Pay at the one-stop counter",
    "ledger.counter_chosen": (
        "✅ Dossier <b>{code}</b> is submitted. You chose to pay the fee at the one-stop "
        "counter: <b>{due}</b> is due when you come to the agency."
    ),
    # ------------------------------------------------------------------ fee lines
    "ledger.fee_due": "{fee}; paid {paid}; <b>{due}</b> still due",
    "ledger.fee_counter": (
        "{fee}, to be paid at the one-stop counter; paid {paid}; <b>{due}</b> still due"
    ),
    "ledger.fee_refund": "{fee}; {amount} to be refunded to {account}",
    "ledger.card": "\n<b>Fee</b>: {fee}{lines}",
    "ledger.payment_line": "\n• {at}: received {amount} ({provider})",
    "ledger.refund_line": "\n• Refund {amount} ({reason})",
    "ledger.reason_overpaid": "paid in excess",
    "ledger.reason_already_paid": "paid after the fee was settled",
}
