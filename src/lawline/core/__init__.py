"""Settings, clock, ids, errors, personal-data wrappers, the database and its migrations."""
