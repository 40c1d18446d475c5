"""The statuses a case moves through; every status but the last (closed) is
open."""

CASE_STATUSES = ("requested", "assessing", "drafting", "plan-in-force", "refused", "ceased",
                 "closed")
OPEN_STATUSES = CASE_STATUSES[:-1]
