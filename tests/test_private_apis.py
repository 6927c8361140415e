"""The private parts of Python's `re` and of Streamlit that the app reads, each in the shape it
reads them. The app falls back quietly when one is gone (slower phrase matching, a sidebar
listing pages/, no upload cap per session, developer messages let through), so an upgrade that
changes one must fail here instead, and the code that reads it be looked at again."""

from __future__ import annotations

import dataclasses
import re

from zoelife.triage import _text
from zoelife.ui import resilience


def test_the_regex_parser_tree_first_characters_reads():
    """`zoelife.triage._text.first_characters` walks `re._parser`'s tree (phrase dispatch)."""
    assert _text._parser is not None and _text._constants is not None
    c = _text._constants
    for op in ("LITERAL", "IN", "RANGE", "BRANCH", "SUBPATTERN", "ATOMIC_GROUP", "MAX_REPEAT",
               "MIN_REPEAT", "POSSESSIVE_REPEAT", "AT", "ASSERT", "ASSERT_NOT"):
        assert hasattr(c, op), op
    parsed = _text._parser.parse("(ab|c)(?=x)d+[e-g]")
    assert not parsed.state.flags & (re.IGNORECASE | re.LOCALE)
    ops = [op for op, _ in parsed]
    assert ops[0] is c.SUBPATTERN and len(parsed[0][1]) == 4  # group, add, del, body
    assert c.BRANCH in [op for op, _ in parsed[0][1][3]]
    assert ops[1] is c.ASSERT and ops[2] is c.MAX_REPEAT and len(parsed[2][1]) == 3
    assert _text.first_characters("(?:ab|c)(?=x)d+") == {"a", "c"}


def test_the_pages_directory_flag_the_entry_clears():
    """`zoelife.ui.app.ignore_pages_directory` sets this class attribute."""
    from streamlit.runtime.pages_manager import PagesManager

    assert "uses_pages_directory" in vars(PagesManager)


def test_the_upload_store_the_upload_gate_measures():
    """`zoelife.ui.resilience._held_bytes` reads the runtime's upload manager's storage, and
    the gate matches Streamlit's upload route."""
    from streamlit.runtime import Runtime
    from streamlit.runtime.memory_uploaded_file_manager import MemoryUploadedFileManager
    from streamlit.runtime.uploaded_file_manager import UploadedFileRec
    from streamlit.web.server.server import UPLOAD_FILE_ENDPOINT

    assert callable(Runtime.instance)
    assert isinstance(vars(Runtime).get("uploaded_file_mgr"), property)
    manager = MemoryUploadedFileManager("/_stcore/upload_file")
    manager.add_file("session-1", UploadedFileRec("file-1", "a.csv", "text/csv", b"12345"))
    storage = manager.file_storage
    assert [len(f.data) for f in storage["session-1"].values()] == [5]
    assert resilience._UPLOAD_PATH.match(f"{UPLOAD_FILE_ENDPOINT}/session-1/file-1")


def test_the_session_messages_the_server_filters():
    """`zoelife.ui.resilience.ignore_developer_messages` wraps `AppSession.handle_backmsg` and
    reads each message's `type`."""
    from streamlit.proto.BackMsg_pb2 import BackMsg
    from streamlit.runtime.app_session import AppSession

    assert callable(AppSession.handle_backmsg)
    fields = {f.name for f in BackMsg.DESCRIPTOR.oneofs_by_name["type"].fields}
    assert resilience.DEVELOPER_MESSAGES <= fields


def test_the_script_run_context_the_entry_and_the_gate_read():
    """`streamlit_app.py` asks whether a session runs it; the upload gate keys by session id."""
    from streamlit.runtime.scriptrunner import ScriptRunContext, get_script_run_ctx

    assert get_script_run_ctx() is None  # no session here
    assert "session_id" in {f.name for f in dataclasses.fields(ScriptRunContext)}
