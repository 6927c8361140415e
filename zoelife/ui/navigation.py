"""Which pages exist and who may open them. Every page is registered with st.navigation; the menu
lists only what a role may open, and each page checks its own roles (a URL opened directly is
refused without the role)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


@dataclass(frozen=True)
class PageSpec:
    path: str  # relative to the repository root
    title: str
    icon: str
    roles: frozenset[str]
    section: str
    url_path: str
    hidden: bool = False


PAGES: tuple[PageSpec, ...] = (
    PageSpec("pages/queue.py", "Queue", ":material/inbox:", frozenset({"front_desk"}),
             "Front desk", "queue"),
    PageSpec("pages/request.py", "Request", ":material/person:", frozenset({"front_desk"}),
             "Front desk", "request", hidden=True),
    PageSpec("pages/inbox.py", "Inbox", ":material/forum:", frozenset({"front_desk"}),
             "Front desk", "inbox"),
    PageSpec("pages/new_request.py", "New request", ":material/add_call:",
             frozenset({"front_desk"}), "Front desk", "new"),
    # Patient data: the front desk's; an admin is IT and sees none (docs/security.md).
    PageSpec("pages/import_requests.py", "Import requests", ":material/upload_file:",
             frozenset({"front_desk"}), "Front desk", "import"),
    PageSpec("pages/coverage.py", "Coverage", ":material/health_and_safety:",
             frozenset({"front_desk"}), "Front desk", "coverage"),
    PageSpec("pages/trends.py", "Inquiry trends", ":material/show_chart:",
             frozenset({"manager"}), "Insights", "trends"),
    PageSpec("pages/impact.py", "Content impact", ":material/campaign:",
             frozenset({"manager"}), "Insights", "impact"),
    PageSpec("pages/funnel.py", "Funnel", ":material/filter_alt:", frozenset({"manager"}),
             "Insights", "funnel"),
    PageSpec("pages/speed.py", "Speed to lead", ":material/timer:", frozenset({"manager"}),
             "Insights", "speed"),
    PageSpec("pages/coverage_outcomes.py", "Coverage outcomes", ":material/verified:",
             frozenset({"manager"}), "Insights", "coverage-outcomes"),
    PageSpec("pages/content.py", "Content", ":material/article:",
             frozenset({"manager", "admin", "front_desk"}), "Insights", "content"),
    PageSpec("pages/users.py", "Staff accounts", ":material/group:", frozenset({"admin"}),
             "Admin", "users"),
    PageSpec("pages/clinic_settings.py", "Settings", ":material/settings:",
             frozenset({"admin"}), "Admin", "settings"),
    PageSpec("pages/payers.py", "Payers", ":material/account_balance:", frozenset({"admin"}),
             "Admin", "payers"),
    PageSpec("pages/sms_templates.py", "Text templates", ":material/sms:",
             frozenset({"admin"}), "Admin", "text-templates"),
    PageSpec("pages/audit_log.py", "Audit log", ":material/policy:", frozenset({"admin"}),
             "Admin", "audit"),
    PageSpec("pages/account.py", "My account", ":material/account_circle:",
             frozenset({"front_desk", "manager", "admin"}), "Account", "account"),
)


def all_pages() -> list[PageSpec]:
    """Every page that exists on disk, in navigation order."""
    return [p for p in PAGES if (ROOT / p.path).exists()]


def pages_for(roles: frozenset[str]) -> list[PageSpec]:
    """Pages the roles may open, in navigation order; only pages that exist on disk."""
    return [p for p in PAGES if p.roles & roles and (ROOT / p.path).exists()]


def default_page_for(roles: frozenset[str]) -> str | None:
    order = ("pages/queue.py", "pages/trends.py", "pages/users.py", "pages/account.py")
    available = {p.path for p in pages_for(roles)}
    for path in order:
        if path in available:
            return path
    return None
