"""Legal requests: the request model, jurisdiction policy, checks, review workflow, deadlines."""
