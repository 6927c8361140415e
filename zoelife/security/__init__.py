"""Staff accounts, passwords, sign-in sessions. No streamlit here; the gate is in zoelife.ui."""
