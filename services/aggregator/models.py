"""Tables of the aggregator: its catalogue and its projection of every comment."""

from __future__ import annotations

import uuid
from datetime import date, datetime

from sqlalchemy import JSON, BigInteger, Column, Date, Index, Integer, Text, Uuid, text
from sqlmodel import Field, SQLModel

from shared.db import UTCDateTime


class AggregatedDocument(SQLModel, table=True):
    __tablename__ = "aggregator_documents"

    id: uuid.UUID = Field(primary_key=True)
    slug: str = Field(max_length=120)
    title: str = Field(max_length=2000)
    status: str = Field(max_length=20)
    # the end of the consultation window: personal details are erased a fixed time after it
    closes_at: datetime | None = Field(default=None, sa_column=Column(UTCDateTime()))
    event_at: datetime = Field(sa_column=Column(UTCDateTime(), nullable=False))
    opens_at: datetime | None = Field(default=None, sa_column=Column(UTCDateTime()))


class AggregatedSection(SQLModel, table=True):
    """A section as the tally needs it: its place in the tree for roll-ups."""

    __tablename__ = "aggregator_sections"

    id: uuid.UUID = Field(primary_key=True)
    document_id: uuid.UUID = Field(sa_column=Column(Uuid, nullable=False, index=True))
    parent_id: uuid.UUID | None = Field(default=None, sa_column=Column(Uuid, nullable=True))
    position: int
    level: int
    number: str = Field(max_length=100)
    title: str = Field(max_length=4000)
    path: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    # the section's own body as the draft has it, shown beside its comments
    text: str = Field(default="", sa_column=Column(Text, nullable=False, server_default=""))


class AggregatedComment(SQLModel, table=True):
    """One comment as the subcommittee reviews it; counted while its status is 'active'."""

    __tablename__ = "aggregator_comments"
    __table_args__ = (
        # keyset paging in arrival order, for a document or one section of it
        Index("ix_aggregator_comments_doc_time", "document_id", "submitted_at", "comment_id"),
        Index(
            "ix_aggregator_comments_section_time",
            "document_id",
            "section_id",
            "submitted_at",
            "comment_id",
        ),
        Index("ix_aggregator_comments_cluster", "document_id", "cluster_id"),
        # the clusterer's queue: comments counted and not yet clustered, oldest first
        Index(
            "ix_aggregator_comments_unclustered",
            "submitted_at",
            "comment_id",
            postgresql_where=text("cluster_id IS NULL"),
            sqlite_where=text("cluster_id IS NULL"),
        ),
    )

    comment_id: uuid.UUID = Field(primary_key=True)
    document_id: uuid.UUID = Field(sa_column=Column(Uuid, nullable=False))
    section_id: uuid.UUID | None = Field(default=None, sa_column=Column(Uuid, nullable=True))
    channel: str = Field(max_length=10)
    text: str = Field(sa_column=Column(Text, nullable=False))
    display_name: str | None = Field(default=None, max_length=200)
    organisation: str | None = Field(default=None, max_length=300)
    status: str = Field(default="active", max_length=20)
    state_version: int = 1
    submitted_at: datetime = Field(sa_column=Column(UTCDateTime(), nullable=False))
    # the text lower-cased without diacritics, so "ha tang" finds "hạ tầng" on both databases
    folded_text: str = Field(default="", sa_column=Column(Text, nullable=False, server_default=""))
    # near-identical comments (a campaign) share the id of the first comment of the cluster;
    # NULL for a moment after counting, until services.aggregator.clustering gives it one
    cluster_id: uuid.UUID | None = Field(default=None, sa_column=Column(Uuid, nullable=True))
    # the pseudonymous key of who wrote it (``comment.submitted``); None: its own commenter
    commenter_key: str | None = Field(default=None, max_length=64)


class CommentWords(SQLModel, table=True):
    """PostgreSQL's search index: a clustered comment's folded text under a trigram index.

    Not on ``aggregator_comments`` itself: about 400 index entries per comment cost more
    than the rest of counting it, and the clusterer's update of ``cluster_id`` (an indexed
    column, so never a HOT update) paid them a second time (issue 15). The clusterer writes
    a comment's row here in the transaction that gives it its cluster, so a comment is in
    exactly one of two places a search looks: this index, or the clusterer's queue
    (``cluster_id IS NULL``). SQLite searches its FTS5 table and leaves this one empty.
    """

    __tablename__ = "aggregator_comment_words"
    __table_args__ = (
        Index(
            "ix_aggregator_comment_words_trgm",
            "folded_text",
            postgresql_using="gin",
            postgresql_ops={"folded_text": "gin_trgm_ops"},
        ).ddl_if(dialect="postgresql"),
    )

    comment_id: uuid.UUID = Field(primary_key=True)
    folded_text: str = Field(sa_column=Column(Text, nullable=False))


