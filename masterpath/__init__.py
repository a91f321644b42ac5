"""MasterPath: a self-hosted, mastery-based career learning platform."""

__version__ = "0.1.0"
