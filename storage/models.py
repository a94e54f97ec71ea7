"""SQLAlchemy 2 typed models. Uniqueness that protects users lives here, in the schema."""

from __future__ import annotations

from datetime import datetime
from typing import Any, ClassVar

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    String,
    Table,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from storage.clock import utc_now

NAMING = {
    "ix": "ix_%(column_0_N_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

#: Integer primary keys: BIGINT on PostgreSQL, INTEGER (the rowid alias) on SQLite.
Id = BigInteger().with_variant(Integer(), "sqlite")


class Base(DeclarativeBase):
    #: Every model here is mapped to a `Table` it declares (never a subquery or join): typed as such.
    __table__: ClassVar[Table]
    metadata = MetaData(naming_convention=NAMING)
    type_annotation_map: ClassVar[dict[Any, Any]] = {dict[str, Any]: JSON, list[str]: JSON}


class Podcast(Base):
    __tablename__ = "podcasts"

    id: Mapped[int] = mapped_column(Id, primary_key=True)
    title: Mapped[str] = mapped_column(String(300))
    title_key: Mapped[str] = mapped_column(String(300), unique=True)
    feed_url: Mapped[str | None] = mapped_column(String(2000), unique=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utc_now)


class Episode(Base):
    __tablename__ = "episodes"
    __table_args__ = (
        UniqueConstraint("podcast_id", "episode_key"),
        Index("ix_episodes_podcast_id_guid", "podcast_id", "guid", unique=True),
        # Pasted links are looked up by URL (storage.episode_links); hash on PostgreSQL (no B-tree size limit).
        Index("ix_episodes_url", "url", postgresql_using="hash"),
        Index("ix_episodes_audio_url", "audio_url", postgresql_using="hash"),
    )

    id: Mapped[int] = mapped_column(Id, primary_key=True)
    podcast_id: Mapped[int] = mapped_column(ForeignKey("podcasts.id", ondelete="CASCADE"))
    episode_key: Mapped[str] = mapped_column(String(500))
    title: Mapped[str] = mapped_column(String(500))
    url: Mapped[str | None] = mapped_column(String(2000))
    audio_url: Mapped[str | None] = mapped_column(String(2000))
    published_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utc_now)
    # Set by feed scans: the item's guid, and where its insights came from
    # (None: not processed yet; "show_notes"; or the transcript kind, e.g. "vtt").
    guid: Mapped[str | None] = mapped_column(String(1000))
    transcript_kind: Mapped[str | None] = mapped_column(String(16))
    transcript_url: Mapped[str | None] = mapped_column(String(2000))
    transcript_attempts: Mapped[int] = mapped_column(Integer, default=0)
    notes_insight_ids: Mapped[list[int]] = mapped_column(JSON, default=list)


class InsightRow(Base):
    __tablename__ = "insights"
    __table_args__ = (Index("ix_insights_published_at", "published_at"),)

    id: Mapped[int] = mapped_column(Id, primary_key=True)
    # First 16 bytes of the SHA-256 of the normalised content (insights.text.content_hash).
    content_hash: Mapped[bytes] = mapped_column(LargeBinary(16), unique=True)
    text: Mapped[str] = mapped_column(Text)
    search_text: Mapped[str] = mapped_column(Text)
    podcast_id: Mapped[int | None] = mapped_column(ForeignKey("podcasts.id", ondelete="SET NULL"), index=True)
    episode_id: Mapped[int | None] = mapped_column(ForeignKey("episodes.id", ondelete="SET NULL"), index=True)
    url: Mapped[str | None] = mapped_column(String(2000))
    audio_url: Mapped[str | None] = mapped_column(String(2000))
    start_seconds: Mapped[float | None] = mapped_column(Float)
    published_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    topics: Mapped[list[str]] = mapped_column(JSON, default=list)
    quality: Mapped[float] = mapped_column(Float, default=0.5)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utc_now)
    # The verbatim transcript words an insight rests on, when it was written in other words
    # (language-model extraction); None when the text is itself the quote.
    quote: Mapped[str | None] = mapped_column(Text)


