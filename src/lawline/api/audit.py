"""Public audit endpoints: the signed head and proofs anyone can check."""

from __future__ import annotations

from fastapi import APIRouter, Query

from lawline.api.deps import ReadSessionDep
from lawline.audit import service
from lawline.audit.schemas import ConsistencyProof, InclusionProof, SignedTreeHead
from lawline.core.errors import NotFound

router = APIRouter(prefix="/v1/audit", tags=["audit"])


@router.get("/head")
def get_head(session: ReadSessionDep) -> SignedTreeHead:
    head = service.latest_head(session)
    if head is None:
        raise NotFound("the log has no signed head yet", code="tree_head_not_found")
    return head


@router.get("/heads/{size}")
def get_head_for_size(size: int, session: ReadSessionDep) -> SignedTreeHead:
    return service.head_for_size(session, size)


@router.get("/proofs/inclusion")
def get_inclusion_proof(
    session: ReadSessionDep, seq: int = Query(ge=0), tree_size: int = Query(ge=1)
) -> InclusionProof:
    return service.inclusion_proof(session, seq, tree_size)


@router.get("/proofs/consistency")
def get_consistency_proof(
    session: ReadSessionDep, old_size: int = Query(ge=1), new_size: int = Query(ge=1)
) -> ConsistencyProof:
    return service.consistency_proof(session, old_size, new_size)
