"""The FastAPI application factory."""

from __future__ import annotations

from fastapi import FastAPI
from pydantic import BaseModel
from sqlalchemy import text

from lawline import __version__
from lawline.api.audit import router as audit_router
from lawline.api.authority import router as authority_router
from lawline.api.caching import NoStoreMiddleware
from lawline.api.complaints import public as complaints_public
from lawline.api.complaints import staff as complaints_staff
from lawline.api.deps import RuntimeDep
from lawline.api.errors import install_error_handlers
from lawline.api.json_body import DuplicateKeyMiddleware
from lawline.api.keys import router as keys_router
from lawline.api.limits import BodyLimitMiddleware
from lawline.api.openapi import install_openapi
from lawline.api.reports import public as reports_public
from lawline.api.reports import staff as reports_staff
from lawline.api.staff import router as staff_router
from lawline.api.staff_members import router as staff_members_router
from lawline.api.transparency import router as transparency_router
from lawline.runtime import Runtime
from lawline.web import mount as mount_pages


class Health(BaseModel):
    status: str
    version: str
    database: str


def create_app(runtime: Runtime | None = None) -> FastAPI:
    app = FastAPI(
        title="lawline",
        version=__version__,
        description="Due process for a messaging platform's user data and public search.",
        docs_url=None,  # served from local assets by install_openapi
        redoc_url=None,
    )
    app.state.runtime = runtime or Runtime()
    install_error_handlers(app)
    install_openapi(app)
    # the last added runs first: bodies are bounded before one is held to look for repeated keys
    app.add_middleware(NoStoreMiddleware)
    app.add_middleware(DuplicateKeyMiddleware)
    app.add_middleware(BodyLimitMiddleware)

    @app.get("/healthz", tags=["operations"])
    def healthz(runtime: RuntimeDep) -> Health:
        with runtime.engine.connect() as connection:
            connection.execute(text("SELECT 1"))
        return Health(status="ok", version=__version__, database=runtime.engine.dialect.name)

    app.include_router(audit_router)
    app.include_router(authority_router)
    app.include_router(staff_router)
    app.include_router(staff_members_router)
    app.include_router(keys_router)
    app.include_router(reports_public)
    app.include_router(reports_staff)
    app.include_router(complaints_public)
    app.include_router(complaints_staff)
    app.include_router(transparency_router)
    mount_pages(app)
    settings = app.state.runtime.settings
    if settings.report_bot_token:
        from lawline.bots.report_bot import ReportBot
        from lawline.core.errors import ConfigurationError

        if not settings.report_bot_secret:
            raise ConfigurationError("LAWLINE_REPORT_BOT_TOKEN needs LAWLINE_REPORT_BOT_SECRET")
        bot = ReportBot(
            app.state.runtime,
            settings.report_bot_token,
            settings.report_bot_secret,
            settings.telegram_api_base,
        )
        app.state.report_bot = bot
        app.include_router(bot.api_router())
    if settings.transparency_bot_token:
        from lawline.bots.transparency_bot import TransparencyBot
        from lawline.core.errors import ConfigurationError

        if not settings.transparency_bot_secret:
            raise ConfigurationError(
                "LAWLINE_TRANSPARENCY_BOT_TOKEN needs LAWLINE_TRANSPARENCY_BOT_SECRET"
            )
        transparency_bot = TransparencyBot(
            app.state.runtime,
            settings.transparency_bot_token,
            settings.transparency_bot_secret,
            settings.telegram_api_base,
        )
        app.state.transparency_bot = transparency_bot
        app.include_router(transparency_bot.api_router())
    return app
