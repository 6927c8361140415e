"""`zoelife assess`: one JSON object per input line, in order; a readable summary otherwise."""

from __future__ import annotations

import io
import json

import pytest

from zoelife.cli import main


def _run(monkeypatch, capsys, argv: list[str], stdin: str = "") -> str:
    monkeypatch.setattr("sys.stdin", io.StringIO(stdin))
    assert main(argv) == 0
    return capsys.readouterr().out


def test_json_gives_one_object_per_input_line_in_order(monkeypatch, capsys) -> None:
    lines = [
        "ive been saving up my seroquel for a while",
        "",
        "had Spravato last year, did nothing. Now I'd like TMS",
        "Do you do couples counseling? Evenings preferred. I did CBT for a year.",
        "Olá, minha filha está muito triste, vocês atendem adolescentes?",
    ]
    out = _run(monkeypatch, capsys, ["assess", "--json"], "\n".join(lines) + "\n")
    rows = [json.loads(line) for line in out.splitlines()]
    assert len(rows) == len(lines)
    assert set(rows[0]) == {"crisis", "reasons", "treatments", "treatment_history",
                            "other_services", "language", "trials", "psychotherapy"}
    assert rows[0]["crisis"] == "urgent"
    assert rows[0]["reasons"] == [{"category": "preparation", "level": "urgent",
                                   "words": "saving up my seroquel"}]
    assert rows[1]["crisis"] == "none" and rows[1]["reasons"] == []
    assert (rows[2]["treatments"], rows[2]["treatment_history"]) == (["tms"], ["spravato"])
    assert rows[2]["trials"] == [{"drug": "esketamine", "dose_mg": None, "weeks": None,
                                  "response": "no_response"}]
    assert rows[3]["trials"] == []
    # Couples counseling is asked about; the CBT was had.
    assert rows[3]["psychotherapy"] == {"kinds": ["cbt"], "weeks": 52, "since_year": None}
    assert rows[2]["psychotherapy"] is None
    assert rows[3]["treatments"] == ["other"]
    assert rows[3]["other_services"] == ["couples counseling"]
    assert (rows[4]["crisis"], rows[4]["language"]) == ("review", "pt")


def test_one_message_as_an_argument_reads_as_a_summary(monkeypatch, capsys) -> None:
    out = _run(monkeypatch, capsys, ["assess", "I burned my arm with a lighter last weekend. "
                                     "Can I get a therapist?"])
    assert out.splitlines()[0] == "1. URGENT  (language: English)"
    assert '   urgent: self harm "burned my arm with a lighter"' in out
    assert "   treatments: therapy" in out


def test_a_message_in_another_language_says_so(monkeypatch, capsys) -> None:
    out = _run(monkeypatch, capsys, ["assess", "Goedendag, ik wil graag een afspraak maken voor "
                                               "mijn moeder."])
    assert "review: other language in a language the detector does not read" in out
    assert "(language: Dutch)" in out


def test_a_message_in_a_language_read_by_its_fields_says_so(monkeypatch, capsys) -> None:
    out = _run(monkeypatch, capsys, ["assess", "Bonjour, je voudrais un rendez-vous pour mon fils"])
    assert ("review: other language in French: read by the detector's French fields; someone "
            "who reads it must check it") in out
    assert "(language: French)" in out


@pytest.mark.parametrize("argv", [["assess", "--json", "hi"], ["assess", "hi"]])
def test_nothing_is_needed_but_the_text(monkeypatch, capsys, argv) -> None:
    monkeypatch.delenv("ZOELIFE_DATABASE_URL", raising=False)
    assert _run(monkeypatch, capsys, argv)
