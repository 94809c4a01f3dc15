"""Moderation: reports, cases, triage, decisions, statements of reasons, appeals, violations."""
