"""Coverage outcomes for managers: aggregates only (approval rate and days to decision by payer
and treatment, requests lost at coverage, days from first contact to first treatment). No name,
member id or card is read for this page."""

import pandas as pd
import streamlit as st

from zoelife.coverage import aggregates
from zoelife.ui.components import empty_state, format_percent, page_header
from zoelife.ui.db import reading
from zoelife.ui.gate import require
from zoelife.vocabulary import label

user = require("manager")
page_header("Coverage outcomes", "How prior authorizations fare by payer and treatment, and "
            "how long it takes from the first contact to the first treatment. Aggregates only.")
with reading() as session:
    rows = aggregates.by_payer(session)
    summary = aggregates.summary(session)
c1, c2, c3 = st.columns(3)
c1.metric("Requests with an authorization", summary.with_authorization)
c2.metric("Lost at coverage", format_percent(summary.lost_share) if summary.with_authorization
          else "-", help="Closed without becoming a patient while the latest authorization was "
                         "denied or under appeal.")
c3.metric("Median days, first contact to first treatment",
          "-" if summary.median_days_contact_to_treatment is None
          else f"{summary.median_days_contact_to_treatment:g}",
          help=f"Over {summary.first_treatments} first treatments.")
if not rows:
    empty_state("No authorization has been decided yet.",
                "Rates and medians appear once payers answer.")
    st.stop()
st.dataframe(pd.DataFrame([{
    "Payer": r.payer, "Treatment": label(r.treatment), "Decided": r.decided,
    "Approved": r.approved, "Approval rate": format_percent(r.approval_rate),
    "Median days to decision": r.median_days_to_decision} for r in rows]),
    hide_index=True, width="stretch")
