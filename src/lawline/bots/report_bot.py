"""The report bot: /start, send a link, pick a category, add a comment (or skip), get a case
number and report id; `/status N` shows the outcome; `/complain REPORT_ID WHY` complains against
the decision (DSA Art. 20(1)), and the answer comes back in the chat. Webhook mode only:
`lawline serve` mounts it at `/v1/bots/report/webhook` when LAWLINE_REPORT_BOT_TOKEN is set, and
checks Telegram's `X-Telegram-Bot-Api-Secret-Token` header against LAWLINE_REPORT_BOT_SECRET.

The conversation is thin: every rule (targets, categories, rate limits, merging) is the report
service's, the same one `POST /v1/reports` uses. Reporters are pseudonymous: lawline files the
report under an HMAC of the Telegram user id. The id itself (the reporter's account on the
platform) is kept on the report only until the decision queues the outcome for the platform to
push to the reporter; then it is erased.

A complaint through the bot needs no receipt: the Telegram user that Telegram vouches for (the
webhook's secret header) is the proof that it filed the report, as a trusted flagger's key is.
So the bot never shows the report's one-time receipt: a secret that is never sent cannot leak
from a chat's history, and nothing for the bot to keep.
"""

from __future__ import annotations

import asyncio
import base64
import hashlib
import hmac
import re
import secrets

from aiogram import Bot, Dispatcher, F, Router
from aiogram.client.session.aiohttp import AiohttpSession
from aiogram.client.telegram import TelegramAPIServer
from aiogram.filters import Command, CommandObject, CommandStart
from aiogram.fsm.context import FSMContext
from aiogram.fsm.state import State, StatesGroup
from aiogram.fsm.storage.memory import MemoryStorage
from aiogram.types import CallbackQuery, InlineKeyboardButton, InlineKeyboardMarkup, Message
from fastapi import APIRouter, Header, Request
from fastapi.responses import JSONResponse

from lawline.bots.updates import parse_update
from lawline.core.db import transaction
from lawline.core.errors import LawlineError, Unauthorized
from lawline.core.fields import ID_PATTERN
from lawline.moderation.categories import CATEGORIES
from lawline.moderation.complaints import file_complaint
from lawline.moderation.queries import reporter_status
from lawline.moderation.reports import submit_report
from lawline.runtime import Runtime

GREETING = (
    "Hello. Send me a link to a public channel, group or post (t.me/...) that breaks "
    "the law or our rules, and I will pass it to our moderators."
)
ASK_CATEGORY = "What is wrong with it?"
ASK_COMMENT = "Anything to add? Write a short comment, or press Skip."
COMPLAIN_USAGE = (
    "Use /complain followed by your report id and why the decision is wrong, e.g. "
    "/complain rep_01abc The channel still sells drugs."
)


class Flow(StatesGroup):
    category = State()
    comment = State()


def category_keyboard() -> InlineKeyboardMarkup:
    buttons = [
        InlineKeyboardButton(text=c.label, callback_data=f"cat:{c.id}") for c in CATEGORIES.values()
    ]
    return InlineKeyboardMarkup(
        inline_keyboard=[buttons[i : i + 2] for i in range(0, len(buttons), 2)]
    )


SKIP = InlineKeyboardMarkup(
    inline_keyboard=[[InlineKeyboardButton(text="Skip", callback_data="skip")]]
)


def reporter_id(secret: str, telegram_user_id: int) -> str:
    """The reporter as the server knows it: a keyed hash of the Telegram user Telegram vouches
    for. Base32 (letters and 2-7), so no pseudonym can read as a phone number or an address."""
    digest = hmac.new(secret.encode(), str(telegram_user_id).encode(), hashlib.sha256).digest()
    return "tg-" + base64.b32encode(digest).decode().rstrip("=").lower()[:26]


