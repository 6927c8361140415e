"""Enter a phone call or a walk-in by hand: who is calling is looked up as it is typed; a known
caller's call is logged on their open request, anyone else's becomes a new request."""


from zoelife import settings
from zoelife.ui import phone_entry
from zoelife.ui import request_widgets as w
from zoelife.ui.components import page_header
from zoelife.ui.db import reading
from zoelife.ui.gate import actor, require

user = require("front_desk")
page_header("New request", "For phone calls, walk-ins and referrals.")
w.show_flash()

with reading() as session:
    zone = settings.clinic_zone(session)

caller = phone_entry.caller_fields()
target = phone_entry.caller_panel(phone_entry.lookup(caller), zone)
if target is not None:
    phone_entry.log_call_form(target, who=actor(user), zone=zone)
else:
    phone_entry.new_request_form(caller, who=actor(user), zone=zone)
