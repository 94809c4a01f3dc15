"""Staff members: password (argon2) + TOTP log-in, roles, and who may do what."""
