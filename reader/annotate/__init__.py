"""Annotation logic without UI: labels, the span index, selection and tagging rules."""
