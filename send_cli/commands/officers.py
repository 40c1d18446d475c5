"""send-cli officer: the casework team."""

from __future__ import annotations

from typing import Annotated

import typer

from send_cli.commands import completion
from send_cli.commands.common import FormatOpt, OutputOpt, check_format, choice, state, text
from send_cli.errors import BadInput

app = typer.Typer(help="The casework team: add officers, list them, cover an absence, move "
                  "work when one leaves.",
                  no_args_is_help=True)

OFFICER_COLUMNS = ("code", "name", "email", "team", "role", "active", "login", "admin",
                   "away_from", "away_to", "cover")

LoginOpt = Annotated[str | None, typer.Option(
    "--login", metavar="LOGIN", help="The officer's login: the operating-system user (a "
    "SQLite team store) or PostgreSQL role they run send-cli as.")]


@app.command("add")
def officer_add(
    ctx: typer.Context,
    code: Annotated[str, typer.Argument(help="A short code, e.g. AO1 or jsmith.")],
    name: Annotated[str, typer.Option("--name", help="Full name.")],
    email: Annotated[str, typer.Option("--email", help="Work email.")],
    team: Annotated[str, typer.Option("--team", autocompletion=completion.teams,
                                      help="assessment, early-years-primary, "
                                      "secondary-post16, tribunals or business-support.")],
    role: Annotated[str, typer.Option("--role", autocompletion=completion.roles,
                                      help="assessment-officer, casework-officer, "
                                      "business-support, senior-casework-officer or "
                                      "lead-casework-officer.")],
    login: LoginOpt = None,
    admin: Annotated[bool, typer.Option("--admin", help="May manage officers, settings, "
                                        "erasure and restores of a team store.")] = False,
) -> None:
    """Add an officer.

    Example: send-cli officer add AO1 --name "Priya Shah" --email priya.shah@council.gov.uk
    --team assessment --role assessment-officer
    """
    from send_cli.casework import fields, officers
    from send_cli.render import message
    from send_cli.rules.people import ROLES, TEAMS
    from send_cli.settings import parse_officer_code

    st = state(ctx)
    parse_officer_code(code)
    choice(team, TEAMS, what="--team")
    choice(role, ROLES, what="--role")
    name = text(name, what="--name", max_len=fields.NAME_MAX)
    email = text(email, what="--email", max_len=fields.EMAIL_MAX)
    if login is not None:
        from send_cli.store.identity import check_login

        check_login(login)
    with st.store().write() as session:
        officers.add_officer(session=session, code=code, name=name, email=email,
                             team=team, role=role, login=login, admin=admin,
                             actor=st.settings.officer, now=st.settings.now)
    message(f"added officer {code}")


@app.command("set")
def officer_set(
    ctx: typer.Context,
    code: Annotated[str, typer.Argument(help="The officer to change.")],
    login: LoginOpt = None,
    admin: Annotated[bool | None, typer.Option("--admin/--no-admin", help="Whether the "
                                               "officer may manage the team store.")] = None,
) -> None:
    """Give an officer a login, or make them an admin or not (admins only).

    Example: send-cli officer set CO1 --login tbaker
    """
    from send_cli.casework import officers
    from send_cli.render import message

    st = state(ctx)
    if login is None and admin is None:
        raise BadInput("give --login LOGIN, --admin or --no-admin")
    if login is not None:
        from send_cli.store.identity import check_login

        check_login(login)
    with st.store().write() as session:
        changed = officers.set_officer(session=session, code=code, login=login, admin=admin,
                                       actor=st.settings.officer, now=st.settings.now)
    message(f"officer {code}: " + (", ".join(f"{k} {v}" for k, v in changed.items())
                                   or "nothing to change"))


@app.command("list")
def officer_list(ctx: typer.Context, fmt: FormatOpt = None, output: OutputOpt = None) -> None:
    """List officers, those who left included (active = false), with any
    absence recorded (away_from, away_to) and the officer covering it.

    Example: send-cli officer list --format json
    """
    from send_cli.casework import officers
    from send_cli.render import emit

    st = state(ctx)
    fmt = check_format(fmt, output)
    with st.store().read() as session:
        rows = officers.officer_rows(session, st.settings.today)
    emit(rows, OFFICER_COLUMNS, fmt=fmt, output=output, title="Officers", limit=None)


@app.command("leave")
def officer_leave(
    ctx: typer.Context,
    code: Annotated[str, typer.Argument(help="The officer who is leaving.")],
    to: Annotated[str, typer.Option("--to", help="The officer who takes over.")],
) -> None:
    """An officer leaves: every open case, open follow-up and panel referral
    still to be presented moves to another, whose role can hold casework
    (not business support).

    The leaver is kept, inactive, for the history; the audit trail records
    what moved, case by case.
    Example: send-cli officer leave AO1 --to AO2
    """
    from send_cli.casework import officers
    from send_cli.render import message

    st = state(ctx)
    with st.store().write() as session:
        moved = officers.officer_leaves(session=session, code=code, to=to,
                                        actor=st.settings.officer, now=st.settings.now)
    message(f"{code} has left: {moved.cases} open cases, {moved.followups} open follow-ups "
            f"and {moved.referrals} panel referrals moved to {to}")


@app.command("away")
def officer_away(
    ctx: typer.Context,
    code: Annotated[str, typer.Argument(help="The officer who will be away.")],
    start: Annotated[str, typer.Option("--from", help="First day away, YYYY-MM-DD.",
                                       metavar="DATE")],
    end: Annotated[str, typer.Option("--to", help="Last day away, YYYY-MM-DD.",
                                     metavar="DATE")],
    cover: Annotated[str, typer.Option("--cover", help="The casework or assessment officer "
                                       "who covers.", metavar="CODE")],
) -> None:
    """Record an absence and who covers it (the charter's out-of-office
    redirect to an alternative contact).

    While the officer is away, what is promised on their cases (call backs,
    replies, outcome calls) is owed by the cover, and their own follow-ups that
    fall due by the last day appear in the cover's lists with 'for' naming
    them. The escalation ladder starts at the cover. Afterwards new promises
    are theirs again; what the cover promised stays with the cover.
    Example: send-cli officer away CO1 --from 2026-12-21 --to 2027-01-01 --cover CO2
    """
    from send_cli.casework import officers
    from send_cli.render import message
    from send_cli.settings import parse_date

    st = state(ctx)
    first = parse_date(start, what="--from")
    last = parse_date(end, what="--to")
    with st.store().write() as session:
        officers.officer_away(session=session, code=code, start=first, end=last,
                              cover=cover, actor=st.settings.officer, now=st.settings.now)
    message(f"{code} is away from {first:%a %d %b %Y} to {last:%a %d %b %Y}; {cover} covers")


@app.command("back")
def officer_back(
    ctx: typer.Context,
    code: Annotated[str, typer.Argument(help="The officer who is back.")],
) -> None:
    """End an absence today (or call off one not yet begun).

    New promises on the officer's cases are theirs again, and so are their own
    follow-ups; those the cover promised while they were away stay with the
    cover.
    Example: send-cli officer back CO1
    """
    from send_cli.casework import officers
    from send_cli.render import message

    st = state(ctx)
    with st.store().write() as session:
        cover, kept = officers.officer_back(session=session, code=code,
                                            actor=st.settings.officer, now=st.settings.now)
    note = f"{code} is back"
    if kept:
        note += (f"; {kept} open follow-up{'' if kept == 1 else 's'} promised while away "
                 f"stay{'s' if kept == 1 else ''} with {cover}")
    message(note)
