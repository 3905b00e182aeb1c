"""Helpers for a project's own tests: assertion files as pytest (or unittest) checks.

Examples:
    A test module of a service that embeds the lists::

        from kunshan_rbac.testing import assert_lists

        def test_the_lists_hold_what_we_rely_on():
            assert_lists("tests/lists.yaml")
"""

from __future__ import annotations

from pathlib import Path

from ._assertions import AssertionReport, run_assertions

__all__ = ["assert_lists"]


def assert_lists(path: str | Path, *, data: str | Path | None = None) -> AssertionReport:
    """Run an assertion file and raise ``AssertionError`` listing every failure.

    Args:
        path: the YAML assertion file.
        data: the data set to test instead of the file's ``data:`` (default: as the file
            says, else the embedded sample).

    Returns:
        The `AssertionReport`, when every expectation passed.

    Raises:
        AssertionError: some expectation failed; the message has one line per failure
            (file, line, expected, found) and the summary.
        LoadError: the file or the data set cannot be read.
    """
    report = run_assertions(path, data=data)
    if not report.ok:
        raise AssertionError(str(report))
    return report
