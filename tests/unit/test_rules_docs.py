"""The rule catalogue page (docs/reference/rules.md) stays in step with the code.

Its ``## `` headings that look like rule ids must be exactly the built-in ids, in order,
with their severities; every ```python block runs (```py blocks are fragments), a block
followed by a ```text block must print exactly that text, and in each rule's section the
first example breaks the rule while the last one (the fix) does not.
"""

from __future__ import annotations

import contextlib
import io
import re
from pathlib import Path
from typing import Any

import pytest

import kunshan_rbac as kr

PAGE = Path(__file__).parents[2] / "docs" / "reference" / "rules.md"
RULE_HEADING = re.compile(r"^[a-z][a-z0-9]*(-[a-z0-9]+)*$")
FENCE = re.compile(r"^```(\w*)\n(.*?)^```$", re.MULTILINE | re.DOTALL)


def sections() -> dict[str, str]:
    """The page cut at its ``## `` headings; the text before the first is ``""``."""
    text = PAGE.read_text(encoding="utf-8")
    parts = re.split(r"^## (.+)$", text, flags=re.MULTILINE)
    found = {"": parts[0]}
    for heading, body in zip(parts[1::2], parts[2::2], strict=True):
        assert heading.strip() not in found, f"heading {heading!r} appears twice"
        found[heading.strip()] = body
    return found


def blocks(body: str) -> list[tuple[str, str]]:
    """The fenced blocks of a section as ``(language, code)``, in order."""
    return [(m.group(1), m.group(2)) for m in FENCE.finditer(body)]


def run_block(code: str, namespace: dict[str, Any]) -> str:
    """Execute a block in ``namespace``; return what it printed."""
    printed = io.StringIO()
    with contextlib.redirect_stdout(printed):
        exec(compile(code, str(PAGE), "exec"), namespace)
    return printed.getvalue()


def run_section(body: str, namespace: dict[str, Any]) -> list[dict[str, Any]]:
    """Run every ```python block, checking outputs; return the namespace after each."""
    snapshots = []
    fenced = blocks(body)
    for index, (language, code) in enumerate(fenced):
        if language != "python":
            continue
        printed = run_block(code, namespace)
        following = fenced[index + 1] if index + 1 < len(fenced) else None
        if following is not None and following[0] == "text":
            assert printed.rstrip("\n") == following[1].rstrip("\n"), code
        snapshots.append(dict(namespace))
    return snapshots


def setup() -> dict[str, Any]:
    """The namespace left by the page's introduction (the shared ``catalogue``)."""
    namespace: dict[str, Any] = {"__name__": "rules_md"}
    run_section(sections()[""], namespace)
    return namespace


RULE_IDS = [r.id for r in kr.RULES]
SEVERITY = {r.id: r.severity.value for r in kr.RULES}


def test_documented_rule_ids_equal_implemented_ones() -> None:
    """The rule headings are the built-in rule ids, in catalogue order."""
    documented = [h for h in sections() if RULE_HEADING.match(h)]
    assert documented == RULE_IDS


def test_other_sections_are_custom_rules_and_embedding() -> None:
    """Besides the rules, the page explains custom rules and embedding."""
    others = [h for h in sections() if h and not RULE_HEADING.match(h)]
    assert others == ["Custom rules", "Embedding the checks"]


def test_documented_severities_match() -> None:
    """Each rule section states the rule's severity, and the summary table agrees."""
    found = sections()
    for rule_id in RULE_IDS:
        assert f"**Severity:** {SEVERITY[rule_id]}\n" in found[rule_id], rule_id
    table = dict(re.findall(r"^\| `([a-z-]+)` \| (\w+) \|", found[""], flags=re.MULTILINE))
    assert table == SEVERITY


@pytest.mark.parametrize("rule_id", RULE_IDS)
def test_rule_section_has_rationale_example_and_fix(rule_id: str) -> None:
    """Each rule section gives a rationale, a failing example and a fix, in that order."""
    body = sections()[rule_id]
    positions = [body.find(m) for m in ("**Rationale.**", "**Failing example.**", "**Fix.**")]
    assert -1 not in positions, rule_id
    assert positions == sorted(positions)
    assert sum(1 for language, _ in blocks(body) if language == "python") >= 2


@pytest.mark.parametrize("rule_id", RULE_IDS)
def test_rule_example_fails_and_its_fix_passes(rule_id: str) -> None:
    """The first example breaks the rule; after the fix the rule holds and no error is left."""
    snapshots = run_section(sections()[rule_id], setup())
    failing, fixed = snapshots[0]["g"], snapshots[-1]["g"]
    assert {v.rule for v in kr.check(failing, select=rule_id).violations} == {rule_id}
    assert kr.check(fixed, select=rule_id).violations == ()
    assert kr.check(fixed).ok


@pytest.mark.parametrize("heading", ["Custom rules", "Embedding the checks"])
def test_other_sections_run_and_print_what_they_show(heading: str) -> None:
    """The custom-rule and embedding examples run and print what the page shows."""
    assert run_section(sections()[heading], setup())
