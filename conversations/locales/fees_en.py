"""English texts of fee rules, quotes, result forms and in-person visits."""

from __future__ import annotations

MESSAGES: dict[str, str] = {
    "fees.changed": (
        "⚠️ The fee has changed from {before} to <b>{after}</b>: the rate of the filing day "
        "(Vietnam time) applies. Please check again before submitting."
    ),
    "fees.lines": "{lines}",
    "fees.at_reception": "amount set at reception",
    "fees.per_unit": "{amount}/{unit}",
    "fees.per_unit_beyond": "{amount}/{unit} from {unit} no. {from}",
    "fees.tier_upto": "{amount}/{unit} ({unit}s {from}–{to})",
    "fees.tier_rest": "{amount}/{unit} from {unit} no. {from}",
    "fees.cap": "at most {amount}/{unit}",
    "fees.case_until": "{note} until {until}: {amount}",
    "fees.case_from": "{note} from {from}: {amount}",
    "fees.case_free": "{note}",
    "fees.case_when": "{amount} for {note}",
    "fees.exemption": "{note}",
    "fees.same_exemptions": "exemptions as above",
    "fees.item": "\n• {name}: {rule}",
    "fees.quote": "<b>{total}</b>{lines}",
    "fees.quote_at_reception": "The amount is set when the dossier is received{lines}",
    "fees.line_units": "\n• {name}: {quantity} × {unit}/{unit_name} = {amount}{notes}",
    "fees.line_flat": "\n• {name}: {amount}{notes}",
    "fees.line_note": " ({note})",
    "fees.result": "{result}{forms}{visits}",
    "fees.result_forms": "\nHow you can receive it: {forms}",
    "fees.result_forms_paper": "\nHow you can receive it: {forms} (no electronic result)",
    "fees.visits": "\n<b>You must go in person:</b>{visits}",
    "fees.visit": "\n• {purpose} — {when}: {place}",
    "fees.purpose.biometrics": "to give your photo, fingerprints and iris scan",
    "fees.purpose.signing": "to sign in front of the officer",
    "fees.purpose.originals": "to show the original papers",
    "fees.purpose.presence": "to be present in person",
    "fees.when.before_result": "after filing, before the result",
    "fees.when.at_result": "when collecting the result",
    "fees.summary_fee": "{quote}{visits}",
    "fees.summary_visits": "\n⚠️ Before you pay:{visits}",
    "fees.payment_request": "{request}\n\n<b>Fee details:</b>{lines}",
}
