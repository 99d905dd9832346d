"""Administrative units from the `vietnamadminunits` package, read offline from its SQLite file.

Only the package's bundled database is read, with the standard sqlite3 module: importing the
package itself would load numpy, shapely and geopy (about a second and 68 MiB) for a table of
3,321 rows. Its geocoding helpers, which may reach the network, are never used. The two-level
data since 1 July 2025: 34 provinces, 3,321 communes and wards.
"""

from __future__ import annotations

import importlib.util
import sqlite3
from collections import defaultdict
from contextlib import closing
from pathlib import Path

from services.catalog import Province, Ward
from services.places import Places

_PACKAGE = "vietnamadminunits"


def dataset_path() -> Path:
    """The package's bundled database, found without importing the package."""
    spec = importlib.util.find_spec(_PACKAGE)
    if spec is None or not spec.submodule_search_locations:
        raise ModuleNotFoundError(f"the {_PACKAGE} package is not installed")
    return Path(next(iter(spec.submodule_search_locations))) / "data" / "dataset.db"


def load_places() -> Places:
    """All provinces and wards, provinces and wards ordered by code."""
    uri = f"{dataset_path().as_uri()}?mode=ro"
    with closing(sqlite3.connect(uri, uri=True)) as connection:
        rows = connection.execute(
            "SELECT provinceCode, province, wardCode, ward, wardType FROM admin_units "
            "ORDER BY provinceCode, wardCode"
        ).fetchall()
    names: dict[str, str] = {}
    wards: dict[str, list[Ward]] = defaultdict(list)
    for province_code, province, ward_code, ward, kind in rows:
        code = str(province_code)
        names[code] = str(province)
        wards[code].append(
            Ward(code=str(ward_code), name=str(ward), kind=str(kind), province_code=code)
        )
    return Places([Province(code, names[code], tuple(wards[code])) for code in names])
