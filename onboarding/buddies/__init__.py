"""Buddy matching: newcomers paired with experienced migrants who speak their language."""
