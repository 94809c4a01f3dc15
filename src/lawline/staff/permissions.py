"""Who may do what: the role x action matrix, written once.

Every front end (staff API, pages, CLI) and every service that acts for a staff member asks
`require(staff, Action.X)`; nothing else decides permissions. `docs/roles.md` is rendered from
`MATRIX` by `lawline staff roles --markdown` and a test keeps the two equal.

Least privilege: `admin` manages staff, the authority registry and trusted flaggers, but reads no
legal request and decides nothing; approving a disclosure or deciding a case needs the role made
for it.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Protocol

from lawline.core.errors import Forbidden


class Role(StrEnum):
    INTAKE = "intake"
    LEGAL_REVIEWER = "legal_reviewer"
    APPROVER = "approver"
    MODERATOR = "moderator"
    ADMIN = "admin"


class Action(StrEnum):
    LEGAL_QUEUE_READ = "legal.queue.read"
    LEGAL_REQUEST_READ = "legal.request.read"
    LEGAL_REQUEST_APPROVE = "legal.request.approve"
    LEGAL_REQUEST_REJECT = "legal.request.reject"
    LEGAL_REQUEST_ASK = "legal.request.ask"
    LEGAL_CALLBACK_RECORD = "legal.callback.record"
    LEGAL_NOTIFICATIONS_READ = "legal.notifications.read"
    LEGAL_NOTICE_SEND = "legal.notice.send"
    LEGAL_ENFORCING_ANSWER = "legal.enforcing.answer"
    MODERATION_QUEUE_READ = "moderation.queue.read"
    MODERATION_CASE_READ = "moderation.case.read"
    MODERATION_DECIDE = "moderation.decide"
    MODERATION_APPEAL_FILE = "moderation.appeal.file"
    MODERATION_APPEAL_DECIDE = "moderation.appeal.decide"
    MODERATION_EXPORT = "moderation.export"
    HASHES_MANAGE = "hashes.manage"
    HASHES_MATCHES_READ = "hashes.matches.read"
    TRIAGE_MODELS_MANAGE = "triage.models.manage"
    FLAGGERS_READ = "flaggers.read"
    FLAGGERS_MANAGE = "flaggers.manage"
    REGISTRY_READ = "registry.read"
    REGISTRY_MANAGE = "registry.manage"
    STAFF_MANAGE = "staff.manage"


_LEGAL = frozenset({Role.INTAKE, Role.LEGAL_REVIEWER, Role.APPROVER})
_REVIEW = frozenset({Role.LEGAL_REVIEWER, Role.APPROVER})
_MOD = frozenset({Role.MODERATOR})
_ADMIN = frozenset({Role.ADMIN})

# action -> (roles allowed, what it covers); the order is the order of the rendered table
MATRIX: dict[Action, tuple[frozenset[Role], str]] = {
    Action.LEGAL_QUEUE_READ: (_LEGAL, "see the legal request queue"),
    Action.LEGAL_REQUEST_READ: (_LEGAL, "read a legal request's staff view"),
    Action.LEGAL_REQUEST_APPROVE: (frozenset({Role.APPROVER}), "approve a legal request"),
    Action.LEGAL_REQUEST_REJECT: (_REVIEW, "reject a legal request"),
    Action.LEGAL_REQUEST_ASK: (_REVIEW, "ask the authority for information"),
    Action.LEGAL_CALLBACK_RECORD: (_LEGAL, "record an emergency call-back"),
    Action.LEGAL_NOTIFICATIONS_READ: (_REVIEW, "list users who may now be told"),
    Action.LEGAL_NOTICE_SEND: (_REVIEW, "send the issuing authority an Annex III notice"),
    Action.LEGAL_ENFORCING_ANSWER: (_REVIEW, "record a notified enforcing authority's answer"),
    Action.MODERATION_QUEUE_READ: (_MOD, "see the moderation queue"),
    Action.MODERATION_CASE_READ: (_MOD, "read a moderation case"),
    Action.MODERATION_DECIDE: (_MOD, "decide a case"),
    Action.MODERATION_APPEAL_FILE: (_MOD, "file an owner's appeal"),
    Action.MODERATION_APPEAL_DECIDE: (_MOD, "decide an appeal"),
    Action.MODERATION_EXPORT: (_MOD, "export statements of reasons"),
    Action.HASHES_MANAGE: (_MOD | _ADMIN, "import hash lists into banks of known media"),
    Action.HASHES_MATCHES_READ: (_MOD, "see a case's known-media matches (never the media)"),
    Action.TRIAGE_MODELS_MANAGE: (
        _ADMIN,
        "train triage candidates from decisions, promote and roll back triage models",
    ),
    Action.FLAGGERS_READ: (_MOD | _ADMIN, "see trusted flaggers and their accuracy"),
    Action.FLAGGERS_MANAGE: (_ADMIN, "register trusted flaggers, issue and revoke their keys"),
    Action.REGISTRY_READ: (_LEGAL | _ADMIN, "read the authority registry"),
    Action.REGISTRY_MANAGE: (_ADMIN, "register authorities, keys and contacts; revoke"),
    Action.STAFF_MANAGE: (_ADMIN, "add, list, disable and reset staff"),
}


class HasRoles(Protocol):
    @property
    def username(self) -> str: ...

    @property
    def roles(self) -> frozenset[str]: ...


def roles_for(action: Action) -> frozenset[Role]:
    return MATRIX[action][0]


def allowed(staff: HasRoles, action: Action) -> bool:
    return bool(staff.roles & {r.value for r in roles_for(action)})


def require(staff: HasRoles, action: Action) -> None:
    """Refuse (403 `role_required`) unless one of the staff member's roles may do `action`."""
    if not allowed(staff, action):
        wanted = " or ".join(sorted(r.value for r in roles_for(action)))
        raise Forbidden(
            f"{staff.username} may not {MATRIX[action][1]} (needs the role {wanted})",
            code="role_required",
            action=action.value,
        )


def render_markdown() -> str:
    """The matrix as the Markdown table in docs/roles.md."""
    roles = list(Role)
    lines = [
        "# Staff roles and what they may do",
        "",
        "Generated from `lawline.staff.permissions.MATRIX` by "
        "`lawline staff roles --markdown > docs/roles.md`; a test keeps it current.",
        "Every staff endpoint of the API, every page and every staff command of the CLI checks",
        "this one table (`require(staff, action)`).",
        "",
        "| action | what | " + " | ".join(r.value for r in roles) + " |",
        "| --- | --- | " + " | ".join("---" for _ in roles) + " |",
    ]
    for action, (allowed_roles, what) in MATRIX.items():
        marks = " | ".join("yes" if r in allowed_roles else "-" for r in roles)
        lines.append(f"| `{action.value}` | {what} | {marks} |")
    return "\n".join(lines) + "\n"
