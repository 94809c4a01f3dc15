"""Users report what they find in public search; triage ranks the queue; a moderator decides
each case with a statement of reasons; delisted channels vanish from search; bans record the
violations that later make accounts eligible for disclosure."""

from __future__ import annotations

import random
from pathlib import Path
from typing import Any

from fastapi import FastAPI
from fastapi.testclient import TestClient
from rich.table import Table
from sqlalchemy import select
from sqlalchemy.orm import Session

from lawline.api.errors import install_error_handlers
from lawline.bots.local_api import LocalBotApi
from lawline.bots.report_bot import ReportBot
from lawline.core.clock import Clock
from lawline.core.db import transaction
from lawline.demo import DemoContext
from lawline.hashes.models import HashBank
from lawline.hashes.service import import_hashes
from lawline.hashes.signals import pdq_hex
from lawline.moderation import decisions, queries
from lawline.moderation.categories import CATEGORIES
from lawline.moderation.complaints import decide_complaint, file_complaint
from lawline.moderation.flaggers import register_trusted_flagger
from lawline.moderation.models import Report, Violation
from lawline.moderation.reports import submit_report
from lawline.outbox.service import counts
from lawline.platform import images
from lawline.runtime import Runtime
from lawline.search import service as search
from lawline.worker import worker_for

THEME_CATEGORY = {
    "drugs": "drugs",
    "weapons": "weapons",
    "scam": "scam",
    "doxxing": "doxxing",
    "extremism": "terrorism",
}
ACTION_FOR = {
    "drugs": "ban",
    "weapons": "ban",
    "scam": "delist",
    "doxxing": "remove",
    "terrorism": "remove",
    "csam": "ban",
}
# accounts reported for what they post in groups: the Dutch story's suspects
ACCOUNT_REPORTS = [("csam", 6), ("weapons", 7), ("drugs", 7)]


def _import_demo_bank(session: Session, data_dir: Path, actor: str, clock: Clock) -> HashBank:
    """The demo's bank of known media: PDQ hashes of the originals of the synthetic images the
    extremist demo channels re-post (edited). A real bank comes from a hash-sharing programme."""
    path = data_dir / "demo-hash-bank.csv"
    rows = [f"pdq,{pdq_hex(images.known_image(i))[0]}" for i in range(len(images.KNOWN_SEEDS))]
    path.write_text("signal_type,signal_value\n" + "\n".join(rows) + "\n")
    return import_hashes(
        session,
        path,
        bank_name="demo-known-terror",
        category="terrorism",
        pdq_threshold=None,
        categories=list(CATEGORIES),
        actor=actor,
        clock=clock,
    ).bank


