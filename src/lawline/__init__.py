"""Lawline: due process for a messaging platform."""

__version__ = "0.1.0"
