"""The catalogue as the dialogue reads it: procedures, sectors, agencies and search."""

from __future__ import annotations

from collections.abc import Callable, Sequence

from services.agencies import Agencies
from services.catalog import Option, Procedure, Sector
from services.catalog_schema import CatalogData
from services.search import NEIGHBOUR_FLOOR, SearchHit, SearchIndex
from services.search_words import SearchWords
from services.where_to_go import Elsewhere, WhereToGo

# Makes the search index of (procedures, sector names, words): `SearchIndex` itself, or one
# that reads it back from a cache (storage/search_cache.py).
IndexMaker = Callable[[Sequence[Procedure], dict[str, str], SearchWords | None], SearchIndex]


class Catalog:
    """Read-only, in-memory view of the seeded catalogue."""

    def __init__(
        self,
        data: CatalogData,
        agencies: Agencies,
        search_words: SearchWords | None = None,
        where_to_go: WhereToGo | None = None,
        make_index: IndexMaker = SearchIndex,
    ) -> None:
        self._procedures = {p.id: p for p in data.procedures}
        self._sectors = {s.id: s for s in data.sectors}
        self.option_lists = data.option_lists
        self.agencies = agencies
        names = {s.id: f"{s.name.vi} {s.name.en}" for s in data.sectors}
        self._index = make_index(data.procedures, names, search_words)
        self._where_to_go = where_to_go or WhereToGo()

    @property
    def procedures(self) -> tuple[Procedure, ...]:
        """Every procedure, in catalogue order."""
        return tuple(self._procedures.values())

    @property
    def sectors(self) -> tuple[Sector, ...]:
        """Sectors that have at least one procedure."""
        used = {p.sector_id for p in self._procedures.values()}
        return tuple(s for s in self._sectors.values() if s.id in used)

    def procedure(self, procedure_id: str) -> Procedure | None:
        """A procedure by its id."""
        return self._procedures.get(procedure_id)

    def sector(self, sector_id: str) -> Sector | None:
        """A sector by its id."""
        return self._sectors.get(sector_id)

    def in_sector(self, sector_id: str) -> Sequence[Procedure]:
        """Procedures of one sector, by name."""
        found = [p for p in self._procedures.values() if p.sector_id == sector_id]
        return sorted(found, key=lambda p: p.name.vi)

    def search(self, query: str, limit: int = 30) -> list[SearchHit]:
        """Procedures that answer a free text or national code, best first; [] if none fits.

        A query naming a matter handled elsewhere ("hộ chiếu", "ly hôn") is not answered with a
        procedure that merely shares a word with it: the bot explains where to go instead.
        """
        if self._index.by_code(query) is None and self._where_to_go.for_query(query):
            return []
        return self._index.search(query, limit)

    def closest(self, query: str, limit: int = 5) -> list[SearchHit]:
        """The nearest procedures even when none answers (to show as "closest", not answers).

        Only procedures that explain at least half of the query are worth showing.
        """
        hits = self._index.closest(query, limit)
        return [hit for hit in hits if hit.relevance >= NEIGHBOUR_FLOOR]

    def elsewhere(self, query: str) -> list[Elsewhere]:
        """Matters named in the query that are handled outside this province's system."""
        return self._where_to_go.for_query(query)

    def options(self, name: str) -> tuple[Option, ...]:
        """A named option list (e.g. ethnic groups)."""
        return self.option_lists.get(name, ())
