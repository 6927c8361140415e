"""The labelled-set figures are printed by tests/conftest.py's terminal summary hook."""
