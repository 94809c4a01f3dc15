"""Per-quarter counters and durations, written in the transaction of the change that counts.

The domains call `service.count` / `service.duration` with their own figure names; the
transparency package reads the two tables and recounts them from its views to check them.
This package knows no domain: only quarters, scopes, figure names and keys as strings.
"""
