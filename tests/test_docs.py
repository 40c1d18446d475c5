"""Help text is documentation: every command has a summary and an example,
and every command appears in the README."""

from __future__ import annotations

from pathlib import Path

import typer

from send_cli.cli import app

README = (Path(__file__).resolve().parent.parent / "README.md").read_text(encoding="utf-8")


def leaf_commands() -> list[tuple[str, object]]:
    root = typer.main.get_command(app)
    found: list[tuple[str, object]] = []

    def walk(cmd: object, path: list[str]) -> None:
        ctx = typer.Context(cmd)  # type: ignore[arg-type]
        names = getattr(cmd, "list_commands", None)
        if names is None:
            found.append((" ".join(path), cmd))
            return
        for name in names(ctx):
            walk(cmd.get_command(ctx, name), path + [name])  # type: ignore[attr-defined]

    walk(root, [])
    return found


def test_there_are_commands():
    paths = [p for p, _ in leaf_commands()]
    for expected in ("case add", "contact log", "overdue", "officer leave", "calendar close"):
        assert expected in paths


def test_every_command_has_a_summary_and_an_example():
    missing = []
    for path, cmd in leaf_commands():
        help_text = (getattr(cmd, "help", None) or "").strip()
        if not help_text or "Example: send-cli" not in help_text.replace("\n", " "):
            missing.append(path)
    assert missing == []


def test_every_command_is_in_the_readme():
    missing = [p for p, _ in leaf_commands() if f"send-cli {p}" not in README]
    assert missing == []


def test_readme_quick_start_comes_first():
    quick = README.index("## Quick start")
    assert README.index("send-cli demo") > quick
    assert README.index('python3 -m pip install ".[dev]"') > quick
    assert README.index("python3 -m pytest") > quick
    assert quick < README.index("## Casework")


def test_every_command_prints_its_help(tmp_path: Path):
    """`send-cli COMMAND --help` answers for every command, the value names
    in words (a file is FILE), and never the unexpected-error message."""
    from typer.testing import CliRunner

    runner = CliRunner()
    broken = []
    for path, _ in leaf_commands():
        result = runner.invoke(app, [*path.split(), "--help"],
                               env={"SEND_CLI_DB": str(tmp_path / "none.db")})
        if result.exit_code != 0 or "Usage: " not in result.output \
                or "unexpectedly" in result.output:
            broken.append((path, result.exit_code, result.output[-200:]))
    assert broken == []
    assert "--db FILE" in runner.invoke(app, ["demo", "--help"]).output
