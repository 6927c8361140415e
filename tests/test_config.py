"""The server's environment configuration (zoelife/config.py): one behaviour on a value that
cannot be used, the default, and the variable named once at start."""

from __future__ import annotations

import logging

import pytest

from zoelife import cli, config


@pytest.fixture
def clean_env(monkeypatch):
    for name in list(config.VARIABLES):
        monkeypatch.delenv(name, raising=False)
    return monkeypatch


def test_unset_empty_and_set_values(clean_env):
    assert config.get("ZOELIFE_SMTP_PORT") == 25
    clean_env.setenv("ZOELIFE_SMTP_PORT", "  ")
    assert config.get("ZOELIFE_SMTP_PORT") == 25
    clean_env.setenv("ZOELIFE_SMTP_PORT", " 2525 ")
    assert config.get("ZOELIFE_SMTP_PORT") == 2525
    clean_env.setenv("ZOELIFE_SMTP_STARTTLS", "1")
    assert config.get("ZOELIFE_SMTP_STARTTLS") is True
    clean_env.setenv("ZOELIFE_META_GRAPH_URL", "http://127.0.0.1:9/graph ")
    assert config.get("ZOELIFE_META_GRAPH_URL") == "http://127.0.0.1:9/graph"
    assert config.problems() == []


@pytest.mark.parametrize(("name", "bad", "default"), [
    ("ZOELIFE_SMTP_PORT", "twenty-five", 25),           # raised when an alert was sent
    ("ZOELIFE_ONCALL_CHECK_SECONDS", "soon", 60.0),     # raised as the server started
    ("ZOELIFE_WEBHOOK_MAX_BYTES", "-1", 256 * 1024),    # refused every delivery
    ("ZOELIFE_QUEUE_REFRESH_SECONDS", "0", 20.0),       # would be a busy loop
    ("ZOELIFE_SESSION_CHECK_SECONDS", "0.5", 15.0),
    ("ZOELIFE_SMTP_STARTTLS", "yes", False),
])
def test_an_unusable_value_gives_the_default_and_is_named(clean_env, name, bad, default):
    clean_env.setenv(name, bad)
    assert config.get(name) == default
    [problem] = config.problems()
    assert problem.startswith(f"{name}: ") and f"using the default ({default})" in problem


def test_the_server_says_so_once_at_start(clean_env, caplog):
    clean_env.setenv("ZOELIFE_SMTP_PORT", "x")
    clean_env.setattr(config, "_warned", False)
    with caplog.at_level(logging.WARNING, logger="zoelife.config"):
        first = config.warn_at_start()
        again = config.warn_at_start()
    assert first == again == [
        "ZOELIFE_SMTP_PORT: expected a whole number; using the default (25).",
        "The webhook is not configured: set ZOELIFE_WEBHOOK_SECRET or ZOELIFE_WEBHOOK_TOKEN "
        "to accept deliveries (README, Configuration)."]
    assert [r.getMessage() for r in caplog.records] == first  # logged once, not twice


def test_a_source_credential_alone_configures_the_webhook(clean_env):
    clean_env.setenv("ZOELIFE_WEBHOOK_TOKEN_GRAVITY_FORMS", "t0ken")
    assert config.notices() == []
    assert config.for_source("ZOELIFE_WEBHOOK_TOKEN", "gravity-forms") == "t0ken"
    assert config.for_source("ZOELIFE_WEBHOOK_SECRET", "gravity-forms") == ""


def test_each_command_names_an_unusable_value_on_stderr(clean_env, tmp_path, capsys):
    clean_env.setenv("ZOELIFE_ONCALL_CHECK_SECONDS", "soon")
    url = f"sqlite:///{tmp_path / 'z.db'}"
    assert cli.main(["--database", url, "db", "upgrade"]) == 0
    assert capsys.readouterr().err == ("zoelife: ZOELIFE_ONCALL_CHECK_SECONDS: expected a "
                                       "number; using the default (60.0).\n")
