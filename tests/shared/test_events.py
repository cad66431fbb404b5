"""The event contract: every event round-trips, and its JSON Schema changes only on purpose."""

from __future__ import annotations

import json
import uuid
from pathlib import Path
from types import SimpleNamespace
from typing import get_args

import pytest

from shared import events as ev
from shared import outbox

SNAPSHOT = Path(__file__).parent / "event_schemas.json"


def _samples() -> list[ev.EnvelopeBase]:
    doc_id, comment_id, section_id = uuid.uuid4(), uuid.uuid4(), uuid.uuid4()
    state = ev.DocumentState(
        document_id=doc_id,
        slug="du-thao",
        title="Dự thảo",
        status="open",
        sections=[
            ev.SectionInfo(
                id=section_id, position=0, level=1, number="I", title="Mở đầu", path=["I"]
            )
        ],
    )
    ref = {"comment_id": comment_id, "document_id": doc_id}
    return [
        ev.DocumentPublished(producer="documents", payload=state),
        ev.DocumentUpdated(producer="documents", payload=state),
        ev.ConsultationOpened(producer="documents", payload=state),
        ev.ConsultationClosed(producer="documents", payload=state),
        ev.CommentSubmitted(
            producer="feedback",
            payload=ev.CommentSubmittedPayload(
                **ref,
                section_id=section_id,
                channel="web",
                text="Góp ý về mục I",
                submitted_at=ev.utcnow(),
            ),
        ),
        ev.SectionReassigned(
            producer="feedback",
            payload=ev.SectionReassignedPayload(**ref, state_version=2, to_section_id=section_id),
        ),
        ev.CommentMarkedSpam(
            producer="feedback", payload=ev.CommentStatusPayload(**ref, state_version=2)
        ),
        ev.CommentMarkedDuplicate(
            producer="feedback", payload=ev.CommentStatusPayload(**ref, state_version=2)
        ),
        ev.CommentWithdrawn(
            producer="feedback", payload=ev.CommentStatusPayload(**ref, state_version=2)
        ),
    ]


class TestRoundTrip:
    @pytest.mark.parametrize("event", _samples(), ids=lambda e: e.type)
    def test_every_event_parses_back_to_its_own_class(self, event: ev.EnvelopeBase) -> None:
        parsed = ev.parse_event(ev.serialize_event(event))
        assert type(parsed) is type(event)
        assert parsed == event

    def test_comment_events_are_keyed_by_comment_and_document_events_by_document(self) -> None:
        for event in _samples():
            payload = event.payload
            expected = getattr(payload, "comment_id", None) or payload.document_id
            assert event.key == str(expected)

    def test_unknown_fields_are_ignored_so_producers_can_add_fields(self) -> None:
        event = _samples()[4]
        body = json.loads(ev.serialize_event(event))
        body["payload"]["added_later"] = 1
        body["added_later"] = 2
        assert ev.parse_event(json.dumps(body)) == event

    def test_a_comment_event_from_before_the_commenter_key_still_decodes(self) -> None:
        event = _samples()[4]
        body = json.loads(ev.serialize_event(event))
        body["payload"].pop("commenter_key", None)
        parsed = ev.parse_event(json.dumps(body))
        assert isinstance(parsed, ev.CommentSubmitted) and parsed.payload.commenter_key is None

    def test_vietnamese_text_travels_as_utf8(self) -> None:
        raw = ev.serialize_event(_samples()[4])
        assert "Góp ý về mục I".encode() in raw

    @pytest.mark.parametrize("event", _samples(), ids=lambda e: e.type)
    def test_the_relay_publishes_the_same_bytes_tests_produce(self, event: ev.EnvelopeBase) -> None:
        """One encoder: the outbox stores the text the relay sends, serialize_event's bytes."""
        rows: list[outbox.OutboxMessage] = []
        session = SimpleNamespace(add=rows.append)
        outbox.add(session, ev.topics.COMMENTS, event)  # type: ignore[arg-type]
        stored: str = rows[0].body  # type: ignore[assignment]
        assert stored.encode("utf-8") == ev.serialize_event(event)
        # a body given as a dict is written in the same form
        process = outbox.WireJSON().bind_processor(None)  # type: ignore[arg-type]
        assert process(json.loads(stored)) == stored


class TestVocabulary:
    def test_the_channel_list_is_the_channel_type(self) -> None:
        assert ev.CHANNELS == get_args(ev.Channel) == ("web", "email", "post")

    def test_the_personal_fields_are_those_a_document_may_require(self) -> None:
        assert set(ev.PERSONAL_FIELD_LABELS) == set(ev.PERSONAL_FIELDS)
        assert not {"name", "organisation", "email", "phone", "address"} ^ set(ev.PERSONAL_FIELDS)


def test_json_schema_matches_snapshot() -> None:
    schema = json.dumps(
        ev.event_adapter.json_schema(), indent=1, sort_keys=True, ensure_ascii=False
    )
    if not SNAPSHOT.exists():
        SNAPSHOT.write_text(schema + "\n", encoding="utf-8")
    assert SNAPSHOT.read_text(encoding="utf-8") == schema + "\n", (
        "The event contract changed. Add only optional fields within a version; "
        "then delete tests/shared/event_schemas.json and re-run to take a new snapshot."
    )
