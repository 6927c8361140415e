"""Deliveries that arrive together are stored together (`group_commit.group_commit.GroupCommit`): one batch
through the stages and one write transaction, each delivery answered for itself, and only
once what it sent is committed; an error in one never loses another."""

from __future__ import annotations

import threading

import pytest
from sqlalchemy import func, select

from tests.apptest import read_db
from zoelife.db.models import AuditEvent, QuarantinedRow, Request, Submission, WebhookSignature
from zoelife.ingest import connectors
from zoelife.ingest.pipeline import match
from zoelife.ingest.webhook import alone, group_commit
from zoelife.intake import assessment

SOURCE = "test-form"


def _delivery(n: int, *, signature: str | None = None, **fields) -> group_commit.Delivery:
    payload = {"Entry Id": f"grp-{n}", "First Name": "Ana", "Last Name": f"Group{n}",
               "Email": f"ana.group{n}@example.org", "Phone": f"(305) 555-{n:04d}",
               "Message": "Could someone call me about TMS?"} | fields
    (sub,) = connectors.unpack(payload, SOURCE)
    return group_commit.Delivery(sub, SOURCE, "127.0.0.1", signature or f"{n:064x}")


@pytest.fixture
def group_db(db_url, monkeypatch) -> str:
    """The app's database (`shared_engine`), on SQLite and, when configured, PostgreSQL."""
    monkeypatch.setenv("ZOELIFE_DATABASE_URL", db_url)
    return db_url


def _count(url: str, model, *where) -> int:
    return read_db(url, lambda s: s.execute(
        select(func.count()).select_from(model).where(*where)).scalar_one())


def test_a_group_is_one_transaction_and_each_delivery_gets_its_own_answer(group_db, writes):
    group = [_delivery(1), _delivery(2), _delivery(3, signature=f"{1:064x}"),  # a replay of 1
             _delivery(4, Email="", Phone="not a phone"), _delivery(5)]
    group_commit.store_group(group)
    assert [d.answer[0] for d in group] == [202, 202, 409, 422, 202]
    assert group[3].answer[1]["status"] == "rejected" and group[3].answer[1]["reasons"]
    assert writes["count"] == 1
    assert _count(group_db, Request, Request.external_id.like("grp-%")) == 3
    assert _count(group_db, QuarantinedRow) == 1
    assert _count(group_db, WebhookSignature) == 4  # the replay claimed nothing
    # Audited one by one, under the sender's name, as a delivery stored alone is.
    actions = read_db(group_db, lambda s: s.execute(
        select(AuditEvent.action, AuditEvent.actor_label, AuditEvent.client_address)
        .order_by(AuditEvent.seq)).all())
    assert [a for a, *_ in actions].count("request.create") == 3
    assert {(label, client) for _, label, client in actions} == {("webhook:test-form",
                                                                  "127.0.0.1")}


def test_a_group_stores_what_each_delivery_stored_alone_would(group_db):
    def stored(numbers) -> list[tuple]:
        ids = [f"grp-{n}" for n in numbers]
        return read_db(group_db, lambda s: [tuple(r) for r in s.execute(
            select(Request.crisis_level, Request.crisis_evidence, Request.message,
                   Request.status, Request.channel, Request.source, Request.repeat_of_id)
            .where(Request.external_id.in_(ids)).order_by(Request.id))])

    messages = ["Do you take Aetna for TMS?", "I want to end my life, please call me",
                "Spravato for my son"]
    for n, message in enumerate(messages):
        d = _delivery(n, Message=message)
        assert alone.store_alone([d.sub], SOURCE, "127.0.0.1",
                                    signature=d.signature)[0] == 202
    group = [_delivery(n + 10, Message=m) for n, m in enumerate(messages)]
    group_commit.store_group(group)
    assert [d.answer[0] for d in group] == [202] * 3
    one_by_one = stored(range(3))
    assert stored(range(10, 13)) == one_by_one
    assert one_by_one[1][0] == "urgent"


def test_an_error_in_one_delivery_never_loses_another(group_db, monkeypatch):
    real = match.receive_batch

    def failing(session, inputs, **kw):
        if any(inp.external_id == "grp-2" for inp in inputs):
            raise ValueError("a bug met by one delivery")
        return real(session, inputs, **kw)

    monkeypatch.setattr(match, "receive_batch", failing)
    group = [_delivery(1), _delivery(2), _delivery(3)]
    group_commit.store_group(group)
    assert group[0].answer[0] == 202 and group[2].answer[0] == 202
    assert isinstance(group[1].error, ValueError) and group[1].answer is None
    assert _count(group_db, Request, Request.external_id.in_(["grp-1", "grp-3"])) == 2
    assert _count(group_db, Request, Request.external_id == "grp-2") == 0


def test_the_same_person_twice_in_a_group_is_assessed_outside_the_write(group_db, monkeypatch,
                                                                        writes):
    """The second delivery of a person becomes a duplicate whose whole request text is
    assessed again: it waits for the next transaction, so that this happens before it."""
    filler = "We are looking for help with depression and would like to hear about TMS. "
    first = _delivery(1)
    inside = []
    real = assessment.assess

    def spy(text):
        inside.append((writes["open"], len(text)))
        return real(text)

    monkeypatch.setattr(assessment, "assess", spy)
    later = _delivery(2, Email="ana.group1@example.org", Phone="(305) 555-0001",
                      **{"Last Name": "Group1", "Message": filler * 100})
    group_commit.store_group([first, later])
    assert [first.answer[0], later.answer[0]] == [202, 202]
    assert writes["count"] == 2
    whole = [(open_, n) for open_, n in inside if n > len(filler) * 100]
    assert whole and all(open_ == 0 for open_, _ in whole), inside
    assert _count(group_db, Submission) == 1


def test_deliveries_arriving_while_a_group_is_stored_wait_and_go_together(group_db,
                                                                          monkeypatch):
    gate = group_commit.GroupCommit()
    sizes: list[int] = []
    release = threading.Event()
    real = group_commit.store_group

    def observed(group):
        sizes.append(len(group))
        if len(sizes) == 1:
            release.wait(30)
        real(group)

    monkeypatch.setattr(group_commit, "store_group", observed)
    answers: dict[int, tuple] = {}

    def post(n: int) -> None:
        answers[n] = gate.submit(_delivery(n))

    first = threading.Thread(target=post, args=(0,))
    first.start()
    while not sizes:
        threading.Event().wait(0.01)
    others = [threading.Thread(target=post, args=(n,)) for n in range(1, 6)]
    for t in others:
        t.start()
    while len(gate._waiting) < 5:
        threading.Event().wait(0.01)
    release.set()
    for t in [first, *others]:
        t.join(60)
    assert sizes == [1, 5]
    assert sorted(answers) == list(range(6))
    assert all(answer[0] == 202 for answer in answers.values())
    assert _count(group_db, Request, Request.external_id.like("grp-%")) == 6
    assert not gate._busy and not gate._waiting
