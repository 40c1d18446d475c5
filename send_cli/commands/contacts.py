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
    channel: Annotated[str | None, typer.Option(
        "--channel", autocompletion=completion.channels,
        help="phone, voicemail, email, letter or meeting.")] = None,
    direction: Annotated[str | None, typer.Option(
        "--direction", autocompletion=completion.directions, help="in or out.")] = None,
    party: Annotated[str | None, typer.Option(
        "--party", autocompletion=completion.parties,
        help="parent, carer, young-person, school or professional.")] = None,
    summary: Annotated[str | None, typer.Option("--summary", help="What was said or asked.")
                       ] = None,
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
    withdraw: Annotated[int | None, typer.Option(
        "--withdraw", metavar="ID", min=1, max=2_147_483_647,
        help="Withdraw contact ID of this case, logged in error (with --reason).")] = None,
    correct: Annotated[int | None, typer.Option(
        "--correct", metavar="ID", min=1, max=2_147_483_647,
        help="Log this contact in place of contact ID, logged in error (with --reason).")
                       ] = None,
    reason: Annotated[str | None, typer.Option(
        "--reason", help="Why it is withdrawn or corrected (kept in the audit trail).")
                      ] = None,
) -> None:
    """Log a contact. An incoming email or letter is owed a reply within 5 working
    days; an incoming phone message or voicemail a call back the same working day
    (the next if it came at or after 15:00); a call answered live (--answered) a
    full answer within 5 working days, or nothing if given on the call
    (--resolved). An outgoing call, email or letter settles the follow-up named
    by --settles, else the oldest open follow-up of its kind owed to the same
    party (the family counted as one) and already owed at --at.

    A contact logged in error is withdrawn (--withdraw ID --reason TEXT) or
    logged again in its place (--correct ID --reason TEXT with the contact's
    options): it stays in 'case show', marked, and in the audit trail. The
    follow-up it settled is open again; the reply or call back it was owed is
    no longer owed (removed), or, on --correct, follows the contact logged in
    its place, done or not.

    Example: send-cli contact log EHC-2026-00001 --channel phone --direction out
    --party parent --summary "told them the panel's outcome" --settles 42
    Example: send-cli contact log EHC-2026-00001 --withdraw 17 --reason "wrong case"
    """
    from send_cli.casework import contacts
    from send_cli.errors import BadInput
    from send_cli.render import message
    from send_cli.rules.followups import CHANNELS, DIRECTIONS, PARTIES

    st = state(ctx)
    if withdraw is not None and correct is not None:
        raise BadInput("--withdraw and --correct cannot be used together")
    fixing = withdraw if withdraw is not None else correct
    if fixing is not None and not (reason or "").strip():
        raise BadInput(f"--{'withdraw' if withdraw is not None else 'correct'} needs "
                       "--reason TEXT")
    if reason is not None and fixing is None:
        raise BadInput("--reason goes with --withdraw ID or --correct ID")
    why = text(reason, what="--reason", max_len=500) if reason is not None else ""
    store = st.store()
    if withdraw is not None:
        given = [flag for flag, value in (("--channel", channel), ("--direction", direction),
                                          ("--party", party), ("--summary", summary),
                                          ("--at", at), ("--settles", settles))
                 if value is not None] + [flag for flag, on in (("--answered", answered),
                                                                ("--resolved", resolved)) if on]
        if given:
            raise BadInput(f"--withdraw takes no {', '.join(given)}; to log it again "
                           "with them, use --correct ID")
        from send_cli.casework import corrections

        with store.write() as session:
            gone = corrections.withdraw_contact(session=session, case_ref=ref,
                                                contact_id=withdraw, reason=why,
                                                actor=st.settings.officer, now=st.settings.now)
        message(f"{ref}: contact {withdraw} withdrawn")
        for line in gone.notes:
            message(line)
        return
    for flag, value in (("--channel", channel), ("--direction", direction),
                        ("--party", party), ("--summary", summary)):
        if value is None:
            raise BadInput(f"{flag} is needed" + (" (or --withdraw ID)" if fixing is None
                                                  else ""))
    assert channel is not None and direction is not None and party is not None
    choice(channel, CHANNELS, what="--channel")
    choice(direction, DIRECTIONS, what="--direction")
    choice(party, PARTIES, what="--party")
    contacts.check_answered(channel, direction, answered, resolved)
    summary = text(summary, what="--summary", max_len=4000)
    when = a_datetime(at, what="--at") or st.settings.now
    with store.write() as session:
        gone = None
        if correct is not None:
            from send_cli.casework import corrections

            gone = corrections.withdraw_contact(session=session, case_ref=ref,
                                                contact_id=correct, reason=why,
                                                actor=st.settings.officer, now=st.settings.now,
                                                correcting=True)
        done = contacts.log_contact(
            session=session, cal=store.calendar(), case_ref=ref, channel=channel,
            direction=direction, party=party, summary=summary, at=when,
            actor=st.settings.officer, now=st.settings.now, answered=answered,
            resolved=resolved, settles=settles,
            replaces=gone.kept if gone is not None else None)
        note = f"logged contact {done.contact.id} on {ref}"
        if correct is not None:
            note += f" in place of contact {correct} (withdrawn)"
        created, settled = done.created, done.settled
        if created is not None:
            note += f"; follow-up {created.id}: {contacts.due_text(created.kind, created.due)}"
            if created.done_at is not None:
                note += " (done)"
            if created.for_officer_id is not None:
                note += f" ({contacts.held_text(session, created)})"
        elif resolved:
            note += "; answered on the call, nothing owed"
        if settled is not None:
            note += f"; settled follow-up {settled.id} ({settled.kind})"
        notes = done.notes
        if gone is not None:
            notes = [n for n in gone.notes if not (settled is not None and n.startswith(
                f"follow-up {settled.id} "))] + notes
            if gone.kept is not None and created is None:
                notes.append(f"follow-up {gone.kept.id} ({gone.kept.kind}), which contact "
                             f"{correct} was owed, is no longer owed: removed")
    message(note)
    for line in notes:
        message(line)