class SearchTerm(Base):
    """Document frequency of each indexed term: the vocabulary for typo-tolerant search."""

    __tablename__ = "search_terms"

    term: Mapped[str] = mapped_column(String(64), primary_key=True)
    doc_count: Mapped[int] = mapped_column(Integer, default=0)


class Channel(Base):
    """Where a digest goes (a channel, or a person's DM for a personal brief) and its settings."""

    __tablename__ = "channels"
    __table_args__ = (UniqueConstraint("team_id", "channel_id"),)

    id: Mapped[int] = mapped_column(Id, primary_key=True)
    team_id: Mapped[str] = mapped_column(String(32))
    channel_id: Mapped[str] = mapped_column(String(32))
    kind: Mapped[str] = mapped_column(String(16), default="channel")  # "channel" | "user"
    topics: Mapped[list[str]] = mapped_column(JSON, default=list)
    digest_time: Mapped[str | None] = mapped_column(String(5))  # "HH:MM" local time
    timezone: Mapped[str | None] = mapped_column(String(64))
    digest_days: Mapped[int | None] = mapped_column(Integer)  # 7-bit mask, bit 0 Monday; NULL every day
    paused: Mapped[bool] = mapped_column(Boolean, default=False)
    paused_reason: Mapped[str | None] = mapped_column(String(500))
    thread_mode: Mapped[bool] = mapped_column(Boolean, default=False)
    created_by: Mapped[str | None] = mapped_column(String(32))
    updated_by: Mapped[str | None] = mapped_column(String(32))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utc_now)
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utc_now, onupdate=utc_now)


class Workspace(Base):
    """Workspace-wide settings (one row per Slack team, created on first use)."""

    __tablename__ = "workspaces"

    team_id: Mapped[str] = mapped_column(String(32), primary_key=True)
    restrict_settings: Mapped[bool] = mapped_column(Boolean, default=False)
    quiet_day_note: Mapped[bool] = mapped_column(Boolean, default=True)
    save_emojis: Mapped[list[str]] = mapped_column(JSON, default=lambda: ["bookmark"])
    save_confirmations: Mapped[bool] = mapped_column(Boolean, default=True)
    feeds_open_to_all: Mapped[bool] = mapped_column(Boolean, default=False)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    inactive_reason: Mapped[str | None] = mapped_column(String(500))
    team_name: Mapped[str | None] = mapped_column(String(200))
    enterprise_id: Mapped[str | None] = mapped_column(String(32))  # set for workspaces of an Enterprise Grid
    installed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    uninstalled_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))  # starts the grace period
    updated_by: Mapped[str | None] = mapped_column(String(32))
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utc_now, onupdate=utc_now)


class SettingsChange(Base):
    """Who changed what, and when (the audit trail shown to admins)."""

    __tablename__ = "settings_changes"
    __table_args__ = (Index("ix_settings_changes_team_channel", "team_id", "channel_id"),)

    id: Mapped[int] = mapped_column(Id, primary_key=True)
    team_id: Mapped[str] = mapped_column(String(32))
    channel_id: Mapped[str | None] = mapped_column(String(32))
    user_id: Mapped[str | None] = mapped_column(String(32))
    change: Mapped[str] = mapped_column(String(500))
    changed_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utc_now)


class Delivery(Base):
    """A claimed digest: at most one per (team, channel, local date).

    status: "claimed" (picks chosen, posting may be under way) -> "delivered", or
    "skipped" (nothing worth sending) / "failed" (Slack refused; reason in `error`).
    A claim whose lease ran out is taken over by another worker, which resumes it.
    """

    __tablename__ = "deliveries"
    __table_args__ = (
        UniqueConstraint("team_id", "channel_id", "local_date"),
        Index("ix_deliveries_status_lease", "status", "lease_until"),
    )

    id: Mapped[int] = mapped_column(Id, primary_key=True)
    team_id: Mapped[str] = mapped_column(String(32))
    channel_id: Mapped[str] = mapped_column(String(32))
    local_date: Mapped[str] = mapped_column(String(10))  # YYYY-MM-DD in the channel's zone
    status: Mapped[str] = mapped_column(String(16), default="claimed")
    claimed_by: Mapped[str | None] = mapped_column(String(100))
    claimed_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utc_now)
    lease_until: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    attempts: Mapped[int] = mapped_column(Integer, default=1)
    post_channel: Mapped[str | None] = mapped_column(String(32))  # the DM channel of a personal brief
    header_ts: Mapped[str | None] = mapped_column(String(32))
    completed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    error: Mapped[str | None] = mapped_column(String(500))


