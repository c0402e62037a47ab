"""The writing coach: rules as data, read once per site, applied to every incident's words."""

from statusgen.lint.coach import Coach, Due, Passage, Reading, Review
from statusgen.lint.setup import coach_for, shipped_book

__all__ = ["Coach", "Due", "Passage", "Reading", "Review", "coach_for", "shipped_book"]
