"""Handling agencies: provincial bodies from the catalogue, commune bodies from the wards.

Commune-level agencies are derived from the administrative-units data, never typed by hand.
Their codes follow the QCVN 102 shape `000.NN.50.H04` (committee) and `000.NN.51.H04`
(police), NN being the ward's position by code in the province; short forms `H04.1NN` and
`H04.2NN`. The province suffix comes from settings: Cao Bằng's real H-number is unconfirmed.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence

from services.catalog import Agency, AgencyKind, LocalText, Procedure, Ward


def commune_agencies(wards: Sequence[Ward], suffix: str) -> tuple[Agency, ...]:
    """The People's Committee and the police station of every ward, with stable codes."""
    agencies: list[Agency] = []
    for position, ward in enumerate(sorted(wards, key=lambda w: w.code), 1):
        agencies.append(
            Agency(
                id=f"ubnd-{ward.code}",
                code=f"000.{position:02d}.50.{suffix}",
                short_code=f"{suffix}.{100 + position}",
                name=LocalText(f"UBND {ward.name}", f"People's Committee of {ward.name}"),
                kind=AgencyKind.COMMUNE_COMMITTEE,
                ward_code=ward.code,
            )
        )
        agencies.append(
            Agency(
                id=f"ca-{ward.code}",
                code=f"000.{position:02d}.51.{suffix}",
                short_code=f"{suffix}.{200 + position}",
                name=LocalText(f"Công an {ward.name}", f"Police of {ward.name}"),
                kind=AgencyKind.COMMUNE_POLICE,
                ward_code=ward.code,
            )
        )
    return tuple(agencies)


class Agencies:
    """Lookup of every agency of the configured province."""

    def __init__(self, agencies: Iterable[Agency]) -> None:
        self._by_id = {a.id: a for a in agencies}
        self._by_ward_kind = {(a.ward_code, a.kind): a for a in self._by_id.values() if a.ward_code}

    def __iter__(self) -> Iterator[Agency]:
        return iter(self._by_id.values())

    def get(self, agency_id: str) -> Agency | None:
        """The agency with `agency_id`."""
        return self._by_id.get(agency_id)

    def for_ward(self, procedure: Procedure, ward_code: str) -> Agency | None:
        """The commune agency handling `procedure` in the ward."""
        return self._by_ward_kind.get((ward_code, procedure.agency_kind))

    def provincial(self, procedure: Procedure) -> Agency | None:
        """The provincial agency handling `procedure`, when it is province-level."""
        if procedure.provincial_agency_id is None:
            return None
        return self._by_id.get(procedure.provincial_agency_id)
