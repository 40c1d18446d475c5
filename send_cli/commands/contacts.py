"""send-cli contact: calls, voicemails, emails, letters and meetings."""

from __future__ import annotations

from typing import Annotated

import typer

from send_cli.commands import completion
from send_cli.commands.common import a_datetime, choice, state, text

app = typer.Typer(help="Log contacts with families and professionals; incoming messages "
                  "create the follow-ups they are owed.", no_args_is_help=True)


@app.command("log")
def contact_log(
    ctx: typer.Context,
    ref: Annotated[str, typer.Argument(help="The case reference.")],
    channel: Annotated[str, typer.Option("--channel", autocompletion=completion.channels,
                                         help="phone, voicemail, email, letter or meeting.")],
    direction: Annotated[str, typer.Option("--direction", autocompletion=completion.directions,
                                           help="in or out.")],
    party: Annotated[str, typer.Option("--party", autocompletion=completion.parties,
                                       help="parent, carer, young-person, school "
                                       "or professional.")],
    summary: Annotated[str, typer.Option("--summary", help="What was said or asked.")],
    at: Annotated[str | None, typer.Option("--at", help="When, YYYY-MM-DDTHH:MM "
                                           "(default: now).")] = None,
    settles: Annotated[int | None, typer.Option(
        "--settles", metavar="ID", min=1, max=2_147_483_647,
        help="The open follow-up of this case that this contact settles (default: the "
             "oldest owed of its kind).")] = None,
    answered: Annotated[bool, typer.Option(
        "--answered", help="A phone call that came in and was answered live: no call "
                           "back; a full answer is owed within 5 working days.")] = False,
    resolved: Annotated[bool, typer.Option(
        "--resolved", help="With --answered: the answer was given on the call; nothing "
                           "is owed.")] = False,
) -> None:
    """Log a contact. An incoming email or letter is owed a reply within 5 working
    days; an incoming phone message or voicemail a call back the same working day
    (the next if it came at or after 15:00); a call answered live (--answered) a
    full answer within 5 working days, or nothing if given on the call
    (--resolved). An outgoing call, email or letter settles the follow-up named
    by --settles, else the oldest open follow-up of its kind owed to the same
    party (the family counted as one) and already owed at --at.

    Example: send-cli contact log EHC-2026-00001 --channel phone --direction out
    --party parent --summary "told them the panel's outcome" --settles 42
    """
    from send_cli.casework import contacts
    from send_cli.render import message
    from send_cli.rules.followups import CHANNELS, DIRECTIONS, PARTIES

    st = state(ctx)
    choice(channel, CHANNELS, what="--channel")
    choice(direction, DIRECTIONS, what="--direction")
    choice(party, PARTIES, what="--party")
    contacts.check_answered(channel, direction, answered, resolved)
    summary = text(summary, what="--summary", max_len=4000)
    when = a_datetime(at, what="--at") or st.settings.now
    store = st.store()
    with store.write() as session:
        done = contacts.log_contact(
            session=session, cal=store.calendar(), case_ref=ref, channel=channel,
            direction=direction, party=party, summary=summary, at=when,
            actor=st.settings.officer, now=st.settings.now, answered=answered,
            resolved=resolved, settles=settles)
        note = f"logged contact {done.contact.id} on {ref}"
        created, settled = done.created, done.settled
        if created is not None:
            note += f"; follow-up {created.id}: {contacts.due_text(created.kind, created.due)}"
            if created.for_officer_id is not None:
                note += f" ({contacts.held_text(session, created)})"
        elif resolved:
            note += "; answered on the call, nothing owed"
        if settled is not None:
            note += f"; settled follow-up {settled.id} ({settled.kind})"
        notes = done.notes
    message(note)
    for line in notes:
        message(line)
