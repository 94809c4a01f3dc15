"""Every ORM model, imported once so Alembic and `create_all` see the whole schema."""

from lawline.audit.models import (
    AuditEntry,
    AuditState,
    LedgerEntry,
    LedgerHead,
    LedgerState,
    MerkleSubtree,
    TreeHead,
)
from lawline.authorities.models import Authority, AuthorityKey, CallbackContact, SeenSignature
from lawline.core.db import Base
from lawline.disclosure.models import DisclosurePackage, PreservationHold
from lawline.hashes.models import BankedHash, HashBank, MediaMatch
from lawline.legal.models import (
    Callback,
    InfoExchange,
    IssuerNotice,
    LegalRequest,
    RequestTarget,
    Review,
    UserNotification,
)
from lawline.moderation.models import (
    Appeal,
    Case,
    Decision,
    Report,
    Reporter,
    TrustedFlagger,
    TrustedFlaggerKey,
    Violation,
)
from lawline.outbox.models import Intent, JobRun
from lawline.search.models import SearchChannel
from lawline.staff.models import StaffMember, StaffToken
from lawline.tally.models import Counter, Duration

metadata = Base.metadata

__all__ = [
    "Appeal",
    "AuditEntry",
    "AuditState",
    "Authority",
    "AuthorityKey",
    "BankedHash",
    "Base",
    "Callback",
    "CallbackContact",
    "Case",
    "Counter",
    "Decision",
    "DisclosurePackage",
    "Duration",
    "HashBank",
    "InfoExchange",
    "Intent",
    "IssuerNotice",
    "JobRun",
    "LedgerEntry",
    "LedgerHead",
    "LedgerState",
    "LegalRequest",
    "MediaMatch",
    "MerkleSubtree",
    "PreservationHold",
    "Report",
    "Reporter",
    "RequestTarget",
    "Review",
    "SearchChannel",
    "SeenSignature",
    "StaffMember",
    "StaffToken",
    "TreeHead",
    "TrustedFlagger",
    "TrustedFlaggerKey",
    "UserNotification",
    "Violation",
    "metadata",
]
