"""Each tool's documented bodies (tests/ingest/fixtures/connectors, sources in the README there)
through the webhook AND the file import: the same stored request either way, a re-send stores
no duplicate, crisis wording in an answer is flagged and the tool's metadata never is."""

from __future__ import annotations

import pytest

from tests.ingest.connector_cases import (
    CASES,
    body_of,
    check,
    counts,
    fresh_sqlite,
    snapshot,
    via_import,
    via_webhook,
    with_crisis,
)


@pytest.mark.parametrize("name", sorted(CASES))
def test_documented_body_same_request_by_webhook_and_import(name, db_url, sqlite_template,
                                                             tmp_path, monkeypatch, frozen):
    source, expected = CASES[name]
    body = body_of(name)
    hook_url, file_url = db_url, fresh_sqlite(sqlite_template, tmp_path, "file")
    assert via_webhook(hook_url, monkeypatch, source, body) == [202]
    (result,) = via_import(file_url, source, body)
    assert result.rejected == 0
    by_hook, by_file = snapshot(hook_url), snapshot(file_url)
    assert len(by_hook) == 1
    assert by_hook == by_file
    check(by_hook[0], source, expected)
    assert by_hook[0]["crisis_level"] == "none"  # a booking's URLs and status words included
    assert by_hook[0]["has_usable_contact"] is True

    # A re-send stores nothing new, either way.
    assert via_webhook(hook_url, monkeypatch, source, body) == [202]
    via_import(file_url, source, body)
    assert counts(hook_url) == counts(file_url)
    assert counts(hook_url)[0] == 1 and counts(hook_url)[2] == 0
    assert snapshot(hook_url) == by_hook and snapshot(file_url) == by_file


@pytest.mark.parametrize("name", sorted(CASES))
def test_crisis_words_in_an_answer_are_flagged_by_both_paths(name, sqlite_template, tmp_path,
                                                             monkeypatch, frozen):
    source, _ = CASES[name]
    body = with_crisis(name)
    hook_url = fresh_sqlite(sqlite_template, tmp_path, "hook")
    file_url = fresh_sqlite(sqlite_template, tmp_path, "file")
    via_webhook(hook_url, monkeypatch, source, body)
    via_import(file_url, source, body)
    by_hook, by_file = snapshot(hook_url), snapshot(file_url)
    assert by_hook == by_file
    assert by_hook[0]["crisis_level"] == "urgent"
