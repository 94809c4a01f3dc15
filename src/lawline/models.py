"""Every ORM model, imported once so Alembic and `create_all` see the whole schema."""

from lawline.audit.models import AuditEntry, AuditState, TreeHead
from lawline.authorities.models import Authority, AuthorityKey, CallbackContact, SeenSignature
from lawline.core.db import Base
from lawline.disclosure.models import DisclosurePackage, PreservationHold
from lawline.legal.models import (
    Callback,
    InfoExchange,
    LegalRequest,
    RequestTarget,
    Review,
    UserNotification,
)
from lawline.moderation.models import Violation
from lawline.staff.models import StaffMember, StaffToken

metadata = Base.metadata

__all__ = [
    "AuditEntry",
    "AuditState",
    "Authority",
    "AuthorityKey",
    "Base",
    "Callback",
    "CallbackContact",
    "DisclosurePackage",
    "InfoExchange",
    "LegalRequest",
    "PreservationHold",
    "RequestTarget",
    "Review",
    "SeenSignature",
    "StaffMember",
    "StaffToken",
    "TreeHead",
    "UserNotification",
    "Violation",
    "metadata",
]
