"""English messages of the validation rules: per field, across fields, and the review."""

MESSAGES: dict[str, str] = {
    # ------------------------------------------------------------------ per-field rules
    "error.date_before_min": "“{field}”: this date is before {limit}. Please enter {limit} or later.",
    "error.date_after_max": "“{field}”: this date is after {limit}. Please enter {limit} at the latest.",
    "error.name_digits": (
        "“{field}” has letters only, no digits. Please type the name as on the ID papers."
    ),
    "error.name_symbol": (
        "“{field}” cannot contain “{char}”: use letters (with diacritics), spaces, hyphens or "
        "apostrophes only (e.g. H'Hen Niê)."
    ),
    "error.name_short": "“{field}” is too short. Please type the full family, middle and given name.",
    "error.name_edges": "“{field}” must begin and end with a letter.",
    "error.cccd_not_female": (
        "“{field}” must be a woman's ID number, but its fourth digit ({digit}) is even — a man's "
        "number. Please check the number on the card."
    ),
    "error.cccd_not_male": (
        "“{field}” must be a man's ID number, but its fourth digit ({digit}) is odd — a woman's "
        "number. Please check the number on the card."
    ),
    # ------------------------------------------------------------------ phone numbers
    "validation.phone_field": "Mobile number",
    "error.phone_letters": "“{field}” has digits only, no letters. Example: 0912 345 678.",
    "error.phone_symbols": (
        "“{field}” has “{char}”, which is not a digit. Type digits only (spaces or dots between "
        "groups are fine), e.g. 0912 345 678."
    ),
    "error.phone_foreign": (
        "“{field}” must be a mobile number registered in Vietnam (starting with 0 or +84) to get SMS."
    ),
    "error.phone_missing_zero": "“{field}” is missing its leading 0. Did you mean {suggestion}?",
    "error.phone_landline": (
        "“{field}”: this is a landline (area code 02…), which cannot receive SMS. "
        "Please enter a 10-digit mobile number."
    ),
    "error.phone_old_prefix": (
        "“{field}”: 11-digit numbers starting 01… moved to 10 digits in 2018. "
        "Please enter the new number (e.g. 0162… is now 032…)."
    ),
    "error.phone_too_short": "“{field}” is too short: you typed {length} digits, a mobile number has 10.",
    "error.phone_too_long": "“{field}” is too long: you typed {length} digits, a mobile number has 10.",
    "error.phone_prefix": (
        "“{field}”: {prefix} is not the prefix of any mobile network in Vietnam. Please check it."
    ),
    # ------------------------------------------------------------------ cross-field rules
    "error.check_distinct": (
        "“{second}” is the same as “{first}”. They are two different people, so the numbers must differ."
    ),
    "error.check_order": "“{second}” cannot be before “{first}”. Please check these two dates.",
    "error.check_born_before": (
        "By “{first}”, this person was born in {older_year}, but “{second}” is in {younger_year} "
        "— a child cannot be born before a parent. Please check."
    ),
    "error.check_age_gap": (
        "By “{first}”, this person was born in {older_year}, only {gap} years before “{second}” "
        "({younger_year}); at least {years} years are needed. Please check."
    ),
    # ------------------------------------------------------------------ review
    "validation.review_problems": (
        "⚠️ <b>Fix the form before confirming it</b>\n{lines}\nPress a button below to edit."
    ),
    "validation.problem_line": "• {reason}",
    "validation.group_heading": "\n<b>{label}</b>",
    "validation.group_details": "Application details",
    "validation.group_subject": "The person you are filing for",
}
