"""Administrative units from the `vietnamadminunits` package, read offline from its SQLite file.

Only the package's bundled database is used (never its geocoding helpers, which may reach the
network). The two-level data since 1 July 2025: 34 provinces, 3,321 communes and wards.
"""

from __future__ import annotations

from collections import defaultdict

from vietnamadminunits.database import query

from services.catalog import Province, Ward
from services.places import Places


def load_places() -> Places:
    """All provinces and wards, provinces and wards ordered by code."""
    rows = query(
        "SELECT provinceCode, province, wardCode, ward, wardType FROM admin_units "
        "ORDER BY provinceCode, wardCode"
    )
    names: dict[str, str] = {}
    wards: dict[str, list[Ward]] = defaultdict(list)
    for row in rows:
        code = str(row["provinceCode"])
        names[code] = str(row["province"])
        wards[code].append(
            Ward(
                code=str(row["wardCode"]),
                name=str(row["ward"]),
                kind=str(row["wardType"]),
                province_code=code,
            )
        )
    return Places([Province(code, names[code], tuple(wards[code])) for code in names])
