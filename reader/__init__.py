"""reader: a fast terminal reader and span annotator with exact offsets."""

__version__ = "0.1.0"