def chapter_moderation(ctx: DemoContext) -> None:
    runtime, console = ctx.runtime, ctx.console
    rng = random.Random(7)  # noqa: S311 - a reproducible story, not a secret
    mo = ctx.staff("mo", ["moderator"])
    with transaction(runtime.sessions) as session:
        indexed = search.reindex(session, ctx.platform, runtime.clock)
        assert ctx.admin is not None
        flagger = register_trusted_flagger(
            session, name="Offlimits (NL hotline)", actor=ctx.admin.actor, clock=runtime.clock
        )
        bank = _import_demo_bank(session, runtime.settings.data_dir, mo.actor, runtime.clock)
    console.print(
        f"  hash bank {bank.name}: PDQ hashes of {len(images.KNOWN_SEEDS)} known (synthetic) "
        f"images, category {bank.category}; reported channels' images are matched against it"
    )
    themes = ctx.platform.channels_by_theme()
    probe = ctx.platform.channel(themes["drugs"][0])
    assert probe is not None
    word = probe.title.split()[-1] if probe.title.split()[-1].isalpha() else probe.title.split()[0]
    with runtime.sessions() as session:
        before = [h.name for h in search.search(session, word, 50)]
    reports = 0
    first_account = int(ctx.platform.meta()["first_account_id"])
    accounts = int(ctx.platform.meta()["accounts"])
    through_bot: list[tuple[str, str]] = []  # sent after this transaction: the bot has its own
    receipts: dict[str, tuple[str, str]] = {}  # report id -> (reporter, its one-time receipt)
    with transaction(runtime.sessions) as session:

        def file(target: str, category: str, reporter: str, via: str = "api") -> None:
            nonlocal reports
            if via == "bot":
                through_bot.append((target, category))
                return
            submitted = submit_report(
                session,
                runtime.moderation,
                target=target,
                category=category,
                text="",
                reporter_id=reporter,
                idempotency_key=None,
                via=via,
            )
            assert submitted.receipt is not None
            receipts[submitted.report.id] = (reporter, submitted.receipt)
            reports += 1

        for theme, category in THEME_CATEGORY.items():
            for channel_id in themes.get(theme, []):
                channel = ctx.platform.channel(channel_id)
                assert channel is not None
                for n in range(rng.randint(2, 5)):
                    file(
                        f"https://t.me/{channel.name}",
                        category,
                        f"user-{rng.randrange(10**6):06d}",
                        "bot" if n % 2 else "api",
                    )
        doxxing = ctx.platform.channel(themes["doxxing"][0])
        assert doxxing is not None
        file(f"t.me/{doxxing.name}", "doxxing", flagger.reporter_id)
        for position, (category, count) in enumerate(ACCOUNT_REPORTS):
            for i in range(count):
                account = str(first_account + accounts // 3 + 8 * position + i)
                for _ in range(2):
                    file(account, category, f"user-{rng.randrange(10**6):06d}")
        for channel_id in themes["cooking"][:2] + themes["news"][:1]:
            channel = ctx.platform.channel(channel_id)
            assert channel is not None
            file(f"t.me/{channel.name}", "terrorism", "user-troll01")
    bot_path = _BotPath(runtime)
    bot_users = [str(first_account + 11 * i + 5) for i in range(len(through_bot))]
    for (target, category), user in zip(through_bot, bot_users, strict=True):
        bot_path.report(target, category, int(user))
        reports += 1
    bot_path.close()
    table = Table("case", "target", "reports", "suggested", "decision", title="Moderation queue")
    violators: dict[str, list[str]] = {}
    harmless_cases: list[int] = []
    with transaction(runtime.sessions) as session:
        for item in queries.queue(session, runtime.clock, limit=500):
            case = item.case
            reported = max(case.categories, key=lambda k: case.categories[k])
            harmless = case.triage_category == "none" and reported == "terrorism"
            action = "no_action" if harmless else ACTION_FOR.get(reported, "delist")
            if case.target_kind == "account":
                action = "ban"
            if harmless:
                harmless_cases.append(case.id)
            decision = decisions.decide(
                session,
                runtime.moderation,
                case.id,
                staff=mo,
                action=action,
                category=reported,
                facts=(
                    "The reported channel is an ordinary cooking or news channel."
                    if harmless
                    else f"Review of the reported content confirmed {reported} offered publicly."
                ),
                manifestly_unfounded=harmless,
            )
            suggestion = (
                f"{case.triage_category} {case.triage_score:.2f}"
                if case.triage_model
                else "(no public text)"
            )
            table.add_row(
                str(case.id),
                case.target_key,
                str(case.reports),
                suggestion,
                action + ("" if decision.followed_suggestion in (None, True) else " (overrode)"),
            )
        for violation in session.execute(select(Violation)).scalars():
            violators.setdefault(violation.category, []).append(violation.account_id)
    with runtime.sessions() as session:
        after = [h.name for h in search.search(session, word, 50)]
        queued = counts(session)["pending"]
    listed_before_worker = ctx.platform.channel(probe.id).listed  # type: ignore[union-attr]
    worker = worker_for(runtime)
    applied = worker.run_once()
    with runtime.sessions() as session:
        left = counts(session)
    owner_notices = ctx.platform.notices(probe.owner_id)
    told = sum(bool(ctx.platform.notices(user)) for user in bot_users)
    ctx.violators = violators
    console.print(
        f"[bold]2b. Reports and moderation[/]: {indexed} channels in search; {reports} "
        "reports (API and bot, one by a trusted flagger, three by a troll) merged into "
        "cases, triaged, and decided"
    )
    console.print(table)
    console.print(
        f"   {bot_path.filed} of the reports came through the report bot's webhook as Telegram "
        f"updates (link, category, skip); it answered each with its case number, e.g. "
        f"{bot_path.last_reply!r}"
    )
    console.print(
        f"   search for {word!r}: t.me/{probe.name} found before the decision: "
        f"{probe.name in before}; after: {probe.name in after}"
    )
    console.print(
        f"   the decisions committed {queued} intents (platform actions, statements of reasons, "
        f"outcomes for bot reporters); t.me/{probe.name} was still listed on the platform until "
        f"the worker ran: {listed_before_worker}. The worker applied {applied} "
        f"({left['done']} done, {left['pending'] + left['failing']} left); listed now: "
        f"{ctx.platform.channel(probe.id).listed}"  # type: ignore[union-attr]
    )
    if owner_notices:
        console.print(
            f"   the owner of t.me/{probe.name} was told through the platform: "
            f"{owner_notices[0][1][:150]}…",
            soft_wrap=True,
            highlight=False,
        )
    console.print(
        f"   {told} of {len(bot_users)} bot reporters were sent the outcome by the platform"
    )
    console.print(
        "   violations recorded by bans and removals: "
        + ", ".join(f"{k} {len(v)}" for k, v in sorted(violators.items()))
    )
    _complaint(ctx, harmless_cases[0], receipts)


def _complaint(ctx: DemoContext, case_id: int, receipts: dict[str, tuple[str, str]]) -> None:
    """The troll complains against the no-action decision on one of the channels it reported
    (DSA Art. 20), proving with its receipt that it filed the report; a second moderator (not
    the one who decided) rejects the complaint and the answer is recorded for the complainant."""
    runtime, console = ctx.runtime, ctx.console
    second = ctx.staff("noor", ["moderator"])
    with transaction(runtime.sessions) as session:
        report = session.scalars(
            select(Report).where(Report.case_id == case_id).order_by(Report.created_at)
        ).first()
        assert report is not None
        reporter, receipt = receipts[report.id]
        complaint = file_complaint(
            session,
            report.id,
            receipt=receipt,
            proven_reporter_id=None,
            grounds="This channel glorifies terrorism and must be taken down, not left up.",
            clock=runtime.clock,
        )
        filed = complaint.id
        decided = decide_complaint(
            session,
            runtime.moderation,
            filed,
            staff=second,
            upheld=False,
            answer="A second moderator reviewed the channel: it posts recipes and cooking "
            "videos, nothing that glorifies terrorism. The decision stands.",
        )
        status = decided.status
    console.print(
        f"   {reporter} complained against the no-action decision on case {case_id} "
        f"(complaint {filed}, proven with the report's receipt); {second.actor}, not the "
        f"moderator who decided, answered: {status}"
    )


class _BotPath:
    """Users of the report bot: real Telegram updates into the real webhook, with the bot's
    answers going to a loopback stand-in for the Bot API."""

    def __init__(self, runtime: Runtime) -> None:
        self.api = LocalBotApi()
        self.bot = ReportBot(
            runtime,
            "123456789:DEMOtokenFORtheLAWLINEreportBOT000",
            "demo-webhook-secret",
            api_base=self.api.base,
        )
        app = FastAPI()
        install_error_handlers(app)
        app.include_router(self.bot.api_router())
        self.http = TestClient(app)
        self.http.__enter__()
        self.update_id = 0
        self.filed = 0
        self.last_reply = ""

    def _send(self, user: int, payload: dict[str, Any]) -> None:
        self.update_id += 1
        response = self.http.post(
            "/v1/bots/report/webhook",
            json={"update_id": self.update_id, **payload},
            headers={"X-Telegram-Bot-Api-Secret-Token": "demo-webhook-secret"},
        )
        response.raise_for_status()

    def report(self, target: str, category: str, user_id: int) -> None:
        user = {"id": user_id, "is_bot": False, "first_name": "User"}
        chat = {"id": user["id"], "type": "private"}
        self._send(
            0,
            {
                "message": {
                    "message_id": self.update_id,
                    "date": 1763630000,
                    "chat": chat,
                    "from": user,
                    "text": target,
                }
            },
        )
        for data in (f"cat:{category}", "skip"):
            self._send(
                0,
                {
                    "callback_query": {
                        "id": f"cb{self.update_id}",
                        "from": user,
                        "chat_instance": "demo",
                        "data": data,
                        "message": {
                            "message_id": 1,
                            "date": 1763630000,
                            "chat": chat,
                            "text": "...",
                        },
                    }
                },
            )
        self.last_reply = self.api.messages()[-1]["text"]
        self.filed += self.last_reply.startswith("Thank you")

    def close(self) -> None:
        self.http.portal.call(self.bot.bot.session.close)  # type: ignore[union-attr]
        self.http.__exit__(None, None, None)
        self.api.stop()
