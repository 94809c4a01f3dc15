"""The command lines: `lawline` (`main`, one module per sub-app) and `lawline-authority`."""
