"""Zoelife Intake: staff dashboard for a psychiatric practice's appointment requests."""

__version__ = "0.1.0"
