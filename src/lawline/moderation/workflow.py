"""Case and appeal states as tables, like the legal request's: a change not in the table is a
409, whoever asks for it."""

from __future__ import annotations

from enum import StrEnum

from lawline.core.errors import Conflict
from lawline.moderation.models import Appeal, Case, Complaint


class CaseStatus(StrEnum):
    OPEN = "open"
    DECIDED = "decided"


class AppealStatus(StrEnum):
    OPEN = "open"
    UPHELD = "upheld"
    REVERSED = "reversed"


class ComplaintStatus(StrEnum):
    OPEN = "open"
    UPHELD = "upheld"  # the decision was wrong
    REJECTED = "rejected"  # the decision stands


CASE_ALLOWED: dict[CaseStatus, frozenset[CaseStatus]] = {
    CaseStatus.OPEN: frozenset({CaseStatus.DECIDED}),
    # a new report after a decision opens a new case; an upheld complaint reopens this one
    CaseStatus.DECIDED: frozenset({CaseStatus.OPEN}),
}
APPEAL_ALLOWED: dict[AppealStatus, frozenset[AppealStatus]] = {
    AppealStatus.OPEN: frozenset({AppealStatus.UPHELD, AppealStatus.REVERSED}),
    AppealStatus.UPHELD: frozenset(),
    AppealStatus.REVERSED: frozenset(),
}
COMPLAINT_ALLOWED: dict[ComplaintStatus, frozenset[ComplaintStatus]] = {
    ComplaintStatus.OPEN: frozenset({ComplaintStatus.UPHELD, ComplaintStatus.REJECTED}),
    ComplaintStatus.UPHELD: frozenset(),
    ComplaintStatus.REJECTED: frozenset(),
}


def move_case(case: Case, to: CaseStatus) -> None:
    current = CaseStatus(case.status)
    if to not in CASE_ALLOWED[current]:
        raise Conflict(f"case {case.id} is {current.value} already", code="case_decided")
    case.status = to.value
    if to is not CaseStatus.OPEN:
        case.open_key = None  # frees the target for a new case
    # reopened: new reports about the target go to the case opened since, if there is one, so
    # the caller sets `open_key` only when the target has none


def move_complaint(complaint: Complaint, to: ComplaintStatus) -> None:
    current = ComplaintStatus(complaint.status)
    if to not in COMPLAINT_ALLOWED[current]:
        raise Conflict("the complaint is decided already", code="complaint_decided")
    complaint.status = to.value


def move_appeal(appeal: Appeal, to: AppealStatus) -> None:
    current = AppealStatus(appeal.status)
    if to not in APPEAL_ALLOWED[current]:
        raise Conflict("the appeal is decided already", code="appeal_decided")
    appeal.status = to.value
