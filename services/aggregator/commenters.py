"""How many people commented, per section, kept in the consumer's transaction.

A section's commenters are the people who commented on it or on any of its subsections,
each counted once: a Part's figure is distinct over its subtree, not the sum of its
sections'. So for every section node, and for the nil id (the whole document), the
projection keeps how many active comments each commenter key has there
(``aggregator_commenter_counts``) and beside it how many keys have any
(``aggregator_section_commenters``), which is all a read costs. Comments without a key
(no contact given, or events from before the key existed) share the key "": each is its
own commenter, so that row's count is itself a number of people.

A batch adds up its changes per (document, section, key); at its end each section's
ancestors are read from the tree as it is stored then, the per-key rows are upserted
(``comments = comments + delta``, returning the new value), and every key that went from
none to some, or back to none, moves its node's commenters by one. When a document event
changes the tree, that document is counted again from its active comments (``recount``).

On PostgreSQL every batch first locks the per-key table: ROW EXCLUSIVE (instances still
write side by side) or, for a batch with a document event, SHARE ROW EXCLUSIVE, so a
recount never runs beside another instance's batch that read the tree it replaces.
"""

from __future__ import annotations

import uuid
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

from sqlalchemy import Table, delete, func, select, text
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from services.aggregator.counters import add_to, sort_key, upsert_adding
from services.aggregator.models import (
    AggregatedComment,
    AggregatedSection,
    CommenterCount,
    SectionCommenters,
)

EVERYTHING = uuid.UUID(int=0)  # the node of the whole document: every comment on it
ANONYMOUS = ""  # the key of comments without one, each its own commenter
_ROWS_PER_STATEMENT = 1000  # well under both databases' limits on bound parameters

Parents = dict[uuid.UUID, uuid.UUID | None]
NodeKey = tuple[uuid.UUID, uuid.UUID, str]  # document, node, commenter key


async def lock(session: AsyncSession, *, recount: bool) -> None:
    """Take the per-key table before anything else in the batch (see the module's note)."""
    if session.get_bind().dialect.name != "postgresql":
        return  # SQLite has one writer at a time
    mode = "SHARE ROW EXCLUSIVE" if recount else "ROW EXCLUSIVE"
    await session.execute(text(f"LOCK TABLE {CommenterCount.__tablename__} IN {mode} MODE"))


def nodes_of(parents: Parents, section_id: uuid.UUID | None) -> list[uuid.UUID]:
    """The nodes a comment on ``section_id`` counts in: the whole document, the section and
    each of its ancestors (a section the tree does not know counts as a root)."""
    nodes = [EVERYTHING]
    node = section_id
    while node is not None and node not in nodes:
        nodes.append(node)
        node = parents.get(node)
    return nodes


@dataclass
class CommenterDeltas:
    """What one batch changes: active comments per (document, section, commenter key)."""

    changes: dict[tuple[uuid.UUID, uuid.UUID | None, str], int] = field(
        default_factory=lambda: defaultdict(int)
    )

    def add(
        self,
        document_id: uuid.UUID,
        section_id: uuid.UUID | None,
        commenter_key: str | None,
        n: int,
    ) -> None:
        self.changes[(document_id, section_id, commenter_key or ANONYMOUS)] += n

    async def write(self, session: AsyncSession) -> None:
        """Spread the changes over each section's ancestors and store them (never commits)."""
        pending = {k: n for k, n in self.changes.items() if n}
        self.changes.clear()
        if not pending:
            return
        trees = await _trees(session, {document for document, _s, _k in pending})
        per_node: dict[NodeKey, int] = defaultdict(int)
        for (document, section, key), n in pending.items():
            for node in nodes_of(trees[document], section):
                per_node[(document, node, key)] += n
        await _store(session, per_node)


async def recount(session: AsyncSession, document_id: uuid.UUID) -> None:
    """Count a document's commenters again from its active comments (its tree changed)."""
    for model in (CommenterCount, SectionCommenters):
        await session.execute(delete(model).where(col(model.document_id) == document_id))
    rows = await session.execute(
        select(
            col(AggregatedComment.section_id), col(AggregatedComment.commenter_key), func.count()
        )
        .where(
            col(AggregatedComment.document_id) == document_id,
            col(AggregatedComment.status) == "active",
        )
        .group_by(col(AggregatedComment.section_id), col(AggregatedComment.commenter_key))
    )
    deltas = CommenterDeltas()
    for section_id, key, n in rows:
        deltas.add(document_id, section_id, key, int(n))
    await deltas.write(session)


async def section_commenters(session: AsyncSession, document_id: uuid.UUID) -> dict[uuid.UUID, int]:
    """People per section node (subsections included); ``EVERYTHING``: the whole document."""
    rows = await session.execute(
        select(col(SectionCommenters.node_key), col(SectionCommenters.commenters)).where(
            col(SectionCommenters.document_id) == document_id
        )
    )
    return {node: int(n) for node, n in rows}


async def tree_of(session: AsyncSession, document_id: uuid.UUID) -> Parents:
    """Each stored section of the document with its parent."""
    return (await _trees(session, {document_id}))[document_id]


async def _trees(
    session: AsyncSession, documents: Iterable[uuid.UUID]
) -> defaultdict[uuid.UUID, Parents]:
    trees: defaultdict[uuid.UUID, Parents] = defaultdict(dict)
    rows = await session.execute(
        select(
            col(AggregatedSection.document_id),
            col(AggregatedSection.id),
            col(AggregatedSection.parent_id),
        ).where(col(AggregatedSection.document_id).in_(list(documents)))
    )
    for document, section, parent in rows:
        trees[document][section] = parent
    return trees


async def _store(session: AsyncSession, per_node: dict[NodeKey, int]) -> None:
    """Add to the per-key counts and move each node's people by the keys that crossed zero."""
    table: Table = CommenterCount.__table__  # type: ignore[attr-defined]
    keys = ["document_id", "node_key", "commenter_key"]
    rows = [
        {"document_id": d, "node_key": node, "commenter_key": k, "comments": n}
        for (d, node, k), n in sorted(per_node.items(), key=lambda kv: sort_key(kv[0]))
        if n
    ]
    people: dict[tuple[uuid.UUID, uuid.UUID], int] = defaultdict(int)
    for start in range(0, len(rows), _ROWS_PER_STATEMENT):
        statement = upsert_adding(
            session, table, rows[start : start + _ROWS_PER_STATEMENT], keys, "comments"
        ).returning(table.c.document_id, table.c.node_key, table.c.commenter_key, table.c.comments)
        for document, node, key, now in await session.execute(statement):
            n = per_node[(document, node, key)]
            if key == ANONYMOUS:
                people[(document, node)] += n
            else:
                people[(document, node)] += int(now > 0) - int(now - n > 0)
    totals: Table = SectionCommenters.__table__  # type: ignore[attr-defined]
    await add_to(
        session,
        totals,
        [
            {"document_id": d, "node_key": node, "commenters": n}
            for (d, node), n in sorted(people.items(), key=lambda kv: sort_key(kv[0]))
            if n
        ],
        ["document_id", "node_key"],
        "commenters",
    )
