"""The text model: loading, line and wrap layout, search. No UI in here."""
