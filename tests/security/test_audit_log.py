"""The audit log, tested the way OpenMRS tests its audit module: one row per create and update,
the changed fields named, nothing for no-op saves or rolled-back transactions, exact counts and an
intact chain under 20 concurrent writers, and tampering caught by `zoelife audit verify`."""

import threading

import pytest
from sqlalchemy import delete, func, select, update

from zoelife import audit, audit_search, cli, settings
from zoelife.db.engine import make_engine, read_session, write_session
from zoelife.db.models import AuditEvent
from zoelife.intake.schedule import change_setting
from zoelife.security import accounts

ADMIN = audit.Actor(None, "the.admin", "192.0.2.10")
PW = "a perfectly fine passphrase"


def _events(engine):
    with read_session(engine) as s:
        return s.execute(select(AuditEvent).order_by(AuditEvent.seq)).scalars().all()


def test_one_row_per_create_and_update_with_changed_fields(engine):
    with write_session(engine) as s:
        user = accounts.create_user(s, "desk", PW, {"front_desk"}, email="desk@clinic.test",
                                    actor=ADMIN)
        uid = user.id
    with write_session(engine) as s:
        accounts.set_roles(s, s.get(accounts.StaffUser, uid), {"front_desk", "manager"},
                           actor=ADMIN)
    with write_session(engine) as s:
        accounts.update_profile(s, s.get(accounts.StaffUser, uid), email="new@clinic.test",
                                display_name="Desk Person", actor=ADMIN)
    with write_session(engine) as s:
        change_setting(s, "queue_page_size", 40, actor=ADMIN)
    with write_session(engine) as s:
        accounts.set_active(s, s.get(accounts.StaffUser, uid), False, actor=ADMIN)
    rows = _events(engine)
    assert [(r.action, r.entity, r.entity_id) for r in rows] == [
        ("user.create", "staff_user", str(uid)),
        ("user.roles", "staff_user", str(uid)),
        ("user.update", "staff_user", str(uid)),
        ("settings.change", "setting", "queue_page_size"),
        ("user.disable", "staff_user", str(uid)),
    ]
    assert rows[1].changes == {"roles": {"old": ["front_desk"], "new": ["front_desk", "manager"]}}
    # Identifying staff details are named, never stored.
    assert rows[2].changes == {"email": {"changed": True}, "display_name": {"changed": True}}
    assert "new@clinic.test" not in str(rows[2].changes)
    assert rows[3].changes == {"queue_page_size": {"old": 25, "new": 40}}
    assert rows[4].changes == {"is_active": {"old": True, "new": False}}
    assert {r.actor_label for r in rows} == {"the.admin"}
    assert {r.client_address for r in rows} == {"192.0.2.10"}
    assert all(r.occurred_at.utcoffset().total_seconds() == 0 for r in rows)


def test_unchanged_saves_write_no_row(engine):
    with write_session(engine) as s:
        user = accounts.create_user(s, "desk", PW, {"front_desk"}, actor=ADMIN)
        change_setting(s, "queue_page_size", 40, actor=ADMIN)
    before = len(_events(engine))
    with write_session(engine) as s:
        user = s.get(accounts.StaffUser, user.id)
        assert accounts.set_roles(s, user, {"front_desk"}, actor=ADMIN) is False
        assert accounts.update_profile(s, user, display_name=user.display_name, email="",
                                       actor=ADMIN) is False
        assert accounts.set_active(s, user, True, actor=ADMIN) is False
        assert change_setting(s, "queue_page_size", 40, actor=ADMIN) is False
        assert change_setting(s, "clinic_name", settings.spec("clinic_name").default,
                                  actor=ADMIN) is False
    assert len(_events(engine)) == before


