"""The only package below pages/ that imports streamlit: the gate, shared widgets, DB access."""
