"""Where one signed authority submission's time goes: pyinstrument over `POST
/v1/authority/requests`.

Two profiles on a fresh SQLite database (the demo platform and the registered authority with
its violators of `make bench`), every request a new order signed beforehand (signing is the
client's cost, not lawline's):
1. the endpoint's work in this thread, so every frame shows: the body parsed into `RequestIn`,
   the signature verified (its own transaction, remembering the signature against replay), then
   the one write transaction of intake (checks, storage, audit, counters) and the answer's model;
2. the same requests through the ASGI app (routing, middleware, the dependency, the body, the
   answer's serialisation) on an event loop in this thread, one after another (httpx's ASGI
   transport, no sockets): the loop's work shows frame by frame; the two worker-thread parts
   (verification, intake) only as the loop waiting for them.

    python -m bench.profile_submit [REQUESTS]     # default 500, after 50 to warm up
"""

from __future__ import annotations

import asyncio
import json
import sys
from datetime import UTC, datetime

from bench.profiling import WARM_UP, profile, profile_async, profile_runtime, profile_settings

PUBLIC_URL = "http://testserver"  # the TestClient's, so the ASGI profile verifies too


def main() -> None:
    import httpx2

    from bench.signed import document, register_authority_with_violators

    requests = int(sys.argv[1]) if len(sys.argv) > 1 else 500
    settings = profile_settings("profile-submit", LAWLINE_PUBLIC_URL=PUBLIC_URL)
    authority = register_authority_with_violators(settings)
    runtime = profile_runtime()
    from lawline.api.app import create_app
    from lawline.api.authority import request_out
    from lawline.authorities.service import get_authority
    from lawline.authorities.signatures import SignedMessage, verify_request
    from lawline.client import AuthorityClient
    from lawline.core.db import transaction
    from lawline.legal.intake import submit_request
    from lawline.legal.schemas import RequestIn

    signer = AuthorityClient(PUBLIC_URL, authority.key_id, authority.private_key)
    http = httpx2.Client()
    today = datetime.now(UTC).date()

    def signed(title: str) -> list[tuple[bytes, dict[str, str]]]:
        """WARM_UP + `requests` orders signed now, each for another violator."""
        out = []
        for n in range(WARM_UP + requests):
            target = authority.violators[n % len(authority.violators)]
            body = json.dumps(document(target, f"PROFILE-{title}-{n}", today)).encode()
            request = http.build_request(
                "POST",
                f"{PUBLIC_URL}/v1/authority/requests",
                content=body,
                headers={"content-type": "application/json"},
            )
            signer.sign(request)
            out.append((body, dict(request.headers)))
        return out

    service_requests = signed("service")

    def service(n: int) -> None:
        body, headers = service_requests[n % len(service_requests)]
        payload = RequestIn.model_validate_json(body)
        caller = verify_request(
            runtime.sessions,
            SignedMessage("POST", f"{PUBLIC_URL}/v1/authority/requests", list(headers.items())),
            body,
            runtime.clock,
        )
        with transaction(runtime.sessions) as session:
            request = submit_request(
                session,
                runtime.legal,
                authority=get_authority(session, caller.authority_id),
                payload=payload,
                entered_by=f"authority:{caller.authority_id}",
            )
            request_out(session, request, runtime, just_submitted=True)
        assert request.status == "in_review", request.reasons

    profile("the endpoint's work, in this thread", service, requests, "submissions")

    http_requests = signed("http")
    app = create_app(runtime)

    async def through_app() -> None:
        transport = httpx2.ASGITransport(app=app)
        async with httpx2.AsyncClient(transport=transport, base_url=PUBLIC_URL) as client:

            async def one(n: int) -> None:
                body, headers = http_requests[n % len(http_requests)]
                response = await client.post(
                    "/v1/authority/requests", content=body, headers=headers
                )
                assert response.status_code == 201, response.text

            await profile_async(
                "POST /v1/authority/requests through the ASGI app, its event loop in this thread",
                one,
                requests,
                "submissions",
            )

    asyncio.run(through_app())
    http.close()


if __name__ == "__main__":
    main()