def build_router(runtime: Runtime, secret: str) -> Router:
    router = Router(name="report-bot")

    @router.message(CommandStart())
    async def start(message: Message, state: FSMContext) -> None:
        await state.clear()
        await message.answer(GREETING)

    @router.message(Command("status"))
    async def status(message: Message, command: CommandObject) -> None:
        assert message.from_user is not None
        if not command.args or not re.fullmatch(r"[0-9]{1,9}", command.args.strip()):
            await message.answer("Use /status followed by your case number, e.g. /status 12.")
            return
        text = await asyncio.to_thread(
            _status_text,
            runtime,
            int(command.args.strip()),
            reporter_id(secret, message.from_user.id),
        )
        await message.answer(text)

    @router.message(Command("complain"))
    async def complain(message: Message, command: CommandObject, state: FSMContext) -> None:
        assert message.from_user is not None
        await state.clear()
        report_id, _, grounds = (command.args or "").strip().partition(" ")
        if not re.fullmatch(ID_PATTERN, report_id) or not grounds.strip():
            await message.answer(COMPLAIN_USAGE)
            return
        who = message.from_user.id
        try:
            complaint_id = await asyncio.to_thread(
                _complain, runtime, report_id, grounds, reporter_id(secret, who), str(who)
            )
        except LawlineError as exc:
            await message.answer(f"Sorry, I could not file this complaint: {exc.message}")
            return
        await message.answer(
            f"Your complaint is filed as {complaint_id}. A moderator other than the one who "
            "decided will answer it, and I will send you the answer here."
        )

    @router.message(Flow.comment, F.text)
    async def comment(message: Message, state: FSMContext) -> None:
        assert message.text is not None
        await _submit(message, state, message.text)

    @router.message(F.text.regexp(r"^\S*(?:t\.me|telegram\.me)/"))
    async def link(message: Message, state: FSMContext) -> None:
        await state.set_state(Flow.category)
        await state.update_data(target=(message.text or "").strip())
        await message.answer(ASK_CATEGORY, reply_markup=category_keyboard())

    @router.callback_query(Flow.category, F.data.startswith("cat:"))
    async def chosen(query: CallbackQuery, state: FSMContext) -> None:
        category = (query.data or "")[4:]
        await state.update_data(category=category)
        await state.set_state(Flow.comment)
        await query.answer()
        if isinstance(query.message, Message):
            await query.message.answer(ASK_COMMENT, reply_markup=SKIP)

    @router.callback_query(Flow.comment, F.data == "skip")
    async def skipped(query: CallbackQuery, state: FSMContext) -> None:
        await query.answer()
        if isinstance(query.message, Message):
            await _submit(query.message, state, "", user_id=query.from_user.id)

    @router.message()
    async def fallback(message: Message) -> None:
        await message.answer("Please send a t.me link to a public channel, group or post.")

    async def _submit(
        message: Message, state: FSMContext, text: str, user_id: int | None = None
    ) -> None:
        data = await state.get_data()
        await state.clear()
        who = user_id if user_id is not None else (message.from_user.id if message.from_user else 0)
        try:
            case_id, report_id = await asyncio.to_thread(
                _file,
                runtime,
                data.get("target", ""),
                data.get("category", "other"),
                text,
                reporter_id(secret, who),
                str(who) if who else None,
            )
        except LawlineError as exc:
            await message.answer(f"Sorry, I could not file this report: {exc.message}")
            return
        await message.answer(
            f"Thank you. Your report is filed as case {case_id}. "
            f"Send /status {case_id} to see what was decided.\n"
            f"Your report id is {report_id}: once it is decided, send /complain {report_id} "
            "and why, if you think the decision is wrong."
        )

    return router


def _file(
    runtime: Runtime,
    target: str,
    category: str,
    text: str,
    reporter: str,
    account: str | None,
) -> tuple[int, str]:
    with transaction(runtime.sessions) as session:
        submitted = submit_report(
            session,
            runtime.moderation,
            target=target,
            category=category,
            text=text,
            reporter_id=reporter,
            idempotency_key=None,
            via="bot",
            notify_account_id=account,
        )
        return submitted.case.id, submitted.report.id  # the receipt is not needed: see above


def _complain(runtime: Runtime, report_id: str, grounds: str, reporter: str, account: str) -> str:
    with transaction(runtime.sessions) as session:
        complaint = file_complaint(
            session,
            report_id,
            receipt=None,
            proven_reporter_id=reporter,
            grounds=grounds,
            clock=runtime.clock,
            notify_account_id=account,
        )
        return complaint.id


def _status_text(runtime: Runtime, case_id: int, reporter: str) -> str:
    with runtime.sessions() as session:
        return reporter_status(session, case_id, reporter)


class ReportBot:
    """The bot, its dispatcher, and the FastAPI route that feeds it Telegram's updates."""

    def __init__(
        self, runtime: Runtime, token: str, secret: str, api_base: str | None = None
    ) -> None:
        session = AiohttpSession(api=TelegramAPIServer.from_base(api_base)) if api_base else None
        self.bot = Bot(token=token, session=session) if session else Bot(token=token)
        self.dispatcher = Dispatcher(storage=MemoryStorage())
        self.dispatcher.include_router(build_router(runtime, secret))
        self.secret = secret

    def api_router(self) -> APIRouter:
        router = APIRouter(tags=["bots"])

        @router.post("/v1/bots/report/webhook", include_in_schema=True)
        async def webhook(
            request: Request, x_telegram_bot_api_secret_token: str | None = Header(default=None)
        ) -> JSONResponse:
            given = x_telegram_bot_api_secret_token or ""
            if not secrets.compare_digest(given.encode(), self.secret.encode()):
                raise Unauthorized("wrong webhook secret", code="webhook_secret_invalid")
            update = parse_update(await request.body(), self.bot)
            await self.dispatcher.feed_update(self.bot, update)
            return JSONResponse({"ok": True})

        return router
