"""Users report what they find in public search; triage ranks the queue; a moderator decides
each case with a statement of reasons; delisted channels vanish from search; bans record the
violations that later make accounts eligible for disclosure."""

from __future__ import annotations

import random

from rich.table import Table
from sqlalchemy import select

from lawline.core.db import transaction
from lawline.demo import DemoContext
from lawline.moderation import decisions
from lawline.moderation.models import Violation
from lawline.moderation.reports import register_trusted_flagger, submit_report
from lawline.moderation.triage import default_model
from lawline.search import service as search
from lawline.staff.service import create_staff, get_staff

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


def chapter_moderation(ctx: DemoContext) -> None:
    runtime, console = ctx.runtime, ctx.console
    rng = random.Random(7)  # noqa: S311 - a reproducible story, not a secret
    triage = default_model()
    with transaction(runtime.sessions) as session:
        indexed = search.reindex(session, ctx.platform, runtime.clock)
        create_staff(
            session,
            username="mo",
            display_name="Mo",
            roles=["moderator"],
            password="demo-password-not-for-production",  # noqa: S106 - demo staff only
            actor="staff:demo-admin",
        )
        flagger = register_trusted_flagger(
            session,
            name="Offlimits (NL hotline)",
            reporter_id="tf-offlimits",
            actor="staff:demo-admin",
            clock=runtime.clock,
        )
    themes = ctx.platform.channels_by_theme()
    probe = ctx.platform.channel(themes["drugs"][0])
    assert probe is not None
    word = probe.title.split()[-1] if probe.title.split()[-1].isalpha() else probe.title.split()[0]
    with runtime.sessions() as session:
        before = [h.name for h in search.search(session, word, 50)]
    reports = 0
    first_account = int(ctx.platform.meta()["first_account_id"])
    with transaction(runtime.sessions) as session:

        def file(target: str, category: str, reporter: str, via: str = "api") -> None:
            nonlocal reports
            submit_report(
                session,
                ctx.platform,
                triage,
                target=target,
                category=category,
                text="",
                reporter_id=reporter,
                idempotency_key=None,
                via=via,
                settings=runtime.settings,
                clock=runtime.clock,
            )
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
                account = str(first_account + 500 + 40 * position + i)
                for _ in range(2):
                    file(account, category, f"user-{rng.randrange(10**6):06d}")
        for channel_id in themes["cooking"][:2] + themes["news"][:1]:
            channel = ctx.platform.channel(channel_id)
            assert channel is not None
            file(f"t.me/{channel.name}", "terrorism", "user-troll01")
    table = Table("case", "target", "reports", "suggested", "decision", title="Moderation queue")
    violators: dict[str, list[str]] = {}
    with transaction(runtime.sessions) as session:
        mo = get_staff(session, "mo")
        for item in decisions.queue(session, runtime.clock, limit=500):
            case = item.case
            reported = max(case.categories, key=lambda k: case.categories[k])
            harmless = case.triage_category == "none" and reported == "terrorism"
            action = "no_action" if harmless else ACTION_FOR.get(reported, "delist")
            if case.target_kind == "account":
                action = "ban"
            decision = decisions.decide(
                session,
                ctx.platform,
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
                settings=runtime.settings,
                clock=runtime.clock,
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
    ctx.violators = violators
    console.print(
        f"[bold]2b. Reports and moderation[/]: {indexed} channels in search; {reports} "
        "reports (API and bot, one by a trusted flagger, three by a troll) merged into "
        "cases, triaged, and decided"
    )
    console.print(table)
    console.print(
        f"   search for {word!r}: t.me/{probe.name} found before the decision: "
        f"{probe.name in before}; after: {probe.name in after}"
    )
    console.print(
        "   violations recorded by bans and removals: "
        + ", ".join(f"{k} {len(v)}" for k, v in sorted(violators.items()))
    )
