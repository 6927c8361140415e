"""The canonical request fields and how the headers of common form tools map onto them.

Auto-mapping works on a folded header ("Name (First)" -> "name first"): first exact aliases
of each tool's standard export, then keyword rules for the questions clinics usually ask.
A header that maps to nothing is kept with the request as an extra field, never dropped.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Mapping
from functools import lru_cache

from zoelife.vocabulary import CANONICAL_FIELDS, IGNORE

# Fields several columns may feed (checkbox exports give one column per choice).
MULTI_FIELDS = frozenset({"treatments", "message"})

FORM_TOOLS = ("gravity_forms", "wpforms", "jotform", "google_forms", "typeform", "zoelife",
              "squarespace", "wix")
DEFAULT_SOURCES = {
    "gravity_forms": "gravity-forms",
    "wpforms": "wpforms",
    "jotform": "jotform",
    "google_forms": "google-forms",
    "typeform": "typeform",
    "zoelife": "zoelife-export",
    "squarespace": "squarespace",
    "wix": "wix",
    # Connector tools (zoelife.ingest.connectors) found in a JSON file's records.
    "gravity": "gravity-forms",
    "meta": "meta-lead-ads",
    "hubspot": "hubspot",
    "calendly": "calendly",
    "formstack": "formstack",
    None: "file-import",
}


@lru_cache(maxsize=1024)  # called for every cell of an import with the file's few headers
def fold_header(header: str) -> str:
    decomposed = unicodedata.normalize("NFKD", str(header))
    text = "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()
    text = re.sub(r"[^a-z0-9]+", " ", text)
    return text.strip()


# Exact (folded) headers of the tools' standard exports and webhook payloads.
_ALIASES: dict[str, str] = {}


def _alias(field: str, *headers: str) -> None:
    for h in headers:
        _ALIASES[fold_header(h)] = field


_alias("external_id", "Entry Id", "Entry ID", "id", "entry_id", "Submission ID", "submissionID",
       "submission_id", "#", "Response ID", "response_id", "token", "external_id",
       "uuid")
_alias("received_at", "Entry Date", "Date Created", "date_created", "Submission Date",
       "Timestamp", "Submit Date (UTC)", "Submitted At", "submitted_at", "received_at",
       "Date Submitted", "created_at", "created_time", "submittedAt", "ts", "Submitted On",
       "Submission time", "Created date", "Submission Time (UTC)", "createdDate")
_alias("first_name", "Name (First)", "First Name", "first_name", "First", "firstname",
       "givenName",
       "Name (first)", "name first", "Given Name")
_alias("last_name", "Name (Last)", "Last Name", "last_name", "Last", "lastname", "Surname",
       "familyName",
       "Family Name", "name last")
_alias("full_name", "Name", "Full Name", "full_name", "Your Name", "Patient Name", "fullName")
_alias("email", "Email", "E-mail", "Email Address", "email", "Your Email", "E-mail Address",
       "email_address")
_alias("phone", "Phone", "Phone Number", "phone", "Telephone", "Mobile", "Mobile Phone",
       "Cell Phone", "phone_number", "Your Phone", "Best Phone Number", "mobilephone",
       "text_reminder_number")
_alias("date_of_birth", "Date of Birth", "DOB", "Birth Date", "Birthday", "date_of_birth",
       "Birthdate", "Patient Date of Birth")
_alias("treatments", "Treatments", "Treatment", "Services", "Service", "treatments",
       "Treatment Interest", "Treatments of Interest", "Service of Interest",
       "Which treatment are you interested in?", "Interested In")
_alias("message", "Message", "Comment or Message", "Comments", "message", "Your Message",
       "How can we help?", "Tell us about your needs", "Additional Information", "Notes",
       "Questions or Comments", "Comment", "notes", "Please share anything that will help "
       "prepare for our meeting.")
_alias("channel", "channel")
_alias("submitter", "submitter", "Who is this request for?", "Are you requesting for yourself?",
       "I am a", "I am", "Submitting For", "Relationship to Patient")
_alias("submitter_name", "submitter_name", "Your Name (if not the patient)")
_alias("heard_about", "How did you hear about us?", "heard_about", "Referral Source",
       "How did you hear about us", "How Did You Find Us?")
_alias("referring_provider", "Referring Provider", "referring_provider", "Referring Physician",
       "Referred By", "Referring Doctor")
_alias("landing_page", "Source Url", "Source URL", "Page URL", "Embed URL", "landing_page",
       "Referrer", "Landing Page", "page_url", "source_url", "Form URL", "pageUrl", "pageUri",
       "Submitted From", "Page")
_alias("utm_source", "utm_source", "UTM Source")
_alias("utm_medium", "utm_medium", "UTM Medium")
_alias("utm_campaign", "utm_campaign", "UTM Campaign")
_alias("utm_content", "utm_content", "UTM Content")
_alias("utm_term", "utm_term", "UTM Term")
_alias("insurance", "Insurance", "Insurance Provider", "Insurance Carrier", "insurance",
       "Insurance Company", "Health Insurance")
_alias("sms_consent", "SMS Consent", "sms_consent", "Text Message Consent",
       "May we text you?", "OK to text?", "Consent to text messages")
_alias("preferred_contact_time", "Best Time to Call", "Preferred Contact Time",
       "preferred_contact_time", "Best time to reach you", "Best Time to Contact")

# Tool metadata columns that are not request fields (kept in extra all the same).
_METADATA = {fold_header(h) for h in (
    "Date Updated", "Last Update Date", "User Agent", "User IP", "Submission IP",
    "Created By (User Id)", "Post Id", "Transaction Id", "Payment Status", "Payment Date",
    "Payment Amount", "Payment Method", "Entry Notes", "Entry Status", "Date Modified",
    "Start Date (UTC)", "Stage Date (UTC)", "Tags", "Response Type", "Unique User ID",
    "Starred", "Read", "Form ID", "formID", "Network ID", "Ending", "relationship_status",
    "marital_status", "Relationship Status", "Marital Status",
)}

# Keyword rules for custom questions, in priority order: (pattern on folded header, field).
_KEYWORDS: tuple[tuple[re.Pattern[str], str], ...] = tuple(
    (re.compile(p), f) for p, f in (
        (r"\bdate of birth\b|\bdob\b|\bbirth ?date\b|\bbirthday\b", "date_of_birth"),
        (r"\bhear about\b|\bfind us\b|\bhow did you hear\b", "heard_about"),
        (r"\breferring\b|\breferred by\b", "referring_provider"),
        (r"\b(?:sms|text)\b.*\b(?:consent|ok|okay|agree|permission)\b|\bconsent\b.*\btext", "sms_consent"),
        (r"\bbest time\b|\bpreferred (?:contact )?time\b|\bwhen (?:can|should) we\b", "preferred_contact_time"),
        (r"\bemail\b|\be mail\b", "email"),
        (r"\bphone\b|\bmobile\b|\bcell\b|\btelephone\b", "phone"),
        (r"\binsurance\b|\binsurer\b", "insurance"),
        (r"\bfirst name\b|\bname first\b|\bgiven name\b", "first_name"),
        (r"\blast name\b|\bname last\b|\bsurname\b|\bfamily name\b", "last_name"),
        (r"\btreatments?\b|\bservices?\b|\binterested in\b", "treatments"),
        (r"\bmessage\b|\bcomments?\b|\bhow can we help\b|\btell us\b|\bconcerns?\b|\breason for\b|\banything else\b|\bwhat brings you\b", "message"),
        (r"\bwho is this (?:request )?for\b|\brelationship to\b|\bsubmitting for\b", "submitter"),
        (r"^(?:your )?(?:full )?name$|\bpatient name\b", "full_name"),
        (r"\bsource url\b|\bpage url\b|\blanding page\b|\breferrer\b", "landing_page"),
        (r"\bsubmitted at\b|\bsubmission date\b|\bentry date\b|\btimestamp\b", "received_at"),
    )
)

# Jotform webhook keys look like "q3_fullName" or "q4_email4"; Gravity Forms nests "Name (First)".
_JOTFORM_KEY = re.compile(r"^q\d+_(.+?)\d*$")


def _split_camel(name: str) -> str:
    return re.sub(r"(?<=[a-z])(?=[A-Z])", " ", name)


def guess_field(header: str) -> str | None:
    """The canonical field a header means, or None (the column stays an extra field)."""
    if str(header).strip() == "#":  # Typeform's response token column
        return "external_id"
    folded = fold_header(header)
    if not folded:
        return None
    if folded in _ALIASES:
        return _ALIASES[folded]
    if folded in _METADATA:
        return None
    m = _JOTFORM_KEY.match(str(header))
    if m:
        inner = fold_header(_split_camel(m.group(1)))
        if inner in _ALIASES:
            return _ALIASES[inner]
        folded = inner
    if folded.startswith("utm "):
        key = "utm_" + folded[4:].replace(" ", "_")
        return key if key in CANONICAL_FIELDS else None
    for pattern, field in _KEYWORDS:
        if pattern.search(folded):
            return field
    return None


def detect_form_tool(headers: Iterable[str]) -> str | None:
    folded = {fold_header(h) for h in headers}
    if {"external id", "received at", "status", "crisis"} <= folded:
        return "zoelife"
    if "entry id" in folded and ({"entry notes", "comment or message", "entry status",
                                  "unique user id", "page url"} & folded):
        return "wpforms"
    if "entry id" in folded and ({"source url", "name first", "date updated",
                                  "created by user id"} & folded):
        return "gravity_forms"
    if "submission id" in folded or "submission date" in folded or "submissionid" in folded:
        return "jotform"
    if "timestamp" in folded and ("email address" in folded or len(folded) >= 2) \
            and "entry id" not in folded:
        return "google_forms"
    if "submitted on" in folded:
        return "squarespace"
    if "submission time" in folded or "created date" in folded:
        return "wix"
    if "submit date utc" in folded or ("#" in set(headers) and "network id" in folded):
        return "typeform"
    if "entry id" in folded or "entry date" in folded or "comment or message" in folded:
        return "wpforms"
    return None


def explicit_targets(headers: Iterable[str], explicit: Mapping[str, str]
                     ) -> tuple[dict[str, str | None], set[str]]:
    """What a mapping staff set gives the headers it names (by the header, or by its folded
    form): header -> canonical field (None: ignored), and the fields so taken."""
    by_folded = {fold_header(k): v for k, v in explicit.items()}
    result: dict[str, str | None] = {}
    taken: set[str] = set()
    for header in headers:
        target = explicit.get(header, by_folded.get(fold_header(header)))
        if target is not None:
            result[header] = None if target == IGNORE else target
            if target != IGNORE:
                taken.add(target)
    return result, taken


def auto_mapping(headers: Iterable[str], explicit: Mapping[str, str] | None = None
                 ) -> dict[str, str | None]:
    """header -> canonical field (or None). An explicit mapping wins; otherwise the first
    column for a single-valued field takes it and later ones stay extra fields."""
    headers = list(headers)
    result, taken = explicit_targets(headers, explicit or {})
    # A column named exactly like a canonical field (our own export, a custom JSON) claims it
    # before any alias ("external_id" beats "id").
    exact = {fold_header(f): f for f in CANONICAL_FIELDS}
    for header in headers:
        field = exact.get(fold_header(header))
        if header not in result and field is not None and field not in taken:
            result[header] = field
            taken.add(field)
    for header in headers:
        if header in result:
            continue
        field = guess_field(header)
        if field is not None and field in taken and field not in MULTI_FIELDS:
            field = None
        if field is not None:
            taken.add(field)
        result[header] = field
    result = {h: result[h] for h in headers}
    # A full-name column is pointless beside first and last names (Gravity exports both).
    if "first_name" in taken and "full_name" in taken:
        for header, field in result.items():
            if field == "full_name" and header not in explicit:
                result[header] = None
    return result


def parse_mapping_option(values: Iterable[str]) -> dict[str, str]:
    """`--map "Their column=field"` options into a dict; ValueError with the bad one."""
    mapping: dict[str, str] = {}
    for raw in values:
        column, sep, field = str(raw).rpartition("=")
        column, field = column.strip(), field.strip()
        if not sep or not column or not field:
            raise ValueError(f"--map {raw!r}: expected \"Their column=field\"")
        if field not in CANONICAL_FIELDS and field != IGNORE:
            raise ValueError(f"--map {raw!r}: unknown field {field!r} (one of: "
                             + ", ".join(CANONICAL_FIELDS) + ")")
        mapping[column] = field
    return mapping


# --- What is the person's words, and what is the tool's metadata -------------------------

# Words of a label that say the value is the tool's bookkeeping, not something the person
# wrote, and phrases that do (a lone "type", "status" or "date" may be a question's word).
_METADATA_WORDS = frozenset({
    "id", "ids", "uuid", "guid", "token", "url", "uri", "urls", "ip", "agent", "timestamp",
    "ts", "currency", "payment", "transaction", "starred", "unread", "slug", "hutk", "locale",
    "timezone", "webhook", "version", "organic", "handshake", "adset", "adgroup", "utm",
})
_METADATA_PHRASES = re.compile(
    r"\b(?:created (?:at|on|time|date|by)|updated (?:at|on)|date (?:created|updated|modified)|"
    r"(?:entry|submission|invitee|event|lead|payment) status|relationship status|"
    r"marital status|(?:ad|form|campaign|page|event|entry) (?:id|name|type)|event type|"
    r"is (?:read|starred|organic|test)|user agent|time zone|gender|platform)\b")
_URL = re.compile(r"^(?:https?|mailto|tel):", re.I)
_ISO_TIME = re.compile(r"^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?$")
_NUMBER = re.compile(r"^[+-]?\d+(\.\d+)?$")
_HEX_ID = re.compile(r"^[0-9a-fA-F-]{16,}$")
_BOOL = frozenset({"true", "false", "null", "none", "yes", "no"})
# A value of this many words or more is read as someone's words whatever its label says: the
# crisis flag errs on the side of flagging.
_WORDS_ARE_ANSWER = 3


def names_metadata(label: str) -> bool:
    """The label itself says tool metadata (`ad_id`, `Entry Status`, `created_time`)."""
    folded = fold_header(_split_camel(str(label)).replace("_", " "))
    return (folded in _METADATA or bool(set(folded.split()) & _METADATA_WORDS)
            or bool(_METADATA_PHRASES.search(folded)))


def is_metadata(label: str, value: object) -> bool:
    """True when an unmapped field is the tool's metadata (kept and shown, never triaged)."""
    text = value if isinstance(value, str) else ", ".join(map(str, value)) \
        if isinstance(value, list) else str(value)
    text = text.strip()
    if len(text.split()) >= _WORDS_ARE_ANSWER:
        return False
    if _URL.match(text) or _ISO_TIME.match(text) or _HEX_ID.match(text):
        return True
    if names_metadata(label):
        return True
    folded = fold_header(label)
    return bool(_NUMBER.match(text)) and not any(w in folded for w in ("phone", "mobile"))


_EMAIL_VALUE = re.compile(r"^[^@\s,;]+@[^@\s,;]+\.[A-Za-z]{2,}$")
_PHONE_VALUE = re.compile(r"^\+?[\d\s().-]{7,22}$")


def looks_like_email(value: object) -> bool:
    return isinstance(value, str) and bool(_EMAIL_VALUE.match(value.strip()))


def looks_like_phone(value: object) -> bool:
    """A value shaped like a phone number (7-15 digits, only phone punctuation), not a date."""
    if not isinstance(value, str):
        return False
    text = value.strip()
    if not _PHONE_VALUE.match(text) or _ISO_TIME.match(text):
        return False
    digits = sum(c.isdigit() for c in text)
    return 7 <= digits <= 15 and not re.fullmatch(r"\d{4}-\d{2}-\d{2}", text)
