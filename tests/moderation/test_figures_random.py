"""Random moderation workflows (reports, decisions, owners' appeals, notifiers' complaints that
supersede a decision, re-decisions, time passing over a quarter's edge): the counters and
durations each change writes, the report's figures and the EU templates' alike, equal the
recount from the views after every sequence, on SQLite and PostgreSQL."""

from __future__ import annotations

import contextlib
from datetime import timedelta
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from lawline.core.errors import LawlineError
from lawline.moderation import appeals, complaints, decisions
from lawline.moderation.flaggers import register_trusted_flagger
from lawline.moderation.reports import submit_report
from lawline.staff.service import Staff
from lawline.transparency import eu_templates
from lawline.transparency.check import check
from lawline.transparency.quarters import Quarter
from tests.moderation.conftest import World

# a failing example prints the world fixture: let that long repr through, so the assertion shows
pytestmark = pytest.mark.filterwarnings("ignore:Generating overly large repr")
THEMES = ("scam", "drugs", "weapons")


def _by_either(world: World, act: Any) -> None:
    """A decision made anew must come from another moderator than a superseded one's, and an
    appeal or complaint from another than the decision's: try one, then the other."""
    moderators: tuple[Staff, ...] = (world.mo, world.max)
    for i, staff in enumerate(moderators):
        try:
            with world.session.begin_nested():
                act(staff)
            return
        except LawlineError:
            if i == len(moderators) - 1:
                raise


def _step(world: World, flagger: Any, state: dict[str, Any], step: tuple[Any, int, Any]) -> None:
    kind, i, flag = step
    if kind == "wait":
        world.clock.advance(timedelta(hours=i))
        return
    theme = THEMES[i]
    target = f"t.me/{world.channel_named(theme)}"
    if kind == "report":
        with world.session.begin_nested():
            submitted = submit_report(
                world.session,
                world.ctx,
                target=target,
                category=theme,
                text="",
                reporter_id=flagger.reporter_id if flag else f"user-{len(state)}",
                idempotency_key=None,
                via="api",
            )
        state[f"case:{i}"] = submitted.case.id
        if flag:
            state[f"flagged:{i}"] = submitted.report.id
        return
    case_id = state.get(f"case:{i}")
    if case_id is None:
        return
    if kind == "decide":

        def decide(staff: Staff) -> None:
            state[f"decision:{i}"] = decisions.decide(
                world.session,
                world.ctx,
                case_id,
                staff=staff,
                action=flag,
                category=theme,
                facts="Described in the case notes, without quotes.",
            ).id

        _by_either(world, decide)
        return
    decision_id = state.get(f"decision:{i}")
    if decision_id is None:
        return
    if kind == "complain" and f"flagged:{i}" in state:
        with world.session.begin_nested():
            complaint = complaints.file_complaint(
                world.session,
                state[f"flagged:{i}"],
                receipt=None,
                proven_reporter_id=flagger.reporter_id,
                grounds="The decision overlooks what the notice showed.",
                clock=world.clock,
            )

        def decide_complaint(staff: Staff) -> None:
            complaints.decide_complaint(
                world.session,
                world.ctx,
                complaint.id,
                staff=staff,
                upheld=flag,
                answer="Reviewed by a second moderator; see the case.",
            )

        _by_either(world, decide_complaint)
    elif kind == "appeal":
        owner = world.platform.channel_owner(world.platform.channels_by_theme()[theme][0])
        assert owner is not None
        with world.session.begin_nested():
            appeal = appeals.file_appeal(
                world.session,
                decision_id,
                staff=world.mo,
                appellant_account_id=owner.id,
                grounds="The channel does not do what it is said to.",
                clock=world.clock,
            )

        def decide_appeal(staff: Staff) -> None:
            appeals.decide_appeal(
                world.session,
                world.ctx,
                appeal.id,
                staff=staff,
                reverse=flag,
                answer="Reviewed by a second moderator; see the case.",
            )

        _by_either(world, decide_appeal)


STORIES = st.lists(
    st.tuples(
        st.integers(0, 2),  # the target's theme
        st.sampled_from([("report",), ("report", "flag"), ("flag", "wait", "report")]),
        st.sampled_from(["no_action", "delist"]),  # the decision
        st.sampled_from([None, False, True]),  # a notifier's complaint: none, rejected, upheld
        st.sampled_from(["no_action", "delist"]),  # the new decision after an upheld one
        st.sampled_from([None, False, True]),  # the owner's appeal: none, kept, reversal
        st.sampled_from([1, 30, 700]),  # hours between the steps (700: over a quarter's edge)
    ),
    min_size=1,
    max_size=4,
)


def _story(world: World, flagger: Any, story: tuple[Any, ...]) -> None:
    i, reports, action, complaint, again, appeal, hours = story
    state: dict[str, Any] = {}
    steps: list[tuple[Any, int, Any]] = []
    for r in reports:
        steps.append(("wait", hours, False) if r == "wait" else ("report", i, r == "flag"))
    steps += [("wait", hours, False), ("decide", i, action), ("wait", hours, False)]
    if complaint is not None:
        steps.append(("complain", i, complaint))
        if complaint:
            steps += [("wait", hours, False), ("decide", i, again)]
    if appeal is not None:
        steps += [("wait", hours, False), ("appeal", i, appeal)]
    for step in steps:
        # a refused step (an appeal against no action...) is rolled back to its savepoint
        with contextlib.suppress(LawlineError):
            _step(world, flagger, state, step)


@settings(
    max_examples=12,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(stories=STORIES)
def test_counters_equal_the_recount_on_random_moderation_workflows(
    world: World, stories: list[tuple[Any, ...]]
) -> None:
    flagger = world.session.info.get("flagger")
    if flagger is None:
        flagger = register_trusted_flagger(
            world.session, name="INHOPE hotline", actor="staff:admin", clock=world.clock
        )
        world.session.info["flagger"] = flagger
    start = Quarter.of(world.clock.now())
    for story in stories:
        _story(world, flagger, story)
    quarter = start
    while quarter.start <= world.clock.now():
        assert check(world.session, quarter) == []
        assert eu_templates.counted(world.session, quarter) == eu_templates.recounted(
            world.session, quarter
        )
        quarter = quarter.next()
