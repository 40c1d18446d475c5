"""What a contact owes the family and by when, and what settles it
(seed 001, the casework charter)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from send_cli.workdays import Calendar

CHANNELS = ("phone", "voicemail", "email", "letter", "meeting")
DIRECTIONS = ("in", "out")
PARTIES = ("parent", "carer", "young-person", "school", "professional")
FAMILY = ("parent", "carer", "young-person")

KINDS = ("callback", "reply", "outcome-call", "outcome-email", "escalation-reply",
         "revisit", "papers")

REPLY_WORKING_DAYS = 5  # "responded to within 5 working days"


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

# An outgoing contact to the family settles the oldest open follow-up of
# these kinds. A voicemail left for the family is an attempt, not a call
# back, so it settles nothing; a letter answers a letter or an email.
SETTLED_BY_OUTGOING = {
    "phone": ("callback", "outcome-call"),
    "email": ("reply", "outcome-email"),
    "letter": ("reply",),
}


def owed(channel: str, at: datetime, cal: Calendar) -> tuple[str, date] | None:
    """(kind, due date) that an incoming contact on CHANNEL at AT is owed."""
    promise = OWED_BY_INCOMING.get(channel)
    if promise is None:
        return None
    if promise.kind == "callback":
        return promise.kind, cal.callback_due(at)
    return promise.kind, cal.add_working_days(at.date(), REPLY_WORKING_DAYS)


def settles(channel: str, direction: str, party: str) -> tuple[str, ...]:
    """The follow-up kinds an outgoing contact settles (oldest first)."""
    if direction != "out" or party not in FAMILY:
        return ()
    return SETTLED_BY_OUTGOING.get(channel, ())
