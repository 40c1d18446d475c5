"""Teams, roles, and ages."""

from __future__ import annotations

from datetime import date

TEAMS = ("assessment", "early-years-primary", "secondary-post16", "tribunals",
         "business-support")
# In escalation order (the casework charter): the family's named officer, then business
# support, then the senior and the lead casework officer.
ROLES = ("assessment-officer", "casework-officer", "business-support",
         "senior-casework-officer", "lead-casework-officer")
# Who may hold a family's casework (be a case's named officer, take over a
# leaver's cases): every role but business support, which the charter puts on
# the ladder to answer the phone and direct enquiries, not to own a case.
CASEWORK_ROLES = ("assessment-officer", "casework-officer", "senior-casework-officer",
                  "lead-casework-officer")
# Who may cover an absent officer (the charter's out-of-office "redirecting
# you to an alternative contact"): a casework or assessment officer, the
# ladder's first step.
COVER_ROLES = ("assessment-officer", "casework-officer")
# who made the request, in the SEN2 return's sources (DfE SEN2 guide)
REQUESTED_BY = ("parent", "young-person", "setting", "health", "social-care", "other")
# the words used before the SEN2 sources, still taken (scripts, old files)
REQUESTED_BY_OLD = {"school": "setting", "professional": "other"}
MAX_AGE = 25  # a plan can last to 25; a request for someone 25 or over is refused


def birthday(dob: date, years: int) -> date:
    """The day someone born on DOB turns YEARS. A 29 February birthday falls on
    1 March in a common year (Family Law Reform Act 1969 s9: the age is
    attained at the start of the anniversary; England has no 29 February then)."""
    try:
        return dob.replace(year=dob.year + years)
    except ValueError:
        return date(dob.year + years, 3, 1)


def age_on(dob: date, day: date) -> int:
    """Whole years of age on DAY."""
    years = day.year - dob.year
    return years if birthday(dob, years) <= day else years - 1