class SectionCount(SQLModel, table=True):
    """Active comments filed directly on one section (nil id: the whole document), per channel.

    Kept by the consumer in the transaction that applies the event, so reading the tallies
    costs what the section tree costs, not what the comment count costs.
    """

    __tablename__ = "aggregator_section_counts"

    document_id: uuid.UUID = Field(sa_column=Column(Uuid, primary_key=True))
    section_key: uuid.UUID = Field(sa_column=Column(Uuid, primary_key=True))
    channel: str = Field(sa_column=Column(Text, primary_key=True))
    comments: int = Field(default=0, sa_column=Column(Integer, nullable=False))


class CommenterCount(SQLModel, table=True):
    """Active comments of one commenter in a section's subtree (services.aggregator.commenters).

    ``node_key`` is a section, counting its subsections too, or the nil id: the whole
    document. ``commenter_key`` "" stands for every comment without a key, each its own
    commenter.
    """

    __tablename__ = "aggregator_commenter_counts"

    document_id: uuid.UUID = Field(sa_column=Column(Uuid, primary_key=True))
    node_key: uuid.UUID = Field(sa_column=Column(Uuid, primary_key=True))
    commenter_key: str = Field(sa_column=Column(Text, primary_key=True))
    comments: int = Field(default=0, sa_column=Column(Integer, nullable=False))


class SectionCommenters(SQLModel, table=True):
    """How many people commented on a section's subtree (nil id: the whole document)."""

    __tablename__ = "aggregator_section_commenters"

    document_id: uuid.UUID = Field(sa_column=Column(Uuid, primary_key=True))
    node_key: uuid.UUID = Field(sa_column=Column(Uuid, primary_key=True))
    commenters: int = Field(default=0, sa_column=Column(Integer, nullable=False))


class DailyCount(SQLModel, table=True):
    """Active comments of a document per local day (Asia/Ho_Chi_Minh) and channel."""

    __tablename__ = "aggregator_daily_counts"

    document_id: uuid.UUID = Field(sa_column=Column(Uuid, primary_key=True))
    day: date = Field(sa_column=Column(Date, primary_key=True))
    channel: str = Field(sa_column=Column(Text, primary_key=True))
    comments: int = Field(default=0, sa_column=Column(Integer, nullable=False))


class ClusterBand(SQLModel, table=True):
    """One MinHash LSH band of a cluster's first comment: where near-copies find their cluster."""

    __tablename__ = "aggregator_cluster_bands"
    # the clusterer looks bands up by document and hash, whatever their band number: on the
    # primary key alone (document, band, hash) that walked every band of the document, more
    # with each comment (issue 15)
    __table_args__ = (Index("ix_aggregator_cluster_bands_hash", "document_id", "band_hash"),)

    document_id: uuid.UUID = Field(sa_column=Column(Uuid, primary_key=True))
    band: int = Field(sa_column=Column(Integer, primary_key=True))
    band_hash: int = Field(sa_column=Column(BigInteger, primary_key=True))
    comment_id: uuid.UUID = Field(sa_column=Column(Uuid, nullable=False))
    cluster_id: uuid.UUID = Field(sa_column=Column(Uuid, nullable=False))


class CommentReview(SQLModel, table=True):
    """The subcommittee's decision on one comment: disposition ("tiếp thu / giải trình /
    không tiếp thu"), its explanation and themes. Not part of the projection: a rebuild
    keeps it."""

    __tablename__ = "aggregator_reviews"
    __table_args__ = (Index("ix_aggregator_reviews_document", "document_id"),)

    comment_id: uuid.UUID = Field(sa_column=Column(Uuid, primary_key=True))
    document_id: uuid.UUID = Field(sa_column=Column(Uuid, nullable=False))
    disposition: str | None = Field(default=None, max_length=20)
    explanation: str = Field(default="", sa_column=Column(Text, nullable=False))
    themes: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    updated_by: str = Field(default="", max_length=300)
    updated_at: datetime = Field(sa_column=Column(UTCDateTime(), nullable=False))


class SectionAssignment(SQLModel, table=True):
    """Which reviewer answers for a section."""

    __tablename__ = "aggregator_section_assignments"

    section_id: uuid.UUID = Field(sa_column=Column(Uuid, primary_key=True))
    document_id: uuid.UUID = Field(sa_column=Column(Uuid, nullable=False, index=True))
    reviewer: str = Field(max_length=200)
    reviewer_name: str = Field(default="", max_length=300)
