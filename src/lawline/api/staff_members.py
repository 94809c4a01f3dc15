"""Staff accounts over the API (an admin's work): list, disable, reset. Enrolment of new staff is
`lawline staff add` or the enrol page, which show the TOTP secret once."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

import pyotp
from fastapi import APIRouter, Path
from pydantic import BaseModel, Field

from lawline.api.deps import RuntimeDep, SessionDep
from lawline.api.staff import staff_may
from lawline.core.fields import InputModel
from lawline.staff.service import Action, Staff, disable_staff, list_staff, reset_staff

router = APIRouter(prefix="/v1/staff/members", tags=["staff"])
# the shape `staff.service` gives usernames: NUL or a phone number never reaches a lookup
Username = Annotated[str, Path(max_length=64, pattern=r"^[a-z][a-z0-9_.-]{1,63}$")]
Admin = Annotated[Staff, staff_may(Action.STAFF_MANAGE)]


class MemberOut(BaseModel):
    username: str
    display_name: str
    roles: list[str]
    created_at: datetime
    disabled: bool
    locked_until: datetime | None


class ResetIn(InputModel):
    password: str = Field(min_length=12, max_length=200)


class ResetOut(BaseModel):
    username: str
    totp_uri: str = Field(description="enrol this in an authenticator; it is not shown again")


@router.get("")
def members(staff: Admin, session: SessionDep) -> list[MemberOut]:
    """Every staff member with roles and state."""
    return [MemberOut(**vars(m)) for m in list_staff(session, by=staff)]


@router.post("/{username}/disable", status_code=204)
def disable(username: Username, staff: Admin, session: SessionDep, runtime: RuntimeDep) -> None:
    """Disable an account; its sessions end at once."""
    disable_staff(session, username, by=staff, clock=runtime.clock)


@router.post("/{username}/reset")
def reset(
    username: Username, payload: ResetIn, staff: Admin, session: SessionDep, runtime: RuntimeDep
) -> ResetOut:
    """New password and TOTP secret; lifts a lock, re-enables the account, ends its sessions."""
    secret = reset_staff(
        session, username, password=payload.password, by=staff, clock=runtime.clock
    )
    uri = pyotp.TOTP(secret).provisioning_uri(name=username, issuer_name="lawline")
    return ResetOut(username=username, totp_uri=uri)
