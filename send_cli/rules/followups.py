"""What a contact owes the family and by when, and what settles it
(the casework charter)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from send_cli.rules.calendar import Calendar

CHANNELS = ("phone", "voicemail", "email", "letter", "meeting")
DIRECTIONS = ("in", "out")
PARTIES = ("parent", "carer", "young-person", "school", "professional")
FAMILY = ("parent", "carer", "young-person")

KINDS = ("callback", "reply", "outcome-call", "outcome-email", "escalation-reply",
         "revisit", "papers", "discussion")

REPLY_WORKING_DAYS = 5  # "responded to within 5 working days"
# After a refusal to assess or to issue a plan the family is offered a call
# or a meeting to talk the decision through (disagreement resolution, the
# first step before mediation and appeal), within 5 working days of the
# decision letter, as any answer the charter promises.
DISCUSSION_KIND = "discussion"
DISCUSSION_WORKING_DAYS = 5
# Owed to a panel, not to a person: no contact settles them.
NOT_SETTLED_BY_CONTACT = ("papers", "revisit")


@dataclass(frozen=True)
class Promise:
    kind: str
    rule: str  # how the due date is worked out, for people


# An incoming message owes this; outgoing contacts owe nothing.
OWED_BY_INCOMING = {
    "phone": Promise("callback", "same working day; next working day if at or after 15:00"),
    "voicemail": Promise("callback", "same working day; next working day if at or after 15:00"),
    "email": Promise("reply", "within 5 working days"),
    "letter": Promise("reply", "within 5 working days"),
}

# A phone call answered live (the charter: "A member of the SEND Admin team
# will answer calls immediately during working hours") is owed no call back:
# the caller "can expect a full and accurate response ... from named officer
# or their senior within 5 working days", unless it was given on the call.
ANSWERED_CALL = Promise("reply", "a full answer within 5 working days of the call")

# An outgoing contact settles the oldest open follow-up of these kinds that
# is owed to the same party. A voicemail left is an attempt, not a call back,
# so it settles nothing; a letter answers a letter or an email; a call or a
# meeting held is the disagreement discussion offered after a refusal.
SETTLED_BY_OUTGOING = {
    "phone": ("callback", "outcome-call", "discussion"),
    "email": ("reply", "outcome-email"),
    "letter": ("reply",),
    "meeting": ("discussion",),
}

# Who a follow-up is owed to (the casework charter owes the reply to whoever wrote or
# rang): a call back or a reply to the party of the incoming contact, the
# family counted as one; these kinds, made by a panel decision or a
# family's escalation, to the family. Papers and revisits are owed to the
# panel: no contact settles them.
OWED_TO_FAMILY = ("outcome-call", "outcome-email", "escalation-reply", "discussion")
PARTY_GROUPS = {"parent": "family", "carer": "family", "young-person": "family",
                "school": "school", "professional": "professional"}


def owed(channel: str, at: datetime, cal: Calendar, *, answered: bool = False,
         resolved: bool = False) -> tuple[str, date] | None:
    """(kind, due date) that an incoming contact on CHANNEL at AT is owed.
    A phone call ANSWERED live owes a reply on the fifth working day after
    it, or nothing when RESOLVED (answered on the call)."""
    if answered:
        if resolved:
            return None
        return ANSWERED_CALL.kind, cal.add_working_days(at.date(), REPLY_WORKING_DAYS)
    promise = OWED_BY_INCOMING.get(channel)
    if promise is None:
        return None
    if promise.kind == "callback":
        return promise.kind, cal.callback_due(at)
    return promise.kind, cal.add_working_days(at.date(), REPLY_WORKING_DAYS)


def party_group(party: str) -> str:
    """'family' for a parent, carer or young person; else the party itself."""
    return PARTY_GROUPS.get(party, party)


def same_party(party: str) -> tuple[str, ...]:
    """The parties counted as PARTY when a follow-up is settled."""
    group = party_group(party)
    return tuple(p for p in PARTIES if party_group(p) == group)


def settles(channel: str, direction: str) -> tuple[str, ...]:
    """The follow-up kinds an outgoing contact on CHANNEL can settle (the
    oldest one owed to its party, and owed at its moment)."""
    if direction != "out":
        return ()
    return SETTLED_BY_OUTGOING.get(channel, ())


def owed_to(kind: str, contact_party: str | None) -> str | None:
    """Who a follow-up of KIND is owed to: the party group of the incoming
    contact that made it; else the family for the kinds owed to the family
    (and for a call back or reply with no contact, from an older store);
    None for what no contact settles (papers, revisits)."""
    if contact_party is not None:
        return party_group(contact_party)
    if kind in OWED_TO_FAMILY or kind in ("callback", "reply"):
        return "family"
    return None


def discussion_due(letter_sent: date, cal: Calendar) -> date:
    """When the disagreement discussion (a call or a meeting offered) is owed
    after a refusal whose decision letter went on LETTER_SENT."""
    return cal.add_working_days(letter_sent, DISCUSSION_WORKING_DAYS)


# -- absence and cover (the charter: an out-of-office reply "redirecting you
# to an alternative contact") ---------------------------------------------
def away_on(day: date, away_from: date | None, away_to: date | None) -> bool:
    """DAY falls in the absence AWAY_FROM..AWAY_TO (both days included)."""
    return away_from is not None and away_to is not None and away_from <= day <= away_to


def cover_holds(due: date, today: date, away_from: date | None,
                away_to: date | None) -> bool:
    """Whether the cover holds, on TODAY, an open follow-up of the away
    officer due on DUE: while the absence lasts, everything of theirs that
    falls due by its last day (one already late included: it is owed while
    they are away). Once they are back it is theirs again."""
    return away_on(today, away_from, away_to) and away_to is not None and due <= away_to
