"""Which digests a person's Home tab lists: their own brief and the scheduled digests of their channels."""

from __future__ import annotations

from sqlalchemy.orm import Session, sessionmaker

from insights.targets import PERSON
from storage.channels_store import update_target
from storage.home_queries import visible_digests


def _digest(session: Session, team: str, channel: str, at: str | None, kind: str = "channel") -> None:
    update_target(session, team, channel, by_user="U1", change="set up", kind=kind, topics=["rates"],
                  digest_time=at, timezone="UTC")


def test_the_home_tab_lists_the_brief_first_then_scheduled_digests_of_the_persons_channels(
    sessions: sessionmaker[Session],
) -> None:
    with sessions.begin() as session:
        _digest(session, "T1", "U1", "08:00", kind=PERSON)
        _digest(session, "T1", "U2", "08:00", kind=PERSON)  # somebody else's brief
        _digest(session, "T1", "C2", "09:00")
        _digest(session, "T1", "C1", "09:00")
        _digest(session, "T1", "C3", "09:00")  # a channel U1 is not in
        _digest(session, "T1", "C4", None)  # never scheduled
        _digest(session, "T2", "C1", "09:00")  # another workspace's C1
    with sessions() as session:
        listed = visible_digests(session, "T1", "U1", ["C1", "C2", "C4"])
        alone = visible_digests(session, "T1", "U1", [])
        capped = visible_digests(session, "T1", "U1", ["C1", "C2"], limit=2)
    assert [(t.team_id, t.channel_id) for t in listed] == [("T1", "U1"), ("T1", "C1"), ("T1", "C2")]
    assert [t.channel_id for t in alone] == ["U1"]  # in no channel: the brief only
    assert [t.channel_id for t in capped] == ["U1", "C1"]
