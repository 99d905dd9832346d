"""English messages of a citizen changing course: supplement from the card, withdrawal,
delivery address and phone changes, service rating (and its report)."""

MESSAGES: dict[str, str] = {
    "course.not_yours": (
        "⛔ Only the person who filed the dossier can do this. You can still look up its status "
        "with /status and the dossier code."
    ),
    "course.status_now": "Dossier <b>{code}</b> is now: <b>{status}</b>.",
    "course.too_long": "⚠️ That is too long (at most {max} characters). Please type less.",
    # ------------------------------------------------------------------ the card
    "course.card_supplement": (
        "\n\n📎 <b>The agency asks for more documents</b> (since {since}):\n{lines}{note}\n"
        "Press “Submit supplement” to send them."
    ),
    "course.card_note": "\nOfficer's note: <i>{note}</i>",
    "course.card_withdrawn": "\n\n↩️ You asked to withdraw this dossier at {at}. Reason: {reason}{detail}",
    "course.card_detail": " — <i>{detail}</i>",
    "course.card_changed": "\n✏️ {field} changed at {at}: {old} → <b>{new}</b>",
    "course.card_rated": "\n⭐ Your rating: <b>{level}</b>",
    "course.field_address": "delivery address",
    "course.field_phone": "contact phone",
    "course.supplement_button": "📎 Submit supplement",
    "course.address_button": "🏠 Change delivery address",
    "course.phone_button": "📞 Change phone number",
    "course.withdraw_button": "↩️ Withdraw dossier",
    "course.rate_button": "⭐ Rate the service",
    "course.refund_reason_withdrawn": "dossier withdrawn",
    # ------------------------------------------------------------------ withdrawal
    "course.reason_not_needed": "No longer needed",
    "course.reason_wrong_procedure": "Wrong procedure or agency",
    "course.reason_wrong_details": "Wrong details, will file again",
    "course.reason_too_slow": "It takes too long",
    "course.reason_other": "Another reason",
    "course.withdraw_not_allowed": (
        "A dossier in this status can no longer be withdrawn: only while the agency has not "
        "settled it (newly submitted, received, being processed, waiting for a supplement or "
        "for a payment)."
    ),
    "course.withdraw_reason": (
        "↩️ <b>Withdraw dossier {code}</b>\nWhy do you want to withdraw it? Choose a reason, "
        "or type your own."
    ),
    "course.withdraw_detail": "Please type why you withdraw dossier {code} (at most {max} characters).",
    "course.withdraw_account": (
        "You paid {amount}. It will be refunded, but the form has no refund account. Please "
        "type it as: <code>Bank, account number, account holder</code>"
        "\nFor example: <code>Vietcombank, 0123456789, NONG THI HOA</code>"
    ),
    "course.account_invalid": (
        "⚠️ That account could not be read. Three parts are needed, separated by commas: the "
        "bank's name, the account number (6–19 digits), the account holder."
    ),
    "course.withdraw_refund": "\nRefund: <b>{amount}</b>, to {account}.",
    "course.withdraw_confirm": (
        "Confirm <b>withdrawing dossier {code}</b>?\nStatus now: {status}\nReason: {reason}{detail}"
        "{refund}\n\nOnce withdrawn, the agency stops processing it; to try again you must file "
        "a new dossier."
    ),
    "course.withdraw_yes": "✅ Confirm withdrawal",
    "course.withdraw_changed": (
        "⚠️ The dossier's status changed while you were confirming, so it was <b>not</b> "
        "withdrawn. Please check it and press “Withdraw dossier” again if you still want to."
    ),
    "course.withdrawn": (
        "✅ Your request to withdraw dossier <b>{code}</b> is sent. The agency will stop "
        "processing it and let you know."
    ),
    "course.withdraw_already": "Dossier <b>{code}</b> is already being withdrawn; no need to press again.",
    "course.withdraw_stale": (
        "That confirmation button is out of date. To withdraw dossier <b>{code}</b>, press "
        "“Withdraw dossier” below."
    ),
    "course.withdraw_cancelled": "Cancelled; dossier <b>{code}</b> is not withdrawn.",
    # ------------------------------------------------------------------ address and phone
    "course.contact_not_allowed": (
        "This can no longer be changed: the address and phone can change only before the "
        "result is delivered, and not once the dossier is withdrawn, refused or stopped."
    ),
    "course.contact_none": (
        "Dossier <b>{code}</b> has no such detail to change (e.g. the result is not sent by post)."
    ),
    "course.address_question": "🏠 <b>New delivery address</b>",
    "course.phone_question": (
        "📞 Phone number now: {old}\nType the new mobile number (10 digits, starting with 0)."
    ),
    "course.contact_confirm": (
        "Change the {field} of dossier <b>{code}</b>?\nOld: {old}\nNew: <b>{new}</b>"
    ),
    "course.contact_yes": "✅ Confirm the change",
    "course.contact_unchanged": "The new value is the same as the old one; nothing changed.",
    "course.contact_changed": "✅ The {field} of dossier <b>{code}</b> is changed.",
    "course.contact_stale": (
        "No change is waiting for confirmation on dossier <b>{code}</b>; what holds now is below."
    ),
    "course.contact_cancelled": "Cancelled; nothing changed.",
    # ------------------------------------------------------------------ rating
    "course.level": "{level}",
    "course.rate_question": "⭐ <b>How satisfied are you</b> with how dossier {code} was handled?",
    "course.rate_already": "You already rated dossier <b>{code}</b>: <b>{level}</b>. Each dossier is rated once.",
    "course.rate_not_allowed": "A dossier can be rated once it has a result or was refused.",
    "course.rate_thanks": "🙏 Thank you for your rating: <b>{level}</b>.",
    "course.rate_comment": (
        "Anything to add? Type a comment (at most {max} characters), or press “Skip”."
    ),
    "course.rate_comment_kept": "✅ Your comment is kept. Thank you!",
    # ------------------------------------------------------------------ report
    "course.stats_ratings": "⭐ <b>Citizens' ratings per agency</b> (all time)\n{lines}",
    "course.stats_rating_line": (
        "• {agency}: {total} ratings, average {average}/4 ({levels}); {comments} comments"
    ),
    "course.stats_level_count": "{level}: {count}",
}
