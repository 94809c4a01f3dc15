"""Authorities: the registry of requesters, their keys and call-back contacts, and RFC 9421
verification of their signed HTTP requests."""