def test_rolled_back_changes_leave_no_row(engine):
    with pytest.raises(settings.SettingError):
        with write_session(engine) as s:
            accounts.create_user(s, "desk", PW, {"front_desk"}, actor=ADMIN)
            change_setting(s, "queue_page_size", 40, actor=ADMIN)
            change_setting(s, "time_zone", "Mars/Olympus_Mons", actor=ADMIN)
    assert _events(engine) == []
    with read_session(engine) as s:
        assert accounts.count_users(s) == 0


def test_twenty_concurrent_writers_exact_counts_and_one_intact_chain(db_url):
    writers, each = 20, 6
    errors: list[BaseException] = []
    barrier = threading.Barrier(writers)

    def work(n: int) -> None:
        eng = make_engine(db_url)
        try:
            barrier.wait()
            for i in range(each):
                try:
                    with write_session(eng) as s:
                        audit.record(s, audit.Actor(None, f"w{n}"), "request.update", "request",
                                     f"{n}-{i}", {"status": {"old": "new", "new": "attempted"}})
                        if i % 3 == 2:  # every third transaction fails after auditing
                            raise RuntimeError("rolled back on purpose")
                except RuntimeError:
                    pass
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
        assert s.execute(select(func.count()).select_from(AuditEvent)).scalar() == writers * 4
        ids = set(s.execute(select(AuditEvent.entity_id)).scalars())
        assert ids == {f"{n}-{i}" for n in range(writers) for i in range(each) if i % 3 != 2}
        seqs = s.execute(select(AuditEvent.seq).order_by(AuditEvent.seq)).scalars().all()
        assert seqs == list(range(1, writers * 4 + 1))
        result = audit.verify(s)
        assert result.ok and result.checked == writers * 4
    eng.dispose()


def _five_rows(engine):
    for i in range(5):
        with write_session(engine) as s:
            audit.record(s, ADMIN, "request.view", "request", i, {})


@pytest.mark.parametrize("tamper", ["edit", "delete", "rehash"])
def test_tampering_is_named_by_zoelife_audit_verify(engine, db_url, capsys, tamper):
    _five_rows(engine)
    assert cli.main(["--database", db_url, "audit", "verify"]) == 0
    assert "intact: 5 rows" in capsys.readouterr().out
    with write_session(engine) as s:
        if tamper == "edit":
            s.execute(update(AuditEvent).where(AuditEvent.seq == 3).values(actor_label="someone"))
        elif tamper == "delete":
            s.execute(delete(AuditEvent).where(AuditEvent.seq == 3))
        else:
            # A forger who recomputes row 3's own hash still breaks row 4's link.
            row = s.execute(select(AuditEvent).where(AuditEvent.seq == 3)).scalar_one()
            row.action = "request.update"
            row.hash = audit.compute_hash(row.prev_hash, row)
    code = cli.main(["--database", db_url, "audit", "verify"])
    out = capsys.readouterr().out
    assert code == 1
    # A re-hashed row fails its own MAC (the forger has no audit key); a deleted one breaks the
    # next row's link.
    broken = 4 if tamper == "delete" else 3
    assert f"BROKEN at seq {broken}" in out


def test_search_and_export(engine):
    with write_session(engine) as s:
        audit.record(s, ADMIN, "sign_in.success", "staff_user", 1, {})
        audit.record(s, audit.Actor(None, "=HYPERLINK(evil)"), "sign_in.failure", "staff_user", 2,
                     {"reason_code": "bad_credentials"})
        audit.record(s, ADMIN, "settings.change", "setting", "clinic_name", {})
    with read_session(engine) as s:
        rows, total = audit_search.search(s, audit_search.AuditFilter(action="sign_in."))
        assert total == 2 and [r.seq for r in rows] == [2, 1]
        rows, total = audit_search.search(s, audit_search.AuditFilter(actor="ADMIN"))
        assert total == 2
        text = audit_search.export_csv(s)
    lines = text.splitlines()
    assert lines[0].startswith('"seq","occurred_at_utc",')
    assert len(lines) == 4
    assert "'=HYPERLINK(evil)" in lines[2]
