from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Integer, LargeBinary, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from lawline.core.db import Base


class Authority(Base):
    __tablename__ = "authorities"

    id: Mapped[str] = mapped_column(String(40), primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    country: Mapped[str] = mapped_column(String(2), index=True)
    kind: Mapped[str] = mapped_column(String(20))  # police | prosecutor | court | other
    jurisdiction_notes: Mapped[str] = mapped_column(Text, default="")
    age_recipient: Mapped[str] = mapped_column(String(100))
    created_at: Mapped[datetime]
    revoked_at: Mapped[datetime | None]


class AuthorityKey(Base):
    __tablename__ = "authority_keys"

    key_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    authority_id: Mapped[str] = mapped_column(ForeignKey("authorities.id"), index=True)
    public_key: Mapped[bytes] = mapped_column(LargeBinary(32))
    created_at: Mapped[datetime]
    revoked_at: Mapped[datetime | None]
    # set when a newer key replaced this one without revoking it: refused from then on
    retires_at: Mapped[datetime | None]


class CallbackContact(Base):
    """A contact staff call back to confirm an emergency request; entered by staff only."""

    __tablename__ = "authority_contacts"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    authority_id: Mapped[str] = mapped_column(ForeignKey("authorities.id"), index=True)
    name: Mapped[str] = mapped_column(String(200))
    role: Mapped[str] = mapped_column(String(200))
    telephone: Mapped[str] = mapped_column(String(40))  # an office line, shown to staff only
    email: Mapped[str] = mapped_column(String(200), default="")
    created_at: Mapped[datetime]


class SeenSignature(Base):
    """Signatures accepted within the freshness window, to refuse any replay of them."""

    __tablename__ = "seen_signatures"

    signature_hash: Mapped[bytes] = mapped_column(LargeBinary(32), primary_key=True)
    key_id: Mapped[str] = mapped_column(String(64))
    seen_at: Mapped[datetime] = mapped_column(index=True)


class AuthoritySession(Base):
    """A portal session, opened by a log-in challenge signed with the authority's key."""

    __tablename__ = "authority_sessions"

    token_hash: Mapped[bytes] = mapped_column(LargeBinary(32), primary_key=True)
    authority_id: Mapped[str] = mapped_column(ForeignKey("authorities.id"), index=True)
    key_id: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime]
    expires_at: Mapped[datetime]
    ended_at: Mapped[datetime | None]
