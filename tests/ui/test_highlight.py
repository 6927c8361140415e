"""The escaping helper: public text shows as typed, evidence is wrapped, nothing becomes HTML."""

import string

from hypothesis import given
from hypothesis import strategies as st

from zoelife.triage import assess
from zoelife.ui.highlight import escape_text, highlight_markdown, plain_from_markdown


def test_script_tag_and_markdown_are_escaped():
    text = "<script>alert('x')</script> **bold** [link](http://evil) :red[boo] $x$ # h"
    md = highlight_markdown(text)
    assert "<script>" not in md and "**bold**" not in md and "](" not in md
    assert ":red[" not in md and "$x$" not in md
    assert md.startswith("\\<script\\>")
    assert plain_from_markdown(md) == text


def test_evidence_is_wrapped_and_the_rest_escaped():
    text = "<b>hi</b> honestly I wish I were dead _now_"
    spans = assess(text).crisis_evidence
    assert spans, "the detector should find passive ideation here"
    md = highlight_markdown(text, spans)
    assert ":red-background[**" in md
    assert "<b>" not in md and "\\_now\\_" in md
    inner = md.split(":red-background[**", 1)[1].split("**]", 1)[0]
    assert "wish" in plain_from_markdown(inner)


def test_line_breaks_and_indentation_are_kept_as_text():
    text = "line one\n    indented code?\n\n1. not a list\n- nor this\n===="
    md = escape_text(text)
    assert "\n    " not in md  # no code block
    assert "\\-" in md and "1\\." in md and "\\=" in md
    assert plain_from_markdown(md) == text


class Span:
    def __init__(self, start, end, level, category="x"):
        self.start, self.end, self.level, self.category = start, end, level, category


def test_overlapping_and_out_of_range_spans_merge_and_clip():
    text = "abcdefghij"
    md = highlight_markdown(text, [Span(2, 5, "review"), Span(4, 8, "urgent"),
                                   Span(9, 99, "review"), Span(0, 10, "review", "other_language")])
    assert md == "ab:red-background[**cdefgh**]i:orange-background[**j**]"


@given(st.text(alphabet=string.printable + "éü\u00a0", max_size=80))
def test_any_text_round_trips(text):
    for c in "\r\x0b\x0c\u00a0\t":
        text = text.replace(c, "")
    md = escape_text(text)
    assert "<" not in md.replace("\\<", "")
    assert plain_from_markdown(md) == text
