"""Clinic settings (admin): every declared setting, grouped; each change is audited."""

import json

import streamlit as st

from zoelife import settings
from zoelife.intake.schedule import change_setting
from zoelife.settings import WEEKDAYS, SettingError
from zoelife.ui import request_widgets as w
from zoelife.ui.components import page_header
from zoelife.ui.db import reading, writing
from zoelife.ui.gate import actor, require

user = require("admin")
page_header("Settings", "Clinic settings. Every change is audited with its old and new value.")
w.show_flash()

with reading() as session:
    values = settings.load(session)


def _widget(spec, value):
    """A widget for one setting; returns the raw value to validate."""
    key = f"setting_{spec.name}"
    label = spec.name.replace("_", " ").capitalize()
    if spec.kind == "int":
        return st.number_input(label, value=int(value), min_value=spec.minimum,
                               max_value=spec.maximum, step=1, help=spec.help, key=key)
    if spec.kind == "bool":
        return st.checkbox(label, value=bool(value), help=spec.help, key=key)
    if spec.kind in ("text", "sms_text", "crisis_sms_text"):
        return st.text_area(label, value=value or "", help=spec.help, key=key)
    if spec.kind in ("dates", "emails"):
        raw = st.text_area(label, value="\n".join(value or []), help=spec.help + " One per line.",
                           key=key)
        return [line.strip() for line in raw.replace(",", "\n").splitlines() if line.strip()]
    if spec.kind == "field_mappings":
        raw = st.text_area(label, value=json.dumps(value or {}, indent=2, sort_keys=True),
                           help=spec.help + " JSON: {\"source\": {\"field id\": \"field\"}}.",
                           key=key)
        try:
            return json.loads(raw or "{}")
        except ValueError:
            return raw  # refused by validation, with the setting's name
    if spec.kind == "business_hours":
        st.markdown(f"**{label}**")
        st.caption(spec.help + " Leave both empty for a closed day.")
        hours = {}
        for day in WEEKDAYS:
            opened = (value or {}).get(day) or ["", ""]
            c1, c2, c3 = st.columns([1, 2, 2])
            c1.markdown(day.capitalize())
            start = c2.text_input(f"{day} opens", value=opened[0], key=f"{key}_{day}_open",
                                  label_visibility="collapsed", placeholder="closed")
            end = c3.text_input(f"{day} closes", value=opened[1], key=f"{key}_{day}_close",
                                label_visibility="collapsed", placeholder="closed")
            hours[day] = [start.strip(), end.strip()] if start.strip() or end.strip() else None
        return hours
    return st.text_input(label, value="" if value is None else str(value), help=spec.help,
                         key=key)


groups: dict[str, list] = {}
for spec in settings.SPECS:
    groups.setdefault(spec.group, []).append(spec)

for group, specs in groups.items():
    with st.expander(group, expanded=False), st.form(f"settings_{group}"):
        raw = {spec.name: _widget(spec, values[spec.name]) for spec in specs}
        save = st.form_submit_button(f"Save {group.lower()} settings", type="primary")
    if save:
        try:
            with writing() as session:
                changed = [name for name, value in raw.items()
                           if change_setting(session, name, value, actor=actor(user))]
        except SettingError as exc:
            # The whole group is refused: nothing was saved.
            st.error(f"Nothing saved. {exc}")
        else:
            if changed:
                w.flash("success", "Saved: " + ", ".join(changed))
                st.rerun()
            else:
                st.info("Nothing changed.")

with st.expander("Current values (JSON)"):
    st.code(json.dumps(values, indent=2, sort_keys=True), language="json")
