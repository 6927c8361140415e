"""Finding #15 (LOW): patient text made live links on the request page, and an email such as
`a?cc=spy%40evil.test&body=hi@example.com` (accepted by normalize_email) built a mailto: link
that added a Cc and a body. Now web and email addresses in a message render as inline code
(never linked), normalization refuses such addresses, and contact links are percent-encoded."""

from __future__ import annotations

import datetime as dt
from urllib.parse import unquote, urlsplit

import pytest
from sqlalchemy import update

from tests.apptest import page, sign_in
from tests.clock import FIXED_NOW
from tests.intake.helpers import make_request
from tests.security.attacks.markdown_checks import assert_inert
from zoelife.db.engine import make_engine, write_session
from zoelife.db.models import Request
from zoelife.intake.normalize import normalize_email
from zoelife.ui.components import contact_url
from zoelife.ui.highlight import highlight_markdown, plain_from_markdown

ATTACK_EMAIL = "a?cc=spy%40evil.test&body=hi@example.com"
MESSAGE = ("Please read https://evil.test/login and www.evil.test, or mail phish@evil.test "
           "(HTTPS://EVIL.TEST) <http://evil.test> mailto:x@evil.test I want to end my life")


@pytest.mark.parametrize("address", [
    ATTACK_EMAIL, "a&body=x@example.com", "a/b@example.com", "a%b@example.com",
    "a=b@example.com", "a#b@example.com", "a!b@example.com", "{a}@example.com",
])
def test_normalization_refuses_link_syntax_before_the_at(address):
    checked = normalize_email(address)
    assert checked.value is None and "not valid" in checked.problem


@pytest.mark.parametrize("address", ["dana.reyes@example.com", "o'brien+intake@example.com",
                                     "ana-maria_lopez@example.co.uk", "josé@example.com"])
def test_ordinary_addresses_still_pass(address):
    assert normalize_email(address).ok


def test_contact_links_are_percent_encoded():
    url = contact_url("mailto", ATTACK_EMAIL)
    parts = urlsplit(url)
    assert parts.scheme == "mailto" and not parts.query and "?" not in url and "&" not in url
    assert unquote(parts.path) == ATTACK_EMAIL
    assert contact_url("tel", "+12121234567") == "tel:+12121234567"
    assert "?" not in contact_url("tel", "+1555?x=1")


def test_addresses_in_a_message_never_become_links():
    md = highlight_markdown(MESSAGE)
    assert_inert(md)
    assert plain_from_markdown(md) == MESSAGE


def test_request_page_shows_addresses_as_text_and_a_safe_mailto(app_db):
    engine = make_engine(app_db)
    rid = make_request(engine, received_at=FIXED_NOW - dt.timedelta(minutes=30), now=FIXED_NOW,
                       message=MESSAGE)
    # An address stored before normalization refused it (an older import).
    with write_session(engine) as s:
        s.execute(update(Request).where(Request.id == rid).values(email=ATTACK_EMAIL))
    engine.dispose()
    at = page("pages/request.py")
    sign_in(at, app_db, roles=("front_desk",))
    at.query_params["id"] = str(rid)
    at.run()
    assert not at.exception
    shown = [m.value for m in at.markdown if "evil" in m.value]
    assert shown, "the message is not on the page"
    for value in shown:
        assert_inert(value)
    mail = [b for b in at.get("link_button") if b.proto.url.startswith("mailto:")]
    assert len(mail) == 1
    url = mail[0].proto.url
    assert "?" not in url and "&" not in url and unquote(url[len("mailto:"):]) == ATTACK_EMAIL