class DeliveredInsight(Base):
    """An insight a channel has received; never delivered there twice."""

    __tablename__ = "delivered_insights"
    __table_args__ = (UniqueConstraint("team_id", "channel_id", "insight_id"),)

    id: Mapped[int] = mapped_column(Id, primary_key=True)
    team_id: Mapped[str] = mapped_column(String(32))
    channel_id: Mapped[str] = mapped_column(String(32))
    insight_id: Mapped[int] = mapped_column(ForeignKey("insights.id", ondelete="CASCADE"))
    delivery_id: Mapped[int | None] = mapped_column(ForeignKey("deliveries.id", ondelete="SET NULL"))
    delivered_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utc_now)
    position: Mapped[int] = mapped_column(Integer, default=0)
    reasons: Mapped[list[str]] = mapped_column(JSON, default=list)
    also_on: Mapped[list[str]] = mapped_column(JSON, default=list)
    posted_ts: Mapped[str | None] = mapped_column(String(32))  # None until its message is posted


class PostedMessage(Base):
    """Which insight a message the bot posted carries: (team, channel, ts) -> insight."""

    __tablename__ = "posted_messages"
    __table_args__ = (UniqueConstraint("team_id", "channel_id", "ts"),)

    id: Mapped[int] = mapped_column(Id, primary_key=True)
    team_id: Mapped[str] = mapped_column(String(32))
    channel_id: Mapped[str] = mapped_column(String(32))
    ts: Mapped[str] = mapped_column(String(32))
    insight_id: Mapped[int | None] = mapped_column(ForeignKey("insights.id", ondelete="SET NULL"))
    kind: Mapped[str] = mapped_column(String(16), default="insight")  # "insight" | "digest_header"
    posted_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utc_now)


class SavedInsight(Base):
    """An insight a person saved: one row per (team, user, insight)."""

    __tablename__ = "saved_insights"
    __table_args__ = (
        UniqueConstraint("team_id", "user_id", "insight_id"),
        Index("ix_saved_insights_team_user_saved_at", "team_id", "user_id", "saved_at"),
    )

    id: Mapped[int] = mapped_column(Id, primary_key=True)
    team_id: Mapped[str] = mapped_column(String(32))
    user_id: Mapped[str] = mapped_column(String(32))
    insight_id: Mapped[int] = mapped_column(ForeignKey("insights.id", ondelete="CASCADE"))
    saved_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utc_now)


class Feed(Base):
    """A podcast feed Podbrief polls, with what its last check found.

    `url` is where it is fetched now (updated after a permanent redirect);
    `original_url` is the address it was added with, still matched when someone adds it again.
    """

    __tablename__ = "feeds"
    __table_args__ = (Index("ix_feeds_next_check_at", "next_check_at"),)

    id: Mapped[int] = mapped_column(Id, primary_key=True)
    url: Mapped[str] = mapped_column(String(2000), unique=True)
    original_url: Mapped[str] = mapped_column(String(2000), index=True)
    podcast_id: Mapped[int | None] = mapped_column(ForeignKey("podcasts.id", ondelete="SET NULL"))
    title: Mapped[str | None] = mapped_column(String(300))
    etag: Mapped[str | None] = mapped_column(String(500))
    last_modified: Mapped[str | None] = mapped_column(String(100))
    last_checked_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    last_new_episode_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    next_check_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))  # None: due now
    consecutive_failures: Mapped[int] = mapped_column(Integer, default=0)
    last_error: Mapped[str | None] = mapped_column(String(500))
    insights_extracted: Mapped[int] = mapped_column(Integer, default=0)
    episode_count: Mapped[int] = mapped_column(Integer, default=0)
    added_by: Mapped[str | None] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utc_now)


