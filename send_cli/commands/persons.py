"""send-cli case edit|need|placement: the child's details, the request's, and
what the plan records for the SEN2 return."""

from __future__ import annotations

from typing import Annotated

import typer

from send_cli.commands.common import a_date, state


def register(case_app: typer.Typer) -> None:
    case_app.command("edit")(case_edit)
    case_app.command("need")(case_need)
    case_app.command("placement")(case_placement)


Opt = typer.Option


def case_edit(
    ctx: typer.Context,
    ref: Annotated[str, typer.Argument(help="The case reference.")],
    forename: Annotated[str | None, Opt("--forename", help="Forename(s).")] = None,
    surname: Annotated[str | None, Opt("--surname", help="Surname.")] = None,
    name: Annotated[str | None, Opt("--name", help="Full name, split at its last space into "
                                    "forename and surname.")] = None,
    dob: Annotated[str | None, Opt("--dob", help="Date of birth, YYYY-MM-DD.")] = None,
    sex: Annotated[str | None, Opt("--sex", help="M, F or U (not known).")] = None,
    ethnicity: Annotated[str | None, Opt("--ethnicity", help="CBDS code, e.g. WBRI; NOBT "
                                         "when not yet obtained, REFU if refused.")] = None,
    postcode: Annotated[str | None, Opt("--postcode", help="Home postcode.")] = None,
    upn: Annotated[str | None, Opt("--upn", help="Unique Pupil Number (13 characters, check "
                                   "letter first).")] = None,
    uln: Annotated[str | None, Opt("--uln", help="Unique Learner Number (10 digits).")] = None,
    upn_unknown: Annotated[str | None, Opt("--upn-unknown", help="UN1-UN10: why there is no "
                                           "UPN or ULN (the DfE's SEN2 guide).")] = None,
    requested_by: Annotated[str | None, Opt(
        "--requested-by", help="parent, young-person, setting, health, social-care or "
        "other.")] = None,
    transferred_from: Annotated[str | None, Opt(
        "--transferred-from", help="LA code of the council the plan came from.")] = None,
    setting: Annotated[str | None, Opt("--setting", help="School or setting (text).")] = None,
) -> None:
    """Correct the details of a case's child or young person, or of the
    request. Give '' to clear an optional value. Audited; the child's
    details change on every request that is theirs.

    Example: send-cli case edit EHC-2026-00001 --sex F --ethnicity WBRI --upn-unknown UN1
    """
    from send_cli.casework import cases
    from send_cli.render import message

    st = state(ctx)
    given = {"forename": forename, "surname": surname, "name": name, "dob": dob, "sex": sex,
             "ethnicity": ethnicity, "postcode": postcode, "upn": upn, "uln": uln,
             "upn_unknown": upn_unknown, "requested_by": requested_by,
             "transferred_from": transferred_from, "setting": setting}
    changes = {k: v for k, v in given.items() if v is not None}
    with st.store().write() as session:
        changed = cases.edit_case(session=session, ref=ref, changes=changes,
                                    actor=st.settings.officer, now=st.settings.now)
    message(f"{ref}: changed {', '.join(k.replace('_', '-') for k in changed)}")


def case_need(
    ctx: typer.Context,
    ref: Annotated[str, typer.Argument(help="The case reference.")],
    primary: Annotated[str, Opt("--primary", help="The main SEN need: SPLD, MLD, SLD, PMLD, "
                                "SEMH, SLCN, HI, VI, MSI, PD, ASD, DS or OTH.")],
    secondary: Annotated[str | None, Opt("--secondary", help="A second need, from the same "
                                         "list.")] = None,
) -> None:
    """Record the primary (and secondary) special educational need the plan
    names, in the DfE's SEN2 types.

    Example: send-cli case need EHC-2026-00001 --primary ASD --secondary SLCN
    """
    from send_cli.casework import plans
    from send_cli.render import message

    st = state(ctx)
    with st.store().write() as session:
        case = plans.set_need(session=session, ref=ref, primary=primary,
                                secondary=secondary, actor=st.settings.officer,
                                now=st.settings.now)
        told = case.primary_need + (f", then {case.secondary_need}"
                                    if case.secondary_need else "")
    message(f"{ref}: needs {told}")


def case_placement(
    ctx: typer.Context,
    ref: Annotated[str, typer.Argument(help="The case reference.")],
    from_: Annotated[str, Opt("--from", help="First day there, YYYY-MM-DD.")],
    urn: Annotated[str | None, Opt("--urn", help="The school's URN (6 digits).")] = None,
    ukprn: Annotated[str | None, Opt("--ukprn", help="The college's or provider's UKPRN "
                                     "(8 digits).")] = None,
    setting: Annotated[str | None, Opt(
        "--setting", help="When there is no URN or UKPRN, a SEN2 code: OLA, OPA, EHE, EYP, "
        "OTH, NEET, NIEC or NIEO.")] = None,
    to: Annotated[str | None, Opt("--to", help="Last day there, YYYY-MM-DD.")] = None,
    rank: Annotated[int, Opt("--rank", help="1 the main placement, 2 a second one.")] = 1,
    unit: Annotated[bool, Opt("--unit", help="In a SEN unit.")] = False,
    resourced: Annotated[bool, Opt("--resourced", help="In resourced provision.")] = False,
    residential: Annotated[str | None, Opt(
        "--residential", help="A up to 38 weeks a year, B 39 to 52.")] = None,
    wbp: Annotated[str | None, Opt(
        "--wbp", help="Work-based learning: A apprenticeship, T traineeship, S supported "
        "internship.")] = None,
) -> None:
    """Record a placement the plan names (section I). A new placement of the
    same rank ends the open one the day before it starts.

    Example: send-cli case placement EHC-2026-00001 --urn 120345 --from 2026-09-03
    """
    from send_cli.casework import plans
    from send_cli.render import message

    st = state(ctx)
    entry = a_date(from_, what="--from")
    leaving = a_date(to, what="--to")
    assert entry is not None
    p = plans.PlacementInput(urn=urn, ukprn=ukprn, setting=setting, entry=entry,
                               leaving=leaving, rank=rank, unit=unit, resourced=resourced,
                               residential=residential, wbp=wbp)
    with st.store().write() as session:
        _, ended = plans.add_placement(session=session, ref=ref, p=p,
                                         actor=st.settings.officer, now=st.settings.now)
        ended_on = ended.leaving if ended is not None else None
    where = urn or ukprn or (setting or "").upper()
    message(f"{ref}: rank {rank} placement {where} from {entry}"
            + (f"; the previous one ends {ended_on}" if ended_on else ""))
