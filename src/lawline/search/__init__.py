"""The public search over channels and groups, with delisting."""
