"""English texts of the papers a citizen keeps: the e-form PDF and the fee receipt."""

MESSAGES: dict[str, str] = {
    # ------------------------------------------------------------------ chat
    "papers.declaration_caption": (
        "📄 The e-form of dossier <b>{code}</b> (PDF), with a QR code to check its status. "
        "A copy is kept in your document store (/documents)."
    ),
    "papers.receipt_caption": (
        "🧾 Electronic fee receipt no. <b>{number}</b> for dossier <b>{code}</b>: "
        "{amount} collected. A copy is kept in your document store (/documents)."
    ),
    "documents.paper_caption": "📄 {label}: {name}",
    "status_page.title": "Dossier status",
    # ------------------------------------------------------------------ both papers
    "paper.state": "SOCIALIST REPUBLIC OF VIETNAM",
    "paper.motto": "Independence – Freedom – Happiness",
    "paper.code": "Dossier code",
    "paper.procedure": "Procedure",
    "paper.procedure_value": "{name} (code {code})",
    "paper.agency": "Receiving agency",
    "paper.at_vietnam": "{at} (Vietnam time)",
    "paper.qr_caption": "Scan the QR code to check the dossier's status: {url}",
    # ------------------------------------------------------------------ the e-form
    "paper.label_declaration": "E-form",
    "paper.form_title": "ELECTRONIC DECLARATION FORM",
    "paper.section_dossier": "Dossier",
    "paper.applicant": "Applicant",
    "paper.subject": "Filed for {relation}",
    "paper.submitted": "Submitted",
    "paper.delivery": "Result delivery",
    "paper.section_answers": "Declaration",
    "paper.section_documents": "Documents attached",
    "paper.no_documents": "None",
    "paper.form_pledge": (
        "The declarant pledges that the information above is true and takes legal "
        "responsibility for this declaration."
    ),
    "paper.form_issued": "Drawn up on the online public services at {at} (Vietnam time).",
    # ------------------------------------------------------------------ the fee receipt
    "paper.label_receipt": "Fee receipt",
    "paper.receipt_title": "FEE AND CHARGE RECEIPT",
    "paper.receipt_kind": "(Electronic receipt)",
    "paper.receipt_number": "No.: {number}",
    "paper.section_collector": "Collected by",
    "paper.collector": "Collecting agency",
    "paper.account": "Receiving account",
    "paper.account_value": "{number} at {bank}, account holder {holder}",
    "paper.section_payer": "Paid by",
    "paper.payer": "Full name",
    "paper.section_fees": "Items collected",
    "paper.col_no": "No.",
    "paper.col_item": "Item",
    "paper.col_quantity": "Quantity",
    "paper.col_amount": "Amount",
    "paper.quantity_unit": "{quantity} × {unit}",
    "paper.total": "Total",
    "paper.section_payment": "Payment",
    "paper.method": "Payment method",
    "paper.method_transfer": "Bank transfer (VietQR)",
    "paper.paid_at": "Paid at",
    "paper.reference": "Transfer reference",
    "paper.transactions": "Transaction ids",
    "paper.transaction_line": "{id}: {amount} at {at}",
    "paper.paid_total": "Total received",
    "paper.overpaid": "Overpaid (to be refunded)",
    "paper.receipt_issued": (
        "Receipt drawn up automatically when the payment was recorded, at {at} (Vietnam time)."
    ),
}
