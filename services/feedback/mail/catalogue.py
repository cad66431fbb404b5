"""The sections a message may cite: a plain structure any catalogue can be turned into."""

from __future__ import annotations

from dataclasses import dataclass, field

from .text import fold_same_length

TABLE_CELL_SEPARATOR = " | "
LONG_TITLE = 25  # a title this long, written out in a message, names its section


@dataclass(frozen=True)
class CatalogueEntry:
    """One section of a draft as the reader needs it.

    ``text`` is the section's own body; table rows are lines whose cells are joined by
    ``TABLE_CELL_SEPARATOR`` (that is how appendix indicators are found by name).
    """

    id: str
    path: tuple[str, ...]
    number: str
    title: str
    text: str = ""
    folded_title: str = field(default="", compare=False)
    folded_text: str = field(default="", compare=False)

    @classmethod
    def build(
        cls, id: str, path: list[str] | tuple[str, ...], number: str, title: str, text: str = ""
    ) -> CatalogueEntry:
        """An entry with its diacritic-folded title and text precomputed for matching."""
        return cls(
            id=id,
            path=tuple(path),
            number=number,
            title=title,
            text=text,
            folded_title=" ".join(fold_same_length(title).split()),
            folded_text=" ".join(fold_same_length(text).split()),
        )

    @property
    def indicator_rows(self) -> list[str]:
        """Names of the table rows (appendix indicators) in this section, folded."""
        names = []
        for line in self.text.splitlines():
            if TABLE_CELL_SEPARATOR not in line:
                continue
            cells = [c.strip(" -+*") for c in line.split(TABLE_CELL_SEPARATOR)]
            name = max(cells, key=len, default="")
            if len(name) >= 10:
                names.append(" ".join(fold_same_length(name).split()))
        return names


class Catalogue:
    """The sections of one draft, indexed once for every message that cites them."""

    def __init__(self, entries: list[CatalogueEntry]) -> None:
        from .references import label_keys  # the label grammar lives with the references

        self.entries = entries
        self.path_keys: list[list[set[tuple[str, object]]]] = [
            [label_keys(label) for label in entry.path] for entry in entries
        ]
        self.indicators: list[tuple[str, CatalogueEntry]] = [
            (name, entry) for entry in entries for name in entry.indicator_rows
        ]
        self.with_tables = [e for e in entries if TABLE_CELL_SEPARATOR in e.text]
        self.long_titles = [e for e in entries if len(e.folded_title) >= LONG_TITLE]
        self.by_own_key: dict[tuple[str, object], list[int]] = {}
        for index, keys in enumerate(self.path_keys):
            for key in keys[-1] if keys else ():
                self.by_own_key.setdefault(key, []).append(index)

    @classmethod
    def from_records(cls, records: list[dict[str, object]]) -> Catalogue:
        """From ``{"id", "path", "number", "title", "text"?}`` dicts (an event's sections)."""
        entries = []
        for record in records:
            path = record.get("path") or []
            assert isinstance(path, list | tuple)
            entries.append(
                CatalogueEntry.build(
                    str(record["id"]),
                    [str(p) for p in path],
                    str(record.get("number") or ""),
                    str(record.get("title") or ""),
                    str(record.get("text") or ""),
                )
            )
        return cls(entries)

    def is_within(self, entry: CatalogueEntry, ancestor: CatalogueEntry) -> bool:
        """Whether ``entry`` is ``ancestor`` or lies under it."""
        return entry.path[: len(ancestor.path)] == ancestor.path
