"""Spreadsheet cells: the leading characters that make a spreadsheet run a cell
as a formula (OWASP's CSV injection list). Export guards them; import undoes it."""

FORMULA_LEADERS = ("=", "+", "-", "@", "\t", "\r", "\n", "\0")
