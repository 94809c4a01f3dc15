"""The names of the counted figures: the vocabulary the domains write and transparency reads.

Plain constants importing nothing, so the read-only transparency package can name them.
Legal figures are scoped by the issuing authority's country; moderation figures by `*`.
"""

from __future__ import annotations

PLATFORM = "*"
"""The scope of platform-wide figures, and of every median's all-countries rows."""

# legal requests: keys are `type/instrument`, or a reason code, or empty
RECEIVED = "requests.received"
FULFILLED = "requests.fulfilled"
FULFILLED_FULLY = "requests.fulfilled_fully"
ACCOUNTS_AFFECTED = "requests.accounts_affected"
WITH_DATA = "requests.with_data"
REJECTED = "requests.rejected"
HOLDS_PLACED = "preservations.holds_placed"
EMERGENCIES_ANSWERED = "emergencies.answered"
LEGAL = (
    RECEIVED,
    FULFILLED,
    FULFILLED_FULLY,
    ACCOUNTS_AFFECTED,
    WITH_DATA,
    REJECTED,
    HOLDS_PLACED,
    EMERGENCIES_ANSWERED,
)

# moderation: keys are a category, an action or a ground, or empty
REPORTS = "reports.received"
REPORTS_TRUSTED = "reports.trusted"
REPORTS_AUTOMATED = "reports.automated"
DECISIONS = "decisions.by_action"
DECISIONS_BY_GROUND = "decisions.by_ground"
CHANNELS_DELISTED = "decisions.channels_delisted"
AUTOMATED_DETECTION = "decisions.automated_detection"
APPEALS_RECEIVED = "appeals.received"
APPEALS_DECIDED = "appeals.decided"
APPEALS_REVERSED = "appeals.reversed"
MODERATION = (
    REPORTS,
    REPORTS_TRUSTED,
    REPORTS_AUTOMATED,
    DECISIONS,
    DECISIONS_BY_GROUND,
    CHANNELS_DELISTED,
    AUTOMATED_DETECTION,
    APPEALS_RECEIVED,
    APPEALS_DECIDED,
    APPEALS_REVERSED,
)

# the EU templates' own cuts (Implementing Regulation (EU) 2024/2835): orders by the offense
# (its type of illegal content), notices (reports) acted on by the decision's ground (key: the
# ground, or empty); a notice's decision is the case's decision not superseded
RECEIVED_BY_OFFENSE = "requests.received_by_offense"
NOTICES_ACTED_ON = "notices.acted_on"
EU = (RECEIVED_BY_OFFENSE, NOTICES_ACTED_ON)

# medians (lawline.tally.models.Duration)
EMERGENCY_TIME_TO_ANSWER = "emergencies.seconds_to_answer"
TIME_TO_DECISION = "decisions.seconds_from_first_report"
TIME_TO_DISCLOSE = "requests.seconds_to_disclose"  # received to disclosed, per country
NOTICE_TIME_TO_ACTION = "notices.seconds_to_decision"  # a report to its case's decision
