"""The docs' Python blocks run as written, and the CLI reference names every command.

Every fenced block tagged ``python`` in a page under docs/ is run, in order, in one
namespace per page (so a page reads as one session). Blocks meant only to be read are
tagged ``py`` instead.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from kunshan_rbac.cli import build_parser

DOCS = Path(__file__).resolve().parents[2] / "docs"
PAGES = sorted(DOCS.rglob("*.md"))
BLOCK = re.compile(r"^```python\n(.*?)^```", re.DOTALL | re.MULTILINE)


def _pages_with_code() -> list[Path]:
    return [p for p in PAGES if BLOCK.search(p.read_text(encoding="utf-8"))]


@pytest.mark.parametrize("page", _pages_with_code(), ids=lambda p: str(p.relative_to(DOCS)))
def test_python_blocks_run(page: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """Each python block of the page runs without error, in order."""
    namespace: dict[str, object] = {"__name__": "__docs__"}
    for number, match in enumerate(BLOCK.finditer(page.read_text(encoding="utf-8")), 1):
        code = compile(match.group(1), f"{page.name} block {number}", "exec")
        exec(code, namespace)
    capsys.readouterr()


def test_cli_reference_documents_every_command() -> None:
    """docs/reference/cli.md has one section per sub-command, and no other."""
    parser = build_parser()
    commands = set()
    for action in parser._actions:
        if action.__class__.__name__ == "_SubParsersAction":
            commands = set(action.choices)  # type: ignore[attr-defined]
    text = (DOCS / "reference" / "cli.md").read_text(encoding="utf-8")
    documented = set(re.findall(r"^## `kunshan-rbac ([a-z-]+)", text, re.MULTILINE))
    assert documented == commands
