"""The global options' values: the London wall clock, including the hours
the clocks skip and repeat."""

from __future__ import annotations

import pytest

from send_cli.errors import BadInput
from send_cli.settings import parse_datetime


def test_the_hour_the_clocks_skip_is_refused(cli):
    # Sunday 28 March 2027: 01:00 GMT becomes 02:00 BST
    assert parse_datetime("2027-03-28T00:59").utcoffset().total_seconds() == 0
    assert parse_datetime("2027-03-28T02:00").utcoffset().total_seconds() == 3600
    with pytest.raises(BadInput, match="does not exist in London"):
        parse_datetime("2027-03-28T01:30")
    line = cli.fails(2, "--now", "2027-03-28T01:30", "officer", "list")
    assert line.startswith("error: --now '2027-03-28T01:30' does not exist in London")


def test_the_hour_that_happens_twice_is_the_first():
    # Sunday 25 October 2026: 02:00 BST becomes 01:00 GMT; 01:30 is BST
    assert parse_datetime("2026-10-25T01:30").utcoffset().total_seconds() == 3600
