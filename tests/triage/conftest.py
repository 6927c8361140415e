"""The labelled-set figures are printed by tests/conftest.py's terminal summary hook."""

import pytest

# The shared checks of the round files assert in a helper module: pytest reads those asserts
# as it does a test's (the values compared, not only the message).
pytest.register_assert_rewrite("tests.triage.kinds")
