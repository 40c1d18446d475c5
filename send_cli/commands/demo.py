"""send-cli demo: a fresh demo store from sample_data/, and the main reports."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer


def register(root: typer.Typer) -> None:
    root.command("demo")(demo)


def demo(
    ctx: typer.Context,
    db: Annotated[Path, typer.Option("--db", help="Where to build the demo store (never "
                                     "your real one).", dir_okay=False)] = Path("send-demo.db"),
) -> None:
    """Build a fresh demo store from the sample data and print the main reports
    for the demo's reference date.

    Example: send-cli demo
    """
    import time

    from send_cli.casework import demo as demo_builder
    from send_cli.commands.common import state
    from send_cli.errors import BadInput
    from send_cli.render import console, message
    from send_cli.settings import default_db_path
    from send_cli.store.engine import to_url

    st = state(ctx)
    target = db.expanduser().resolve()
    real = {Path(default_db_path()).resolve()}
    if st.db:
        real_path = to_url(st.db)[1]
        if real_path is not None:
            real.add(real_path.resolve())
    if target in real:
        raise BadInput(f"--db '{db}' is your real store; the demo never overwrites it. "
                       "Pick another file, e.g. send-demo.db")
    # The sample lines are run by this very command line (the root group),
    # in this process: the builder is handed the runner, never the CLI.
    root = ctx.find_root().command

    def run(argv: list[str]) -> int:
        return int(root.main(args=argv, prog_name="send-cli", standalone_mode=False) or 0)

    started = time.monotonic()
    folder = demo_builder.sample_dir()
    steps, reference = demo_builder.build(target, run=run, folder=folder)
    message(f"built {target} from {steps} sample commands in "
            f"{time.monotonic() - started:.1f} s; reports for {reference}")
    con = console()
    for heading, argv in demo_builder.read_reports(folder):
        con.print()
        con.print(f"== {heading} ==  (send-cli --now {reference} {' '.join(argv)})",
                  style="bold")
        run(["--db", str(target), "--now", reference] + argv)
    con.print()
    con.print("Try next:", style="bold")
    for line in TRY_NEXT:
        con.print(f"  send-cli --db {db} --now {reference} {line}")
    con.print()
    con.print("Notes:", style="bold")
    for line in NOTES:
        con.print(f"  {line}")


TRY_NEXT = [
    "case list --officer CO1",
    "case show EHC-2026-00003",
    "followup list --officer CO1",
    "overdue --format csv -o overdue.csv",
    "calendar list --year 2026",
    "report sen2 --year 2027 -o sen2-2027.xml",
]

# What the demo's SEN2 checks show, and why (sample_data/50_sen2.txt).
NOTES = [
    "The SEN2 checks list four deliberate queries and no errors: a request from",
    "'other' (EHC-2026-00028), a placement recorded only as a type of setting",
    "(OTH, EHC-2026-00014), a child whose sex is not known (EHC-2026-00025) and a",
    "young person who is 25 on the census day (EHC-2026-00040). COLLECT asks for",
    "a note on each; errors would block the return. The demo council's LA code,",
    "999, is not a real council's.",
]
