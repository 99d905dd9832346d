"""English messages; every id of the Vietnamese catalogue, with the same parameters."""

MESSAGES: dict[str, str] = {
    # ------------------------------------------------------------------ data shown as is
    "raw": "{text}",
    "raw_both": "{text}",
    "raw_day": "{day}",
    "raw_money": "{amount}",
    "raw_number": "{value}",
    # ------------------------------------------------------------------ common
    "common.welcome": (
        "Hello! I am the <b>online public services</b> assistant of Cao Bằng province.\n"
        "I help you find an administrative procedure, fill in its e-form step by step, "
        "and keep a draft you can finish at any time."
    ),
    "common.help": (
        "<b>How to use this bot</b>\n"
        "• Type the name of a procedure (with or without Vietnamese accents), e.g. "
        "<i>birth registration</i>, <i>tam tru</i>, or a procedure code such as "
        "<code>1.004194</code>.\n"
        "• In a form, fields marked <b>*</b> are required; use the Back, Skip and Cancel "
        "buttons when you need them.\n"
        "• The form is saved automatically after every answer.\n"
        "• Look a dossier up: /status CODE · follow it: /follow CODE · stop: /unfollow CODE.\n"
        "Commands: {commands}"
    ),
    "common.cancelled": "Cancelled.",
    "common.unknown_command": "I don't know that command. Type /help to see the commands.",
    "common.not_understood": "I didn't understand that answer. Please follow the instructions below.",
    "common.stale_button": (
        "That button belongs to an earlier message and no longer applies at this step. "
        "Please choose again below."
    ),
    "common.unexpected_upload": (
        "No attachment is needed at this step. Your file was not stored; "
        "please answer the question below."
    ),
    "common.unexpected_contact": "No phone number is needed at this step. Please answer below.",
    "common.unexpected_location": "No location is needed at this step. Please answer below.",
    "common.too_long": "That message is too long (at most {max} characters). Please shorten it.",
    "common.error": (
        "Sorry, the system has a problem and could not handle this message. "
        "Everything you entered before is kept. Please try again in a few minutes."
    ),
    "common.yes": "Yes",
    "common.no": "No",
    # ------------------------------------------------------------------ buttons
    "btn.back": "⬅️ Back",
    "btn.back_to_results": "⬅️ Back to the list",
    "btn.back_to_review": "↩️ Back to the summary",
    "btn.cancel": "✖️ Cancel",
    "btn.confirm_form": "✅ Confirm the form",
    "btn.edit_field": "✏️ {label}",
    "btn.keep": "✔️ Keep as is",
    "btn.menu": "🏠 Main menu",
    "btn.new_search": "🔎 Search again",
    "btn.next_page": "Next page ▶️",
    "btn.prev_page": "◀️ Previous page",
    "btn.skip": "⏭️ Skip",
    # ------------------------------------------------------------------ menu and language
    "menu.main": "What would you like to do? Choose below, or type the procedure you need.",
    "menu.search": "🔎 Find a procedure",
    "menu.browse": "📚 Browse by sector",
    "menu.drafts": "📝 Drafts",
    "menu.help": "❓ Help",
    "menu.lang": "🌐 Ngôn ngữ / Language",
    "menu.track": "🔍 Track a dossier",
    "dossiers.ask_code": (
        "Type the code of the dossier to look up (printed on the receipt), e.g. "
        "<code>{example}</code>."
    ),
    "dossiers.code_unreadable": (
        "That is not a dossier code. A code looks like <code>{example}</code> "
        "(agency - day received - number)."
    ),
    "anywhere.search_offer": "Search for the procedure «{query}»?",
    "anywhere.search_button": "🔎 Search for it",
    "lang.choose": "Chọn ngôn ngữ / Choose your language:",
    "lang.vi": "🇻🇳 Tiếng Việt",
    "lang.en": "🇬🇧 English",
    "lang.changed": "Switched to English.",
    # ------------------------------------------------------------------ search
    "search.ask": (
        "Which procedure do you need? Type its name (Vietnamese, with or without accents, "
        "or English) or its code.\n"
        "Examples: <i>đăng ký khai sinh</i>, <i>temporary residence</i>, "
        "<i>lý lịch tư pháp</i>, <code>1.004194</code>"
    ),
    "search.none": "No procedure in the province's catalogue matches “{query}”.\n{details}",
    "search.elsewhere": "📍 This is handled by <b>{where}</b>. {explain}",
    "search.closest": (
        "The <b>closest</b> procedures, on the buttons below, may not be what you need; "
        "check them carefully before filing."
    ),
    "search.try_again": (
        "Try other words (e.g. <i>khai sinh</i>, <i>tạm trú</i>) or browse by sector."
    ),
    "search.ask_person": (
        "Need a person? See the national public-service portal https://dichvucong.gov.vn, "
        "call the helpline 1800 1096 or ask the one-stop desk of your commune or ward."
    ),
    "search.closest_button": "≈ Closest: {name}",
    "search.sector_button": "📚 Sector: {sector}",
    "search.results": "Found {count} procedures for “{query}”.",
    "search.sector_results": "Sector <b>{sector}</b>: {count} procedures.",
    "search.results_page": "{header}\nChoose a procedure to see its details (page {page}/{pages}):",
    "search.sectors": "Choose a sector:",
    "search.apply": "📝 File online",
    "search.ward_ask": (
        "This procedure is handled at commune level. Choose the <b>commune/ward</b> in {province} "
        "where you file, or type its name to search (page {page}/{pages}):"
    ),
    "search.ward_matches": "Communes/wards of {province} matching “{query}”:",
    "search.ward_none": (
        "No commune/ward of {province} matches “{query}”. "
        "Please type the name again (e.g. <i>Thục Phán</i>, <i>Nùng Trí Cao</i>)."
    ),
    # ------------------------------------------------------------------ procedure card
    "proc.name": "{name}",
    "proc.name_code": "{name} ({code})",
    "proc.card": (
        "<b>{name}</b>\n"
        "Sector: {sector}\n\n"
        "{summary}\n\n"
        "<b>Handled by:</b> {agency}\n"
        "<b>Documents</b> (<b>*</b> = required):\n{documents}\n"
        "<b>Fees:</b> {fee}{fee_note}\n"
        "<b>Processing time:</b> {days}\n"
        "<b>Result:</b> {result}"
    ),
    "proc.document_required": "• {name} <b>*</b>",
    "proc.document_optional": "• {name}",
    "proc.no_documents": "• No documents required",
    "proc.fee_note": "\n<i>{note}</i>",
    "proc.fee_free": "Free of charge",
    "proc.fee_amount": "{amount}",
    "proc.fee_online": "{online} when filed online ({counter} at the counter)",
    "proc.fee_local": (
        "Set by the Provincial People's Council resolution; the exact amount is given "
        "when the dossier is received"
    ),
    "proc.days": "{days} working days",
    "proc.days_same_day": "Within the working day",
    "proc.agency_commune_committee": "The People's Committee of the commune/ward you choose",
    "proc.agency_commune_police": "The police of the commune/ward you choose",
    "proc.agency_unknown": "A provincial department",
    "proc.agency_missing": (
        "Sorry, the receiving agency for this procedure is not set up yet. "
        "Please contact the one-stop office."
    ),
    # ------------------------------------------------------------------ form
    "form.started": (
        "Starting the form <b>{procedure}</b>\n"
        "Receiving agency: {agency}\n"
        "The form has {count} questions; fields marked <b>*</b> are required. "
        "Every answer is saved straight away in <i>Drafts</i>."
    ),
    "form.resumed": "Continuing the form <b>{procedure}</b> where you left off.",
    "form.label": "{label}",
    "form.label_required": "{label} <b>*</b>",
    "form.question": "<b>Question {number}/{total}.</b> {label}\n{hint}{help}{current}",
    "form.help": "\n<i>{help}</i>",
    "form.current": "\nSaved answer: <b>{value}</b>",
    "form.value_empty": "—",
    "form.hint.text": "Type your answer.",
    "form.hint.textarea": "Type the text (several lines are fine).",
    "form.hint.number": "Type a whole number.",
    "form.hint.number_range": "Type a whole number from {min} to {max}.",
    "form.hint.money": "Type the amount in dong, e.g. 15000 or 15.000.",
    "form.hint.date_past": "Type the date as day/month/year (dd/mm/yyyy), e.g. 05/09/2024.",
    "form.hint.date_future": "Type the date as day/month/year (dd/mm/yyyy), today or later.",
    "form.hint.date_any": "Type the date as day/month/year (dd/mm/yyyy).",
    "form.hint.cccd": "Type the 12-digit personal ID number (on the chip ID / Căn cước card).",
    "form.hint.phone": "Type a mobile number, e.g. 0912 345 678.",
    "form.hint.email": "Type an email address, e.g. name@example.com.",
    "form.hint.select": "Choose one below, or type its name.",
    "form.hint.yesno": "Choose Yes or No.",
    "form.hint.address": "The address is a province/city, a commune/ward, then the house and hamlet.",
    "form.invalid": "⚠️ {reason}",
    "form.required": "This field is required (<b>*</b>) and cannot be skipped.",
    "form.first_question": "This is the first question.",
    "form.missing_required": "The required field “{label}” has no answer yet.",
    "form.address_province": "{question}\nChoose the province/city, or type the name of another:",
    "form.address_province_matches": "{question}\nProvinces/cities matching “{query}”:",
    "form.address_province_none": (
        "{question}\nNo province/city matches “{query}”. Please type it again."
    ),
    "form.address_ward": (
        "Choose the commune/ward in {province}, or type its name to search (page {page}/{pages}):"
    ),
    "form.address_ward_matches": "Communes/wards of {province} matching “{query}”:",
    "form.address_ward_none": (
        "No commune/ward of {province} matches “{query}”. Please type the name again."
    ),
    "form.address_detail": (
        "Type the house number, street and hamlet/residential group in {ward} "
        "(no district needed: districts were abolished on 1 July 2025)."
    ),
    "form.summary_line": "• {label}: {value}",
    "form.review": (
        "<b>Check your form: {procedure}</b>\n{lines}\n\n"
        "Tap a field to change it, or <b>Confirm the form</b> if everything is right."
    ),
    "form.final": (
        "✅ <b>The form is complete</b>\n"
        "Procedure: {procedure}\nReceiving agency: {agency}\n\n{lines}\n\n"
        "The form is saved in <i>Drafts</i>."
    ),
    "form.cancelled": (
        "Stopped the form <b>{procedure}</b>. Your answers are saved in <i>Drafts</i>; "
        "you can continue at any time."
    ),
    "form.cancelled_saved": "Stopped the form. Your answers are saved in <i>Drafts</i>.",
    "form.draft_gone": "This draft no longer exists (it may have been deleted).",
    "form.procedure_gone": "The procedure of this draft is no longer in the catalogue.",
    # ------------------------------------------------------------------ drafts
    "drafts.none": "You have no drafts.",
    "drafts.list": "<b>Drafts</b> ({count}). Choose one to continue (page {page}/{pages}):",
    "drafts.item": "{procedure} · {answered}/{total} · {day}",
    "drafts.chosen": "<b>{label}</b>\nReceiving agency: {agency}",
    "drafts.continue": "▶️ Continue",
    "drafts.delete": "🗑️ Delete draft",
    "drafts.deleted": "Draft deleted.",
    # ------------------------------------------------------------------ answer errors
    "error.empty": "The answer is empty. Please type something.",
    "error.too_long": "The answer is too long ({length} characters, at most {max}).",
    "error.number": "Please type a whole number, digits only (e.g. 2).",
    "error.number_range": "The number must be between {min} and {max}.",
    "error.money": "That amount is not valid. Please type it in dong, e.g. 150000.",
    "error.money_too_large": "That amount is too large. Please check it.",
    "error.date_format": "The date is not in the right format. Please type day/month/year, e.g. 05/09/2024.",
    "error.date_invalid": "That date does not exist (e.g. 31/02). Please check it.",
    "error.date_future": "That date is in the future. Please type today's date or an earlier one.",
    "error.date_past": "That date has passed. Please type today's date or a later one.",
    "error.date_too_early": "That date is too far in the past (before {year}). Please check it.",
    "error.date_too_late": "That date is too far in the future (after {year}). Please check it.",
    "error.cccd_not_digits": "An ID number has digits only. Please type exactly 12 digits.",
    "error.cccd_length": "An ID number has exactly 12 digits (you typed {length}).",
    "error.cccd_province": (
        "The first three digits ({code}) are not a valid birth-registration province code. "
        "Please check the number on the card."
    ),
    "error.cccd_future_year": "This ID number gives birth year {year}, which is in the future. Please check it.",
    "error.cccd_birth_year_mismatch": (
        "This ID number belongs to someone born in {id_year}, but the date of birth given is in "
        "{year}. Please check the ID number or the date of birth."
    ),
    "error.cccd_sex_mismatch": (
        "This ID number does not match the sex given. Please check the ID number or the sex."
    ),
    "error.phone": (
        "That mobile number is not valid. Please type 10 digits starting with 0 "
        "(e.g. 0912 345 678) or the +84 form."
    ),
    "error.email": "That email address is not valid. Example: name@example.com.",
    "error.select": "That choice is not in the list. Please tap one of the options below.",
    "error.yesno": "Please answer Yes or No.",
    "error.address_use_steps": "Please choose the province/city and commune/ward with the buttons below.",
    # ------------------------------------------------------------------ login
    "menu.account": "👤 My account",
    "login.offer": (
        "We recommend <b>logging in</b> with your personal ID number and a code sent by SMS: "
        "the applicant details are then filled in from the national population database, and "
        "your dossier is saved to your account (continue it from any chat app)."
    ),
    "login.do_login": "🔐 Log in",
    "login.as_guest": "Fill in the form without logging in",
    "login.ask_id": "Type your <b>personal ID number</b> (the 12 digits on your ID card):",
    "login.ask_phone": "Type the <b>mobile number</b> registered with the national population database:",
    "login.share_phone": "📱 Share my phone number",
    "login.not_own_contact": "Please share your own phone number, not someone else's.",
    "login.code_sent": (
        "If the details match the national population database, a 6-digit code has been sent "
        "by SMS to {phone}. It is valid for {minutes} minutes."
    ),
    "login.ask_code": "Type the 6-digit code sent to {phone}:",
    "login.code_format": "The code has exactly 6 digits. Please type it again.",
    "login.code_wrong": (
        "The code is wrong, or the ID number and phone number do not match. "
        "You have {left} tries left."
    ),
    "login.code_wrong_wait": (
        "The code is wrong, or the ID number and phone number do not match. "
        "Please wait {seconds} seconds before trying again."
    ),
    "login.code_expired": "This code is no longer valid. Please tap “Send a new code”.",
    "login.code_exhausted": (
        "Too many wrong tries: this code has been cancelled. Please tap “Send a new code”."
    ),
    "login.locked": (
        "To protect the account, logging in is paused. Please try again in {seconds} seconds "
        "(about {minutes} minutes)."
    ),
    "login.wait_resend": "Please wait {seconds} more seconds before asking for a new code.",
    "login.too_many_codes": "Too many codes were requested. Please try again in about {minutes} minutes.",
    "login.resend": "🔁 Send a new code",
    "login.retry_send": "🔁 Send the code",
    "login.change_phone": "📱 Change phone number",
    "login.cancelled": "Login cancelled.",
    "login.success": "✅ Logged in. Hello <b>{name}</b>!",
    "login.already": "You are logged in as <b>{name}</b>.",
    "login.not_logged_in": "You are not logged in.",
    "login.logged_out": "Logged out of this chat.",
    "login.session_expired": "Your session expired after a period of inactivity. Please log in again when needed.",
    # ------------------------------------------------------------------ consent
    "consent.notice": (
        "<b>Personal data notice</b>\n"
        "To log in and fill in forms, the system needs to process your personal data (name, "
        "date of birth, ID number, phone number, address and the content of your forms) to "
        "handle administrative procedures, under the Personal Data Protection Law "
        "No. 91/2025/QH15. ID numbers are stored encrypted. You can see your data with /mydata "
        "and ask for it to be erased with /deletemydata at any time.\nDo you agree?"
    ),
    "consent.accept": "✅ I agree",
    "consent.decline": "I do not agree",
    "consent.thanks": "Thank you. Your choice has been recorded.",
    "consent.declined": (
        "Recorded that you do not agree. You can still look up procedures, but you cannot fill "
        "in forms or log in."
    ),
    # ------------------------------------------------------------------ profile and data rights
    "profile.card": (
        "<b>Citizen details</b>\n"
        "Full name: {name}\nDate of birth: {birth}\nSex: {sex}\n"
        "ID number: {id}\nPhone: {phone}\nAddress: {address}{address_note}"
    ),
    "profile.sex_male": "Male",
    "profile.sex_female": "Female",
    "profile.address_old": "\n<i>(address in the old administrative units — update it from the database)</i>",
    "profile.refresh": "🔄 Update from the National Population Database",
    "profile.mydata": "🗂️ My data",
    "profile.logout": "🚪 Log out",
    "profile.refreshed": "Details updated from the National Population Database.",
    "profile.address_converted": "The address was converted to the new administrative units:\n{old}\n→ <b>{new}</b>",
    "profile.address_unconverted": (
        "The new commune/ward of the old address could not be determined; you will choose it "
        "when filling in a form."
    ),
    "profile.not_in_registry": "The National Population Database could not be queried right now.",
    "mydata.list": "<b>Personal data held</b>\n{lines}",
    "mydata.profile": "• Citizen details of {name} (the ID number is encrypted)",
    "mydata.no_profile": "• Not logged in: no identity details held",
    "mydata.chats": "• Linked chats: {count}",
    "mydata.drafts": "• Drafts: {count}",
    "mydata.consent_yes": "• Agreed to personal data processing on {day}",
    "mydata.consent_no": "• Declined personal data processing on {day}",
    "mydata.consent_none": "• Has not answered the personal data notice",
    "mydata.erase": "🗑️ Erase my data",
    "mydata.erase_ask": (
        "Permanently erase your drafts, login details, linked chats and consent record? "
        "Dossiers already submitted to the administration are kept as the law requires and are "
        "not erased."
    ),
    "mydata.erase_confirm": "🗑️ Erase permanently",
    "mydata.erased": (
        "Your personal data was erased ({drafts} drafts) and you are logged out. Submitted "
        "dossiers are kept as the law requires."
    ),
    # ------------------------------------------------------------------ prefill
    "form.prefilled": (
        "Applicant details filled in from the National Population Database:\n{lines}\n"
        "Please check and confirm."
    ),
    "form.prefill_ok": "✅ Correct, use these details",
    "form.prefill_edit": "✏️ Edit them one by one",
    # ------------------------------------------------------------------ bank accounts
    "form.hint.account": "Type the bank account number (6 to 19 digits).",
    "form.hint.holder": "Type the account holder's name as on the bank card, e.g. NONG THI HOA.",
    "error.account": "That account number is not valid: 6 to 19 digits (or letters), no accents.",
    "error.holder": "The holder's name has letters and spaces only, 2 to 50 characters.",
    # ------------------------------------------------------------------ documents
    "menu.dossiers": "📂 My dossiers",
    "docs.checklist": "<b>Documents — {procedure}</b> (<b>*</b> = required)\n{lines}\n{active}",
    "docs.line_declaration": "✅ {name} — the e-form you filled in",
    "docs.line_done": "✅ {name} — {count} file(s): {files}",
    "docs.line_missing": "⬜ {name} <b>*</b>",
    "docs.line_optional": "▫️ {name} (optional)",
    "docs.active": (
        "\n📎 Now receiving files for: <b>{name}</b>. Send a photo or a PDF in the chat "
        "(JPG, PNG, PDF; at most 10 MB a file, 20 MB a dossier). Several files are fine."
    ),
    "docs.choose": "📎 {name}",
    "docs.from_store": "🗂️ Choose from my document store",
    "docs.manage": "🗑️ Remove a file",
    "docs.done": "✅ Documents done",
    "docs.back_to_form": "✏️ Back to the form",
    "docs.received": "Received “{name}” for: {component}.",
    "docs.reused": "Used “{name}” from your document store for: {component}.",
    "docs.removed": "Removed “{name}”.",
    "docs.none_needed": "This procedure needs no attachments. The file was not stored.",
    "docs.rejected": "⚠️ {reason} The file was not stored.",
    "docs.rejected_empty": "The file “{name}” is empty (0 bytes).",
    "docs.rejected_too_large": "The file “{name}” is too large ({size_mb} MB; at most {max_mb} MB a file).",
    "docs.rejected_type": (
        "The file “{name}” is not a JPG/PNG image or a PDF (its real content is: {detected}). "
        "Accepted: {accepted}."
    ),
    "filetype.program": "a program ({kind})",
    "filetype.archive": "an archive ({kind})",
    "filetype.office": "an old Word/Excel document",
    "filetype.image": "a {kind} image",
    "filetype.heic": "an iPhone {kind} photo — take it again or choose JPG",
    "filetype.video": "a video",
    "filetype.web": "a web page or script",
    "filetype.unknown": "unrecognised",
    "filetype.pdf": "PDF",
    "filetype.jpeg": "JPG image",
    "filetype.png": "PNG image",
    "docs.rejected_dossier_full": (
        "The dossier would exceed {max_mb} MB in total ({used_mb} MB used, this file "
        "{size_mb} MB). Remove a file or send a smaller one."
    ),
    "docs.rejected_mismatch": (
        "The file “{name}” is named as {declared} but its real content is {detected}. "
        "Send the right file, with the right file extension."
    ),
    "docs.rejected_quota": (
        "You have sent many files that are still waiting (at most {max_mb} MB). "
        "Attach the files you sent to a dossier, or try again in about an hour."
    ),
    "upload.paused": (
        "⚠️ Uploads are paused because the server's storage is nearly full. The file was not "
        "stored. You can still chat as usual; please send the file again later."
    ),
    "docs.missing": "Required documents still missing:\n{lines}",
    "docs.missing_line": "• {name}",
    "docs.store_pick": "Choose a document from your store (page {page}/{pages}):",
    "docs.stored_item": "{label} · {name} · {day}",
    "docs.stored_wrong_type": "“{name}” is not a file type accepted for: {component}.",
    "docs.manage_pick": "Choose the file to remove:",
    "docs.remove_item": "🗑️ {component}: {name}",
    # ------------------------------------------------------------------ submission and payment
    "submission.summary": (
        "<b>A last check before submitting</b>\n"
        "Procedure: {procedure}\nReceiving agency: {agency}\n"
        "Form: {answers} answers\nDocuments:\n{documents}\n"
        "Result delivery: {delivery}\nFees: {fee}"
    ),
    "submission.document_line": "• {name}",
    "submission.no_documents": "• (no attachments)",
    "submission.submit": "📤 Submit the dossier",
    "submission.edit_documents": "📎 Change documents",
    "submission.edit_form": "✏️ Change the form",
    "submission.login_needed": "To submit, please log in (a dossier belongs to your personal ID number).",
    "submission.commitment": (
        "<b>Commitment</b>\nI declare that the information above is true and I take "
        "responsibility before the law for what I have declared."
    ),
    "submission.commit": "✅ I so declare — submit",
    "submission.created": "Your dossier was created with code <b>{code}</b>. Please pay the fee to complete it.",
    "submission.submitted": "✅ Submitted. Dossier code: <b>{code}</b>.",
    "payment.request": (
        "<b>Fee payment — dossier {code}</b>\n"
        "Scan the QR code with your banking app, or transfer to:\n"
        "Bank: {bank}\nAccount number: <code>{account}</code>\nAccount holder: {holder}\n"
        "Amount: <b>{amount}</b>\nTransfer description (keep it exactly): <code>{reference}</code>\n"
        "This payment request is valid until {expires}."
    ),
    "payment.check": "🔄 I have paid — check",
    "payment.simulate": "🏦 Simulate the bank transfer (demo)",
    "payment.simulating": "Simulating a bank transfer (demo). The receipt will arrive in a moment.",
    "payment.not_yet": "No payment has arrived yet. If you have just paid, please wait a few minutes.",
    "payment.expired": "The payment request has expired; <b>{due}</b> is still due. You can create a new one.",
    "payment.renew": "🔁 New payment request",
    "payment.renewed": "A new payment request was created.",
    "receipt.caption": (
        "🧾 <b>Dossier receipt</b>\nDossier code: <b>{code}</b>\nProcedure: {procedure}\n"
        "Receiving agency: {agency}\nFees: {fee}\nSubmitted: {submitted}\n"
        "Result due: {due}\nLook it up: /status {code}"
    ),
    "receipt.fee_paid": "paid {amount}",
    "receipt.fee_none": "none",
    # ------------------------------------------------------------------ dossiers and documents
    "dossiers.none": "You have not submitted any dossier yet.",
    "dossiers.list": "<b>My dossiers</b> ({count}) — page {page}/{pages}:",
    "dossiers.item": "{code} · {procedure} · {status}",
    "dossiers.awaiting_payment": "Awaiting payment",
    "dossiers.card": (
        "<b>Dossier {code}</b>\nProcedure: {procedure}\nAgency: {agency}\nStatus: <b>{status}</b>\n"
        "Result due: {due}{payment}\nHistory:\n{history}"
    ),
    "dossiers.history_line": "• {at}: {status}",
    "dossiers.pay": "💳 Pay",
    "documents.none": "Your document store is empty.",
    "documents.list": "<b>Document store</b> ({count} documents):\n{lines}",
    "documents.line": "• {label}: {name} ({day})",
    # ------------------------------------------------------------------ status lookup
    "status.bad_code": (
        "That is not a dossier code. A code looks like <code>{example}</code> (agency - day "
        "received - number). Example: /status {example}"
    ),
    "status.not_found": "No dossier has the code <b>{code}</b>. Please check the code on your receipt.",
    "status.public": (
        "<b>Dossier {code}</b>\nProcedure: {procedure}\nAgency: {agency}\nStatus: <b>{status}</b>\n"
        "Submitted: {submitted}\nResult due: {due}"
    ),
    # ------------------------------------------------------------------ chat menus
    # The command list a chat platform shows in its menu (Telegram's setMyCommands).
    "command.start": "Start over",
    "command.menu": "Main menu",
    "command.help": "How to use the bot",
    "command.cancel": "Cancel what you are doing",
    "command.lang": "Change language (Ngôn ngữ)",
    "command.login": "Log in with a one-time code",
    "command.logout": "Log out",
    "command.profile": "Your account",
    "command.mydossiers": "My dossiers",
    "command.status": "Look up a dossier's status by its code",
    "command.documents": "My document store",
    "command.mydata": "The personal data kept about you",
    "command.deletemydata": "Delete your personal data",
    "login.share_phone_hint": "Or tap <b>{label}</b> below to send your phone number.",
}
