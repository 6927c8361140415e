from pathlib import Path

import pytest

from zoelife import audit, settings
from zoelife.db.engine import read_session, write_session
from zoelife.db.models import AuditEvent
from zoelife.intake.schedule import change_setting

DOCS = Path(__file__).resolve().parents[1] / "docs" / "settings.md"


def test_every_setting_is_documented():
    text = DOCS.read_text(encoding="utf-8")
    missing = [s.name for s in settings.SPECS if f"`{s.name}`" not in text]
    assert missing == [], f"document these settings in docs/settings.md: {missing}"


def test_every_setting_has_help_and_a_valid_default():
    for s in settings.SPECS:
        assert s.help.strip(), s.name
        assert settings.validate(s.name, s.default) == s.default


def test_defaults_then_stored_value_and_audit(engine):
    with read_session(engine) as s:
        assert settings.get(s, "first_response_minutes") == 60
    with write_session(engine) as s:
        assert change_setting(s, "first_response_minutes", "120",
                                  actor=audit.Actor(None, "admin")) is True
        assert change_setting(s, "first_response_minutes", 120) is False
    with read_session(engine) as s:
        assert settings.load(s)["first_response_minutes"] == 120
        events = s.query(AuditEvent).filter_by(action="settings.change").all()
    assert len(events) == 1
    assert events[0].changes == {"first_response_minutes": {"old": 60, "new": 120}}


@pytest.mark.parametrize("name,value", [
    ("time_zone", "Mars/Olympus"),
    ("holidays", ["2026-13-01"]),
    ("business_hours", {"mon": ["17:00", "08:00"]}),
    ("queue_page_size", 0),
    ("oncall_emails", ["not an email"]),
])
def test_bad_values_are_refused_with_the_setting_named(name, value):
    with pytest.raises(settings.SettingError, match=name):
        settings.validate(name, value)


def test_every_declared_setting_is_read_where_it_acts():
    """A setting nobody reads is a promise the app does not keep (`upload_max_mb` was one)."""
    root = Path(__file__).resolve().parents[1]
    sources = [p for p in [*root.glob("zoelife/**/*.py"), *root.glob("pages/*.py")]
               if p != root / "zoelife" / "settings.py"]
    text = "\n".join(p.read_text(encoding="utf-8") for p in sources)
    unused = [s.name for s in settings.SPECS if f'"{s.name}"' not in text]
    assert unused == []
