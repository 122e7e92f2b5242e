"""The Textual UI: the app, its screens and widgets. Logic lives in reader.text,
reader.annotate and reader.store; this package only shows it and forwards keys."""
