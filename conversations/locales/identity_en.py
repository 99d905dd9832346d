"""English messages of the applicant's identity (locked to the login, re-checked)."""

MESSAGES: dict[str, str] = {
    "identity.login_button": "🔐 Log in to fill this from the population database",
    "identity.locked": (
        "🔒 The applicant's name, date of birth, sex and ID number come from the account you "
        "are logged in with (the National Population Database) and cannot be changed. If you "
        "are filing for someone else, choose that person under “You are filing for” (where "
        "the procedure allows filing for another)."
    ),
    "identity.replaced": (
        "🔒 The applicant details were replaced with those of the account you are logged in "
        "with (National Population Database):\n{lines}\nPlease check the form again."
    ),
    "identity.replaced_line": "• {label}: {old} → <b>{new}</b>",
    "identity.other_account": (
        "This draft was started with another account. Please check the whole form again "
        "before submitting."
    ),
    "identity.mismatch": (
        "The applicant details on the form do not match the account you are logged in with, "
        "so the dossier was not submitted. Please check the form."
    ),
    "identity.dossiers_login": (
        "You are not logged in, so no dossier is shown here. Submitted dossiers are shown only "
        "to the person who filed them: log in (/login) to see yours."
    ),
    "identity.card_for": "{filer} — filing for <b>{subject}</b> ({relation})",
    "identity.relation_con": "their child",
    "identity.relation_cha_me": "their parent",
    "identity.relation_uy_quyen": "a person they represent by authorisation",
    "identity.subject_is_filer": (
        "The ID number of the person you are filing for is your own. If you are filing for "
        "yourself, choose “Myself” under “You are filing for”; otherwise type that person's "
        "ID number."
    ),
}
