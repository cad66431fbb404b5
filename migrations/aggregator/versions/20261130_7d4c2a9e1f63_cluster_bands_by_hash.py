"""aggregator: the cluster bands indexed by (document_id, band_hash)

The clusterer asks for a document's bands by hash (any band number). The primary key is
(document_id, band, band_hash), so PostgreSQL walked every band row of the document for
each chunk: 190-350 ms a chunk at 120,000 comments, slower as a consultation grows; the
full benchmark's clustering fell to 829 comments a second (issue 15).

Revision ID: 7d4c2a9e1f63
Revises: e3a91c5f7b20
Create Date: 2026-11-30 12:55:00.000000+00:00
"""

from collections.abc import Sequence

from alembic import op


revision: str = '7d4c2a9e1f63'
down_revision: str | None = 'e3a91c5f7b20'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_index(
        'ix_aggregator_cluster_bands_hash',
        'aggregator_cluster_bands',
        ['document_id', 'band_hash'],
    )


def downgrade() -> None:
    op.drop_index('ix_aggregator_cluster_bands_hash', table_name='aggregator_cluster_bands')
