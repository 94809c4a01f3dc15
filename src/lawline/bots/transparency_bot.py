"""The transparency bot: `/start`, pick a country (type its name or code, or share your contact
and the country comes from the number's calling code), get the latest quarter's figures for it;
`/quarter 2024-Q4` for another quarter. Every answer links the signed, verifiable JSON.

Webhook mode, like the report bot: mounted at `/v1/bots/transparency/webhook` when
LAWLINE_TRANSPARENCY_BOT_TOKEN is set, checked against LAWLINE_TRANSPARENCY_BOT_SECRET. A shared
phone number is parsed in memory for its country and dropped: it is never stored, logged or
echoed; the conversation keeps only the two-letter country code.
"""

from __future__ import annotations

import asyncio
import secrets

import phonenumbers
import pycountry
from aiogram import Bot, Dispatcher, F, Router
from aiogram.client.session.aiohttp import AiohttpSession
from aiogram.client.telegram import TelegramAPIServer
from aiogram.filters import Command, CommandObject, CommandStart
from aiogram.fsm.context import FSMContext
from aiogram.fsm.storage.memory import MemoryStorage
from aiogram.types import (
    CallbackQuery,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    KeyboardButton,
    Message,
    ReplyKeyboardMarkup,
    ReplyKeyboardRemove,
)
from fastapi import APIRouter, Header, Request
from fastapi.responses import JSONResponse

from lawline.bots.updates import parse_update
from lawline.core.errors import LawlineError, Unauthorized
from lawline.runtime import Runtime
from lawline.transparency import service

GREETING = (
    "Hello. I tell you how often authorities asked this platform for its users' data, and how "
    "often it answered. Which country? Type its name or code (e.g. Netherlands or NL), or share "
    "your contact and I take the country from your number's calling code (I do not keep it)."
)
SHARE = ReplyKeyboardMarkup(
    keyboard=[[KeyboardButton(text="Use my phone's country", request_contact=True)]],
    resize_keyboard=True,
    one_time_keyboard=True,
)


def find_countries(text: str) -> list[str]:
    """Two-letter codes matching a code, a name or part of one (at most five)."""
    text = text.strip()
    if len(text) == 2 and pycountry.countries.get(alpha_2=text.upper()) is not None:
        return [text.upper()]
    try:
        found = pycountry.countries.search_fuzzy(text)
    except LookupError:
        return []
    return [c.alpha_2 for c in found[:5]]


def country_of_number(number: str) -> str | None:
    """The region of a phone number's calling code (+31 -> NL), or None; nothing is kept."""
    try:
        parsed = phonenumbers.parse(number if number.startswith("+") else "+" + number)
    except phonenumbers.NumberParseException:
        return None
    region = phonenumbers.region_code_for_number(parsed)
    return region if region and region != "ZZ" else None


def name_of(code: str) -> str:
    found = pycountry.countries.get(alpha_2=code)
    return str(getattr(found, "common_name", None) or found.name) if found else code


def figures_text(runtime: Runtime, base_url: str, code: str | None, quarter: str | None) -> str:
    with runtime.read_sessions() as session:
        period, legal = service.legal_summary(session, quarter, code, runtime.clock.now())
    received, fulfilled = legal["received"], legal["fulfilled"]
    where = name_of(code) if code else "all countries"
    link = f"{base_url.rstrip('/')}/v1/transparency/{period}" + (f"?country={code}" if code else "")
    return (
        f"{where}, {period}: {received['total']} requests received "
        f"({received['by_type'].get('emergency', 0)} emergencies, "
        f"{received['by_type'].get('preservation', 0)} preservations); "
        f"{fulfilled['total']} fulfilled ({fulfilled['fully']} fully, {fulfilled['partly']} "
        f"partly), {fulfilled['accounts_affected']} accounts affected; "
        f"{legal['rejected']['total']} rejected.\n"
        f"Signed report, verifiable against the public ledger: {link}"
    )


def build_router(runtime: Runtime) -> Router:
    router = Router(name="transparency-bot")

    async def answer_for(
        message: Message, base_url: str, code: str | None, quarter: str | None
    ) -> None:
        try:
            text = await asyncio.to_thread(figures_text, runtime, base_url, code, quarter)
        except LawlineError as exc:
            await message.answer(f"Sorry: {exc.message}.")
            return
        await message.answer(text, reply_markup=ReplyKeyboardRemove())

    @router.message(CommandStart())
    async def start(message: Message, state: FSMContext) -> None:
        await state.clear()
        await message.answer(GREETING, reply_markup=SHARE)

    @router.message(Command("quarter"))
    async def quarter(
        message: Message, command: CommandObject, state: FSMContext, base_url: str
    ) -> None:
        if not command.args:
            await message.answer("Use /quarter followed by a quarter, e.g. /quarter 2024-Q4.")
            return
        code = (await state.get_data()).get("country")
        await answer_for(message, base_url, code, command.args.strip())

    @router.message(F.contact)
    async def contact(message: Message, state: FSMContext, base_url: str) -> None:
        assert message.contact is not None
        code = country_of_number(message.contact.phone_number)
        if code is None:
            await message.answer("I could not tell the country from that number. Type its name.")
            return
        await state.update_data(country=code)
        await answer_for(message, base_url, code, None)

    @router.callback_query(F.data.startswith("country:"))
    async def picked(query: CallbackQuery, state: FSMContext, base_url: str) -> None:
        code = (query.data or "")[8:]
        await query.answer()
        if isinstance(query.message, Message) and code in find_countries(code):
            await state.update_data(country=code)
            await answer_for(query.message, base_url, code, None)

    @router.message(F.text)
    async def typed(message: Message, state: FSMContext, base_url: str) -> None:
        codes = find_countries(message.text or "")
        if not codes:
            await message.answer("I know no country by that name. Try its two-letter code.")
        elif len(codes) == 1:
            await state.update_data(country=codes[0])
            await answer_for(message, base_url, codes[0], None)
        else:
            buttons = [
                [InlineKeyboardButton(text=name_of(c), callback_data=f"country:{c}")] for c in codes
            ]
            await message.answer(
                "Which one?", reply_markup=InlineKeyboardMarkup(inline_keyboard=buttons)
            )

    return router


class TransparencyBot:
    """The bot, its dispatcher, and the webhook route feeding it Telegram's updates."""

    def __init__(
        self, runtime: Runtime, token: str, secret: str, api_base: str | None = None
    ) -> None:
        session = AiohttpSession(api=TelegramAPIServer.from_base(api_base)) if api_base else None
        self.bot = Bot(token=token, session=session) if session else Bot(token=token)
        self.dispatcher = Dispatcher(storage=MemoryStorage())
        self.dispatcher.include_router(build_router(runtime))
        self.secret = secret
        self.public_url = runtime.settings.public_url

    def api_router(self) -> APIRouter:
        router = APIRouter(tags=["bots"])

        @router.post("/v1/bots/transparency/webhook", include_in_schema=True)
        async def webhook(
            request: Request, x_telegram_bot_api_secret_token: str | None = Header(default=None)
        ) -> JSONResponse:
            given = x_telegram_bot_api_secret_token or ""
            if not secrets.compare_digest(given.encode(), self.secret.encode()):
                raise Unauthorized("wrong webhook secret", code="webhook_secret_invalid")
            update = parse_update(await request.body(), self.bot)
            await self.dispatcher.feed_update(
                self.bot,
                update,
                base_url=self.public_url or str(request.base_url),
            )
            return JSONResponse({"ok": True})

        return router
