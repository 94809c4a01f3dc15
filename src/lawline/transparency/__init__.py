"""Quarterly transparency reports: aggregation in SQL, signed reports, rendering, verification.

Read-only towards the rest of lawline: it reads the domains through the `transparency_*` SQL
views (migration 0004) and the public disclosure ledger (`lawline.audit.ledger`), writes
nothing, and nothing in lawline's domains imports it (a test holds both promises).
"""
