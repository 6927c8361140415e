"""The sign-in gate: who is signed in, what they may open, the sign-in and first-run screens.

Every page calls `require(role, ...)` first, so a page opened by URL without the role shows a
refusal and never its data, whether or not it was reached through the navigation.

Where the sign-in lives: a server-side row (zoelife.security.sessions). The page keeps its token
in `st.session_state`; right after signing in, the page asks `/auth/cookie`
(zoelife.security.web) in the background for an HttpOnly cookie holding a second token of the
same sign-in, so a reload or a new tab stays signed in (`st.context.cookies`). Ending the
sign-in on the server ends both tokens.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import re
from typing import NoReturn
from urllib.parse import urlencode, urlsplit

import streamlit as st

from zoelife import audit, config, settings
from zoelife.db.engine import DatabaseUnavailable
from zoelife.security import accounts, auth, sessions, setup_code
from zoelife.security.passwords import MIN_LENGTH, PasswordRejected
from zoelife.security.sessions import SessionUser
from zoelife.security.web import COOKIE_NAME, NONCE_COOKIE, NONCE_PATH, safe_next
from zoelife.ui.components import signed_out_urgent_count
from zoelife.ui.db import faults_shown, get_engine, reading, writing

log = logging.getLogger(__name__)

TOKEN_KEY = "zoelife_token"
_GRANT_KEY = "_zoelife_cookie_grant"
_CLEAR_COOKIE_KEY = "_zoelife_clear_cookie"
_SSO_REFUSED_KEY = "_zoelife_sso_refused"
_HAD_SESSION_KEY = "_zoelife_had_session"
# This tab asked /auth/cookie for the sign-in cookie: the browser holds it, although this
# session's own view of the cookies (taken when its page loaded) does not show it.
_COOKIE_ASKED_KEY = "_zoelife_cookie_asked"

REFUSAL = "This page is not available to your account. Ask an administrator if you need access."

__all__ = ["COOKIE_NAME", "TOKEN_KEY", "actor", "current_user", "require", "sign_out"]


def client_address(*, forwarded: bool = False) -> str | None:
    """The client's address as Streamlit reports it (audit rows, sign-ins, the sign-in limit):
    None for a connection from this machine (Streamlit gives no address for localhost, as
    when a reverse proxy on the same machine forwards every visitor) and where there is no
    real client (outside a session, AppTest's stand-in context).

    `forwarded=True`, for the per-address bound on anonymous page runs: for a connection from
    this machine, the last X-Forwarded-For hop the proxy added, or "local"; still None where
    there is no real client, which is not bounded."""
    try:
        address = st.context.ip_address
        headers = st.context.headers if forwarded else None
    except Exception:  # noqa: BLE001 - not available outside a browser session
        return None
    if isinstance(address, str):
        return address
    if address is not None or not forwarded:
        return None  # AppTest's mock context records no address
    hops = headers.get("X-Forwarded-For") if hasattr(headers, "get") else None
    if isinstance(hops, str) and hops.strip():
        return hops.split(",")[-1].strip()[:64]
    return "local"


def _cookie_token() -> str | None:
    if st.session_state.get(_CLEAR_COOKIE_KEY):
        # Signed out in this tab: the browser's cookie names an ended sign-in anyway.
        return None
    try:
        value = st.context.cookies.get(COOKIE_NAME)
    except Exception:  # noqa: BLE001 - no cookies outside a browser session
        return None
    return value if isinstance(value, str) and value else None


def _token() -> str | None:
    token = st.session_state.get(TOKEN_KEY)
    if token:
        return token
    return _cookie_token()


def _sso_user_email() -> tuple[bool, str | None, int | None, bool | None]:
    """(logged in through st.login, email claim, issued-at claim, email_verified claim)."""
    try:
        user = st.user
        if not user.get("is_logged_in", False):
            return False, None, None, None
        email = user.get("email")
        iat = user.get("iat")
        verified = user.get("email_verified")
    except Exception:  # noqa: BLE001 - no auth configured or outside a session
        return False, None, None, None
    if isinstance(verified, str):  # some providers send the claim as a string
        verified = {"true": True, "false": False}.get(verified.strip().lower())
    return (True, email if isinstance(email, str) else None,
            iat if isinstance(iat, int) else None,
            verified if isinstance(verified, bool) else None)


def sso_configured() -> bool:
    try:
        return "auth" in st.secrets
    except Exception:  # noqa: BLE001 - no secrets.toml at all
        return False


def _sso_providers() -> list[str | None]:
    """Named `[auth.NAME]` sections, or [None] for a single unnamed provider."""
    try:
        section = st.secrets["auth"]
        names = [k for k, v in section.items() if hasattr(v, "items")]
    except Exception:  # noqa: BLE001
        return [None]
    return names or [None]


def current_user(*, activity: bool = True) -> SessionUser | None:
    """The signed-in user, or None. `activity=False` for automatic refreshes."""
    token = _token()
    user = None
    if token:
        # Read first: a write transaction (the process-wide write lock on SQLite) only when a
        # lapsed sign-in must be ended or activity is due (at most once a minute).
        with reading() as session:
            user, needs_write = sessions.peek(session, token, activity=activity)
        if needs_write:
            try:
                with writing() as session:
                    user = sessions.resolve(session, token, activity=activity)
            except DatabaseUnavailable as exc:
                # Recording activity must not block reading: a read-only, full or busy
                # database keeps the peeked answer (a lapsed sign-in stays signed out) and
                # the page's own reads go on; its writes show the fault.
                log.warning("sign-in activity not recorded: %s", exc.reason)
    if user is not None:
        st.session_state[TOKEN_KEY] = token
        st.session_state[_HAD_SESSION_KEY] = user.method
        return user
    st.session_state.pop(TOKEN_KEY, None)
    return _from_sso(token)


def _from_sso(stale_token: str | None) -> SessionUser | None:
    logged_in, email, iat, verified = _sso_user_email()
    if not logged_in:
        if stale_token and stale_token == _cookie_token() and sso_configured():
            # The browser still holds the cookie of an ended sign-in (st.logout's round trip
            # cannot clear it): drop it, or the next single sign-on would be ended as its own.
            st.session_state[_CLEAR_COOKIE_KEY] = True
        return None
    if st.session_state.pop(_HAD_SESSION_KEY, None) == "oidc" or stale_token:
        # The app's own sign-in ended (idle, absolute limit, sign-out, disabled): end the
        # provider's 30-day cookie too, so a reload cannot start a fresh sign-in silently.
        _logout()
    if st.session_state.get(_SSO_REFUSED_KEY):
        return None
    with reading() as session:
        idle = settings.get(session, "idle_timeout_minutes")
    now = dt.datetime.now(dt.UTC)
    if iat is not None and now - dt.datetime.fromtimestamp(iat, dt.UTC) > dt.timedelta(minutes=idle):
        # A provider sign-in older than the idle limit may not open a new app sign-in.
        _logout()
    with writing() as session:
        result = auth.sign_in_sso(session, email, client_address=client_address(),
                                  email_verified=verified)
    if result.token is None:
        st.session_state[_SSO_REFUSED_KEY] = result.message
        return None
    _signed_in(result.token)
    with writing() as session:
        return sessions.resolve(session, result.token)


def _logout() -> NoReturn:
    """st.logout(), then end this run. st.logout() only queues a redirect for the browser, and
    Streamlit starts every new run by dropping what is still queued: a rerun after it (the sign-out
    button's, the queue's automatic refresh) would lose the redirect and leave the 30-day identity
    cookie to sign in again."""
    st.logout()
    st.stop()


def actor(user: SessionUser | None) -> audit.Actor:
    if user is None:
        return audit.Actor(None, "anonymous", client_address())
    return audit.Actor(user.user_id, user.username, client_address())


def require(*roles: str, activity: bool = True) -> SessionUser:
    """Stop the page unless a signed-in user holds one of `roles` (any role when empty)."""
    user = current_user(activity=activity)
    if user is None:
        sign_in_screen()
        st.stop()
    if user.must_change_password:
        change_password_screen(user, forced=True)
        st.stop()
    if roles and not user.has(*roles):
        st.error(REFUSAL, icon=":material/block:")
        st.stop()
    emit_cookie_request()
    _watch_sign_in()
    return user


SESSION_CHECK_ENV = "ZOELIFE_SESSION_CHECK_SECONDS"
DEFAULT_SESSION_CHECK_SECONDS = config.VARIABLES[SESSION_CHECK_ENV].default


def session_check_seconds() -> float:
    """How often an open page re-checks its sign-in (default 15 s; the browser tests shorten
    it). Between checks a lapsed page may show what it showed for at most this long."""
    return config.get(SESSION_CHECK_ENV)


def _watch_sign_in() -> None:
    """A timer on every signed-in page: when the sign-in has lapsed (idle or absolute limit),
    been ended (signed out elsewhere, password changed) or the account was disabled or its
    roles changed, rerun the whole page, whose gate then shows the sign-in screen instead of
    the patient data still on screen. The check is not activity: an open page left alone
    must not keep its sign-in alive."""

    @st.fragment(run_every=dt.timedelta(seconds=session_check_seconds()))
    @faults_shown(key="sign_in_watch_retry")  # its automatic runs are outside the page's handler
    def sign_in_watch() -> None:
        if current_user(activity=False) is None:
            st.rerun(scope="app")

    sign_in_watch()


def sign_out() -> None:
    """End this tab's sign-in and the cookie's sign-in on the server, then clear the cookie."""
    with writing() as session:
        for token in {st.session_state.get(TOKEN_KEY), _cookie_token()} - {None}:
            user = sessions.resolve(session, token, activity=False)
            if sessions.end(session, token) and user is not None:
                audit.record(session, actor(user), "sign_out", "staff_user", user.user_id, {})
    st.session_state.pop(TOKEN_KEY, None)
    st.session_state.pop(_GRANT_KEY, None)
    if st.session_state.pop(_HAD_SESSION_KEY, None) == "oidc" and _sso_user_email()[0]:
        # One navigation only: a /auth/signout redirect beside st.logout's could cancel it and
        # leave Streamlit's identity cookie behind. The page it lands on drops our cookie.
        st.session_state[_CLEAR_COOKIE_KEY] = "sent"
        _logout()
    else:
        st.session_state[_CLEAR_COOKIE_KEY] = True


def _signed_in(token: str) -> None:
    """Remember the new sign-in in this tab and arrange for the cookie to be set."""
    st.session_state[TOKEN_KEY] = token
    st.session_state.pop(_CLEAR_COOKIE_KEY, None)
    with writing() as session:
        grant = sessions.issue_grant(session, token)
    if grant:
        st.session_state[_GRANT_KEY] = tuple(grant)


def _current_path() -> str:
    """This page's path and query (a request's id, the queue's filters: never patient data),
    for the way back from /auth/cookie and /auth/signout."""
    try:
        url = st.context.url
        params = st.query_params.to_dict()
    except Exception:  # noqa: BLE001
        return "/"
    if not isinstance(url, str):
        return "/"
    path = urlsplit(url).path or "/"
    return safe_next(f"{path}?{urlencode(params)}" if params else path)


def cookie_url(grant: str) -> str:
    return "/auth/cookie?" + urlencode({"grant": grant})


_SAFE_NONCE = re.compile(r"^[A-Za-z0-9_-]{1,100}$")


def _script(js: str) -> None:
    st.html(f"<script>{js}</script>", unsafe_allow_javascript=True)


def _exchange_grant(url: str, nonce: str) -> None:
    """Set the grant's nonce cookie in this browser (only it then can redeem the grant) and
    redeem the grant at /auth/cookie with a background request, whose answer sets the
    HttpOnly sign-in cookie. A request, not a navigation: the page stays as it is, and nothing
    the page does meanwhile (Streamlit updating the address bar, a second run) can cancel it
    after the server spent the grant, which once left a sign-in without its cookie. Our own
    fixed script and a URL we built (a URL-safe grant): no public text can reach the HTML."""
    if not url.startswith("/auth/cookie?"):
        raise ValueError("grants are redeemed at the app's own /auth/cookie route only")
    if not _SAFE_NONCE.match(nonce):
        raise ValueError("a grant nonce is URL-safe base64")
    _script(f'document.cookie = "{NONCE_COOKIE}={nonce}; Path={NONCE_PATH}; Max-Age=60; '
            'SameSite=Strict" + (location.protocol === "https:" ? "; Secure" : "");'
            f'fetch({_js_string(url)}, {{credentials: "same-origin", cache: "no-store", '
            'redirect: "manual"});')


def _post(url: str) -> None:
    """Submit an empty form to /auth/signout: a same-origin POST (a GET signs nobody out)."""
    if not url.startswith("/auth/signout?"):
        raise ValueError("sign-out posts go to the app's own /auth/signout route only")
    _script('const f = document.createElement("form"); f.method = "post"; '
            f"f.action = {_js_string(url)}; document.body.appendChild(f); f.submit();")


def _js_string(url: str) -> str:
    return json.dumps(url).replace("</", "<\\/")


def just_signed_in() -> bool:
    """Signed in during this page's life, the cookie not yet asked for."""
    return bool(st.session_state.get(_GRANT_KEY))


def emit_cookie_request() -> None:
    """Once after signing in: have the browser redeem the grant for the sign-in cookie."""
    pending = st.session_state.pop(_GRANT_KEY, None)
    if pending:
        grant, nonce = pending
        _exchange_grant(cookie_url(grant), nonce)
        st.session_state[_COOKIE_ASKED_KEY] = True


def emit_cookie_clear() -> None:
    """After signing out: let /auth/signout clear the browser's cookie."""
    if st.session_state.get(_CLEAR_COOKIE_KEY) == True:  # noqa: E712 - only once per sign-out
        st.session_state[_CLEAR_COOKIE_KEY] = "sent"
        try:
            has_cookie = bool(st.context.cookies.get(COOKIE_NAME))
        except Exception:  # noqa: BLE001
            has_cookie = False
        if has_cookie or st.session_state.pop(_COOKIE_ASKED_KEY, False):
            _post("/auth/signout?" + urlencode({"next": _current_path()}))


# --------------------------------------------------------------------------- screens


def sign_in_screen() -> None:

    emit_cookie_clear()
    with reading() as session:
        first_run = not accounts.has_admin(session)
    if first_run:
        first_run_screen()
        return
    st.title("Sign in")
    signed_out_urgent_count()
    refused = st.session_state.get(_SSO_REFUSED_KEY)
    if refused:
        st.error(refused)
        if st.button("Sign out of single sign-on", key="sso_sign_out"):
            st.session_state.pop(_SSO_REFUSED_KEY, None)
            st.logout()
    elif sso_configured():
        for provider in _sso_providers():
            title = "Sign in with single sign-on" + (f" ({provider})" if provider else "")
            if st.button(title, type="primary", key=f"sso_{provider or 'default'}"):
                if provider:
                    st.login(provider)
                else:
                    st.login()
        st.caption("Or sign in with a local account:")
    with st.form("sign_in", enter_to_submit=True):
        username = st.text_input("User name", autocomplete="username")
        password = st.text_input("Password", type="password", autocomplete="current-password",
                                 max_chars=512)
        submitted = st.form_submit_button("Sign in", type="primary")
    if submitted:
        # Bounded per address and overall inside auth (ratelimit); the password is checked
        # before any write lock is taken (auth.sign_in_engine).
        result = auth.sign_in_engine(get_engine(), username, password,
                                     client_address=client_address())
        if result.token:
            _signed_in(result.token)
            st.rerun()
        else:
            st.error(result.message)


def change_password_screen(user: SessionUser, *, forced: bool = False) -> None:
    if forced:
        st.title("Choose a new password")
        st.info("An administrator reset your password. Choose a new one to continue.")
    with st.form("change_password", clear_on_submit=True):
        current = st.text_input("Current password", type="password",
                                autocomplete="current-password")
        new = st.text_input(f"New password (at least {MIN_LENGTH} characters)", type="password",
                            autocomplete="new-password")
        repeat = st.text_input("Repeat the new password", type="password",
                               autocomplete="new-password")
        submitted = st.form_submit_button("Change password", type="primary")
    if not submitted:
        return
    if new != repeat:
        st.error("The two new passwords differ.")
        return
    wrong = None
    try:
        with writing() as session:
            account = accounts.get_user(session, user.user_id)
            try:
                auth.change_own_password(session, account, current, new, actor=actor(user),
                                             keep_session_id=user.session_id)
            except auth.WrongCurrentPassword as exc:
                wrong = exc  # leave the block normally: the counted failure is kept
    except (PasswordRejected, accounts.AccountError) as exc:
        st.error(str(exc))
        return
    if wrong is not None:
        st.error(str(wrong))
        return
    st.success("Your password was changed.")
    if forced:
        st.rerun()


def first_run_screen() -> None:
    st.title("Welcome to Zoelife Intake")
    st.write(
        "No administrator exists yet. Create the first administrator account; "
        "there is no default account."
    )
    st.info("To show that you run this server, enter the one-time setup code that "
            "`zoelife db upgrade` printed on the server's console (`make run` runs it). "
            "Run it again for a new code, or create the administrator on the server with "
            "`zoelife users add NAME --role admin`.", icon=":material/key:")
    with st.form("first_admin"):
        code = st.text_input("Setup code", type="password", autocomplete="one-time-code",
                             max_chars=64)
        username = st.text_input("Administrator user name")
        display_name = st.text_input("Full name")
        password = st.text_input("Password (at least 12 characters)", type="password",
                                 autocomplete="new-password")
        repeat = st.text_input("Repeat the password", type="password",
                               autocomplete="new-password")
        also_front_desk = st.checkbox("This person also works the front desk", value=True)
        load_demo = st.checkbox("Load the demo clinic (fictional people, for trying things out)")
        submitted = st.form_submit_button("Create administrator", type="primary")
    if not submitted:
        return
    if password != repeat:
        st.error("The two passwords differ.")
        return
    roles = {"admin", "front_desk", "manager"} if also_front_desk else {"admin"}
    who = audit.Actor(None, "first-run", client_address())
    try:
        with writing() as session:
            if accounts.has_admin(session):
                st.error("An administrator was created meanwhile. Sign in instead.")
                return
            # One transaction: the code is spent only with the administrator it created; a
            # wrong code leaves the block normally, so its audit row is kept.
            code_ok = setup_code.redeem(session, code, actor=who)
            if code_ok:
                user = accounts.create_user(session, username, password, roles,
                                            display_name=display_name or username, actor=who)
                token = sessions.start(session, user, client_address=client_address())
    except (accounts.AccountError, PasswordRejected) as exc:
        st.error(str(exc))
        return
    if not code_ok:
        st.error("That setup code is not right. Enter the latest code `zoelife db upgrade` "
                 "printed on the server's console.")
        return
    _signed_in(token)
    if load_demo:
        from zoelife import demo
        from zoelife.ui.db import get_engine

        bar = st.progress(0.0, text="Loading the demo clinic…")
        demo.load_demo(get_engine(), requests=5000, seed=7,
                       progress=lambda done, total: bar.progress(min(done / total, 1.0),
                                                                 text="Loading the demo clinic…"))
    st.rerun()
