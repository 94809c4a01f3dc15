"""Append-only Merkle audit log (RFC 6962 / RFC 9162 hashing), signed tree heads and proofs."""
