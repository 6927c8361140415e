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
FEWER = aggregates.FEWER
c1, c2, c3 = st.columns(3)
c1.metric("Requests with an authorization",
          FEWER if aggregates.is_small(summary.with_authorization)
          else summary.with_authorization)
c2.metric("Lost at coverage", format_percent(summary.lost_share) if summary.lost_share_shown
          else ("-" if not summary.with_authorization else "not shown (small group)"),
          help="Closed without becoming a patient while the latest authorization was "
               "denied or under appeal. Not shown while it would count a group of "
               f"{FEWER} requests.")
c3.metric("Median days, first contact to first treatment",
          f"{summary.median_days_contact_to_treatment:g}" if summary.median_shown
          else "-",
          help=(f"Over {FEWER} first treatments: not shown."
                if aggregates.is_small(summary.first_treatments)
                else f"Over {summary.first_treatments} first treatments."))
if not rows:
    empty_state("No authorization has been decided yet.",
                "Rates and medians appear once payers answer.")
    st.stop()
st.dataframe(pd.DataFrame([{**row, "Treatment": label(row["Treatment"])}
                           for row in aggregates.shown_rows(rows, format_percent)]),
             hide_index=True, width="stretch")
st.caption(f"A group of {FEWER} requests is never shown: its count reads \"{FEWER}\" and "
           "the rate or median that would give it away is left blank.")
