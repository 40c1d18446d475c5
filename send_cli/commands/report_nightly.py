"""send-cli report nightly: the bundle of files the cron job writes."""

from __future__ import annotations

from typing import Annotated

import typer


def register(report_app: typer.Typer) -> None:
    report_app.command("nightly")(nightly)


def nightly(
    ctx: typer.Context,
    out_text: Annotated[str, typer.Option("--out", help="The folder to write into (created, "
                                      "readable by its owner only, if missing).",
                                      metavar="DIR")],
    within: Annotated[int, typer.Option("--within", help="deadlines.csv holds missed "
                                        "deadlines and those due within this many days.",
                                        min=0, max=3660)] = 30,
    verbose: Annotated[bool, typer.Option("--verbose", "-v", help="Say what was written "
                                          "(silent on success otherwise, for cron).")] = False,
) -> None:
    """Write overdue.csv, escalations.csv, deadlines.csv, forecast.csv, kpi.json,
    kpi.html (the managers' dashboard) and summary.txt into DIR for the cron job.
    Exit 4 when a follow-up is overdue, else 0.

    Each file appears whole or not at all (written aside, then renamed).
    Example: send-cli report nightly --out /var/lib/send-cli/nightly
    """
    from send_cli.commands.common import folder_path, state
    from send_cli.render import message
    from send_cli.render.nightly import prepare_folder, write_bundle
    from send_cli.reports.nightly import gather

    st = state(ctx)
    out = folder_path(out_text, what="--out")
    store = st.store()
    with store.read() as session:
        folder = prepare_folder(out)
        report = gather(session, cal=store.calendar(), today=st.settings.today,
                        now=st.settings.now, within=within)
        bundle = write_bundle(report, folder=folder)
    if verbose:
        message(f"wrote {', '.join(bundle.files)} to {bundle.folder}: "
                f"{bundle.overdue} overdue, {bundle.escalations} escalations, "
                f"{bundle.deadlines_missed} deadline"
                f"{'' if bundle.deadlines_missed == 1 else 's'} missed, "
                f"{bundle.deadlines_due} due within {within} days")
    if bundle.overdue:
        raise typer.Exit(4)
