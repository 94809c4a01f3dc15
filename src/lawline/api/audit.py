"""Public audit endpoints: the signed head and proofs anyone can check."""

from __future__ import annotations

from fastapi import APIRouter

from lawline.api.deps import ReadSessionDep
from lawline.api.openapi import errors
from lawline.api.params import SeqQuery, TreeSizePath, TreeSizeQuery
from lawline.audit import service
from lawline.audit.schemas import ConsistencyProof, InclusionProof, SignedTreeHead
from lawline.core.errors import NotFound

router = APIRouter(prefix="/v1/audit", tags=["audit"])


@router.get("/head", responses=errors(404))
def get_head(session: ReadSessionDep) -> SignedTreeHead:
    head = service.latest_head(session)
    if head is None:
        raise NotFound("the log has no signed head yet", code="tree_head_not_found")
    return head


@router.get("/heads/{size}")
def get_head_for_size(size: TreeSizePath, session: ReadSessionDep) -> SignedTreeHead:
    return service.head_for_size(session, size)


@router.get("/proofs/inclusion")
def get_inclusion_proof(
    session: ReadSessionDep, seq: SeqQuery, tree_size: TreeSizeQuery
) -> InclusionProof:
    return service.inclusion_proof(session, seq, tree_size)


@router.get("/proofs/consistency")
def get_consistency_proof(
    session: ReadSessionDep, old_size: TreeSizeQuery, new_size: TreeSizeQuery
) -> ConsistencyProof:
    return service.consistency_proof(session, old_size, new_size)
