"""How much of the catalogue is still inferred (not checked against a source), for
`dvc-bot seed --report`: procedures, national codes, form fields, fee items and visits."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from services.catalog import FeeItem, Procedure


@dataclass(frozen=True, slots=True)
class Count:
    """`inferred` out of `total`."""

    inferred: int
    total: int


@dataclass(frozen=True, slots=True)
class ProvenanceReport:
    """Inferred counts per kind of catalogue fact."""

    procedures: Count
    codes: Count
    fields: Count
    fees: Count
    visits: Count

    def lines(self) -> list[str]:
        """One printable line per kind."""
        rows = [
            ("procedures", self.procedures), ("national codes", self.codes),
            ("form fields", self.fields), ("fee items", self.fees),
            ("in-person visits", self.visits),
        ]  # fmt: skip
        return [f"{name:<17} {c.inferred:>4} of {c.total:>4} inferred" for name, c in rows]


def _fee_inferred(item: FeeItem, proc: Procedure) -> bool:
    """A fee item is inferred when it says so, when a case or exemption of it is, or when it
    names no source and its procedure is inferred."""
    parts = [case.inferred for case in item.cases] + [e.inferred for e in item.exemptions]
    return item.inferred or any(parts) or (not item.source and proc.inferred)


def provenance_report(procedures: Sequence[Procedure]) -> ProvenanceReport:
    """Count what remains inferred in `procedures`."""
    fields = [spec for proc in procedures for spec in proc.fields]
    fees = [(item, proc) for proc in procedures for item in proc.fees]
    visits = [visit for proc in procedures for visit in proc.visits]
    return ProvenanceReport(
        procedures=Count(sum(p.inferred for p in procedures), len(procedures)),
        codes=Count(sum(p.code is None or p.code_inferred for p in procedures), len(procedures)),
        fields=Count(sum(spec.inferred for spec in fields), len(fields)),
        fees=Count(sum(_fee_inferred(item, proc) for item, proc in fees), len(fees)),
        visits=Count(sum(v.inferred for v in visits), len(visits)),
    )
