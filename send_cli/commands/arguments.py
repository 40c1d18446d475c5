"""The command line before it is parsed: global options written after the
command are moved in front of it, and a bare --show-completion names this
shell."""

from __future__ import annotations

# The global options, accepted after the command too (`send-cli overdue --now
# 2027-01-04`): moved in front of it before parsing. A command with an option
# of the same name keeps its own (demo --db: where to build the demo).
GLOBAL_VALUED = ("--db", "--as", "--now")
GLOBAL_FLAGS = ("--debug",)
OWN_OPTIONS = {"demo": frozenset({"--db"})}


def hoist_globals(argv: list[str]) -> list[str]:
    """ARGV with every global option written after the command moved in
    front of it; anything after `--` is left alone."""
    i = 0
    while i < len(argv):  # past the options already in front
        name = argv[i].split("=", 1)[0]
        if argv[i] == "--":
            return argv
        if name in GLOBAL_VALUED:
            i += 1 if "=" in argv[i] else 2
        elif argv[i].startswith("-"):
            i += 1
        else:
            break
    if i >= len(argv):
        return argv
    own = OWN_OPTIONS.get(argv[i], frozenset())
    moved: list[str] = []
    kept: list[str] = []
    rest = argv[i + 1:]
    j = 0
    while j < len(rest):
        arg = rest[j]
        name = arg.split("=", 1)[0]
        if arg == "--":
            kept += rest[j:]
            break
        if name in GLOBAL_VALUED and name not in own and ("=" in arg or j + 1 < len(rest)):
            width = 1 if "=" in arg else 2
            moved += rest[j:j + width]
            j += width
        elif name in GLOBAL_FLAGS and name not in own:
            moved.append(arg)
            j += 1
        else:
            kept.append(arg)
            j += 1
    return argv[:i] + moved + [argv[i]] + kept


COMPLETION_OPTIONS = ("--show-completion", "--install-completion")


def bare_completion(argv: list[str]) -> list[str]:
    """`--show-completion` with no shell named means this shell ('auto')."""
    out = list(argv)
    for i, arg in enumerate(out):
        if arg in COMPLETION_OPTIONS and (i + 1 == len(out) or out[i + 1].startswith("-")):
            out[i] = f"{arg}=auto"
    return out
