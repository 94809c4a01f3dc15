"""Disclosure: data minimisation, package building, age encryption, signing, preservation
holds and retention."""
