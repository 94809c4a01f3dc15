"""The platform's public keys, for anyone verifying its signatures."""

from __future__ import annotations

import base64

from fastapi import APIRouter
from pydantic import BaseModel

from lawline.api.deps import RuntimeDep

router = APIRouter(prefix="/v1/keys", tags=["keys"])


class PlatformKey(BaseModel):
    key_id: str
    algorithm: str
    public_key: str  # base64 of the raw 32-byte Ed25519 key


@router.get("/platform")
def platform_key(runtime: RuntimeDep) -> PlatformKey:
    key = runtime.signing_key
    return PlatformKey(
        key_id=key.key_id,
        algorithm="ed25519",
        public_key=base64.b64encode(key.public_bytes).decode(),
    )