#: The `team_id` of the operator's own subscriptions (CLI `feeds add`): shown to every workspace.
OPERATOR_TEAM = "*"


class FeedSubscription(Base):
    """A workspace following a feed (or the operator, team `OPERATOR_TEAM`, for the whole deployment).

    A feed is fetched once however many follow it, and only while someone does.
    """

    __tablename__ = "feed_subscriptions"
    __table_args__ = (UniqueConstraint("team_id", "feed_id"), Index("ix_feed_subscriptions_feed_id", "feed_id"))

    id: Mapped[int] = mapped_column(Id, primary_key=True)
    team_id: Mapped[str] = mapped_column(String(32))
    feed_id: Mapped[int] = mapped_column(ForeignKey("feeds.id", ondelete="CASCADE"))
    added_by: Mapped[str | None] = mapped_column(String(64))
    added_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utc_now)


class Feedback(Base):
    """A person's reaction to a digest item in a channel: "up", "down" or "save" (strong up)."""

    __tablename__ = "feedback"
    __table_args__ = (
        UniqueConstraint("team_id", "channel_id", "user_id", "insight_id", "kind"),
        Index("ix_feedback_team_channel_created_at", "team_id", "channel_id", "created_at"),
    )

    id: Mapped[int] = mapped_column(Id, primary_key=True)
    team_id: Mapped[str] = mapped_column(String(32))
    channel_id: Mapped[str] = mapped_column(String(32))
    user_id: Mapped[str] = mapped_column(String(32))
    insight_id: Mapped[int] = mapped_column(ForeignKey("insights.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(8))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utc_now)


class Transcription(Base):
    """An episode to transcribe (the job queue) and, once done, its machine transcript.

    status: "queued" -> "running" (claimed until `lease_until`; a worker that dies leaves it to
    be claimed again) -> "done" (segments stored, insights stored in the same transaction) or
    "failed" (after `max attempts`; `last_error` says why) or "skipped" (the publisher's own
    transcript appeared, or the feed asked not to be transcribed).
    `segments` is zlib-compressed JSON [[start, end, text], ...], so re-extraction never re-transcribes.
    """

    __tablename__ = "transcriptions"
    __table_args__ = (Index("ix_transcriptions_status_published_at", "status", "published_at"),)

    id: Mapped[int] = mapped_column(Id, primary_key=True)
    episode_id: Mapped[int] = mapped_column(ForeignKey("episodes.id", ondelete="CASCADE"), unique=True)
    feed_id: Mapped[int | None] = mapped_column(ForeignKey("feeds.id", ondelete="SET NULL"), index=True)
    audio_url: Mapped[str] = mapped_column(String(2000))
    published_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    status: Mapped[str] = mapped_column(String(16), default="queued")
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    claimed_by: Mapped[str | None] = mapped_column(String(100))
    lease_until: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    last_error: Mapped[str | None] = mapped_column(String(500))
    model: Mapped[str | None] = mapped_column(String(200))
    segments: Mapped[bytes | None] = mapped_column(LargeBinary)
    audio_seconds: Mapped[float | None] = mapped_column(Float)
    cpu_seconds: Mapped[float | None] = mapped_column(Float)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utc_now)
    finished_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))


class InsightVector(Base):
    """An insight's sentence embedding (the meaning extra), and the claim of the worker computing it.

    `vector` is `model_id`'s unit vector as little-endian float16 bytes (768 for 384 dimensions).
    An insight with no row, or a row of another model, still needs embedding; a worker claims it
    by setting `claimed_by` until `lease_until` (a worker that dies leaves it to be claimed again),
    and stores the vector only while the claim is still its own.
    """

    __tablename__ = "insight_vectors"

    insight_id: Mapped[int] = mapped_column(ForeignKey("insights.id", ondelete="CASCADE"), primary_key=True)
    model_id: Mapped[str | None] = mapped_column(String(200))
    vector: Mapped[bytes | None] = mapped_column(LargeBinary)
    stored_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), index=True)
    claimed_by: Mapped[str | None] = mapped_column(String(100))
    lease_until: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
