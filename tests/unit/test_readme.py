"""The README's Quickstart is two commands, and CI runs the second one verbatim."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def _quickstart_commands() -> list[str]:
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    section = text.split("## Quickstart", 1)[1].split("\n## ", 1)[0]
    blocks = re.findall(r"^```bash\n(.*?)^```", section, re.DOTALL | re.MULTILINE)
    return [line for block in blocks for line in block.splitlines() if line.strip()]


def test_quickstart_is_two_commands_that_make_their_own_environment() -> None:
    """Two one-line commands, each making a virtual environment (a system Python refuses pip)."""
    commands = _quickstart_commands()
    assert len(commands) == 2
    for command in commands:
        assert command.startswith("python3 -m venv .venv && . .venv/bin/activate && ")
    assert "kunshan-rbac report" in commands[0]
    assert commands[1].endswith("pytest -q")


def test_ci_runs_the_readme_test_command_verbatim() -> None:
    """.ci/run contains the README's test command as one line of its own."""
    test_command = _quickstart_commands()[1]
    ci_lines = (ROOT / ".ci" / "run").read_text(encoding="utf-8").splitlines()
    assert test_command in [line.strip() for line in ci_lines]
