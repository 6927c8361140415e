"""Everything staff do to a request after it arrives: attempts, status moves, crisis level,
assignment, notes, treatments, details, merging duplicates, linking and splitting people, and the
eligibility pre-screen.

Rules (docs/vocabulary.md):
- an edit of the request's own fields is version-checked (`UPDATE ... WHERE id AND version`):
  from a stale screen it raises `StaleEdit` and nothing is written;
- appends (attempts, notes, screens) never conflict, but an attempt's status move bumps the version;
- every move is kept as history (who, when, why) and every action is audited in the same
  transaction; nothing is deleted.
Every function runs in the caller's transaction (`write_session`).

One module per kind of action: `attempts`, `status`, `crisis`, `details` (the request's own
fields, notes, the pre-screen), `people`; what they share is in `common`. Every public name is
reachable from here (`lifecycle.change_status`).
"""

from zoelife.intake.lifecycle.attempts import AttemptResult, log_attempt
from zoelife.intake.lifecycle.common import (
    MAX_NOTE_LENGTH,
    LifecycleError,
    MoveNotAllowed,
    NotFound,
    StaleEdit,
)
from zoelife.intake.lifecycle.crisis import (
    LEVEL_ORDER,
    Acknowledgement,
    acknowledge,
    set_crisis_level,
)
from zoelife.intake.lifecycle.details import (
    EDITABLE_DETAILS,
    add_note,
    assign,
    front_desk_users,
    record_eligibility,
    set_next_step,
    set_treatments,
    update_details,
)
from zoelife.intake.lifecycle.people import dismiss_match, link_people, split_person
from zoelife.intake.lifecycle.status import (
    MoveForm,
    allowed_close_reasons,
    allowed_moves,
    change_status,
    close_unreachable,
    mark_duplicate,
    move_form,
    offers_unreachable,
)

__all__ = [
    "Acknowledgement",
    "AttemptResult",
    "EDITABLE_DETAILS",
    "LEVEL_ORDER",
    "LifecycleError",
    "MAX_NOTE_LENGTH",
    "MoveForm",
    "MoveNotAllowed",
    "NotFound",
    "StaleEdit",
    "acknowledge",
    "add_note",
    "allowed_close_reasons",
    "allowed_moves",
    "assign",
    "change_status",
    "close_unreachable",
    "dismiss_match",
    "front_desk_users",
    "link_people",
    "log_attempt",
    "mark_duplicate",
    "move_form",
    "offers_unreachable",
    "record_eligibility",
    "set_crisis_level",
    "set_next_step",
    "set_treatments",
    "split_person",
    "update_details",
]
