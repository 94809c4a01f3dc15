"""Every ORM model, imported once so Alembic and `create_all` see the whole schema."""

from lawline.audit.models import AuditEntry, AuditState, TreeHead
from lawline.core.db import Base

metadata = Base.metadata

__all__ = ["AuditEntry", "AuditState", "Base", "TreeHead", "metadata"]
