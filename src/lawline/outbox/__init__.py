"""The transactional outbox: intents of effects outside lawline's database, written in the same
transaction as the state change that causes them, and applied after commit by a worker.

This package is ground level: it imports core and audit only. What an intent *means* (a platform
action, a notice) is known to the handlers that the layers above register with the worker.
"""
