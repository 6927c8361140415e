import threading

from sqlalchemy import func, select, update

from zoelife import audit
from zoelife.db.engine import make_engine, read_session, write_session
from zoelife.db.models import AuditEvent


def test_chain_verifies_and_detects_tampering(engine):
    actor = audit.Actor(None, "tester", "127.0.0.1")
    for i in range(5):
        with write_session(engine) as s:
            audit.record(s, actor, "request.update", "request", i, {"status": {"old": "new", "new": "attempted"}})
    with read_session(engine) as s:
        assert audit.verify(s).ok
        assert audit.verify(s).checked == 5
    with write_session(engine) as s:
        s.execute(update(AuditEvent).where(AuditEvent.seq == 3).values(action="request.view"))
    with read_session(engine) as s:
        result = audit.verify(s)
    assert not result.ok and result.first_broken_seq == 3


def test_identifying_fields_keep_no_values(engine):
    with write_session(engine) as s:
        ev = audit.record(s, audit.SYSTEM, "request.update", "request", 1,
                          {"phone": {"old": "+15550100", "new": "+15550101"},
                           "status": {"old": "new", "new": "closed"}})
    assert ev.changes == {"phone": {"changed": True}, "status": {"old": "new", "new": "closed"}}


def test_rolled_back_change_leaves_no_audit_row(engine):
    try:
        with write_session(engine) as s:
            audit.record(s, audit.SYSTEM, "x", "y", 1, {})
            raise ValueError
    except ValueError:
        pass
    with read_session(engine) as s:
        assert s.execute(select(func.count()).select_from(AuditEvent)).scalar() == 0


def test_concurrent_writers_extend_one_chain(db_url):
    writers, each = 20, 5
    errors = []

    def work(n):
        eng = make_engine(db_url)
        try:
            for i in range(each):
                with write_session(eng) as s:
                    audit.record(s, audit.Actor(None, f"w{n}"), "request.update", "request", i, {})
        except Exception as exc:  # noqa: BLE001 - collected and asserted below
            errors.append(exc)
        finally:
            eng.dispose()

    threads = [threading.Thread(target=work, args=(n,)) for n in range(writers)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    eng = make_engine(db_url)
    with read_session(eng) as s:
        assert s.execute(select(func.count()).select_from(AuditEvent)).scalar() == writers * each
        assert audit.verify(s).ok
    eng.dispose()
