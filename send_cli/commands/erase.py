"""send-cli case erase: remove a closed case's personal data after its
retention period."""

from __future__ import annotations

from typing import Annotated

import typer


def register(app: typer.Typer) -> None:
    app.command("erase")(case_erase)


def case_erase(
    ctx: typer.Context,
    ref: Annotated[str, typer.Argument(help="The case reference.")],
) -> None:
    """Erase a closed case's personal data once its retention period has passed
    (by default the 31st birthday, and at least 6 years after closing). The
    reference, dates and outcomes stay for the council's figures; the audit
    entry keeps no personal data.

    Example: send-cli case erase EHC-2019-00012
    """
    from send_cli.casework import erasure
    from send_cli.commands.common import state
    from send_cli.render import message

    st = state(ctx)
    store = st.store()
    with store.write() as session:
        done = erasure.erase_case(session=session, ref=ref, actor=st.settings.officer,
                                  now=st.settings.now)
    if not erasure.checkpoint(store):
        message("note: another send-cli was reading; the erased values leave the store's "
                "write-ahead log at its next checkpoint")
    message(f"erased the personal data of {ref}: {done.contacts} contacts, {done.followups} "
            f"follow-ups, {done.other_texts} other notes, {done.audit_entries} audit entries")
