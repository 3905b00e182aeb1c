"""The examples in the package's docstrings run and print what they say."""

from __future__ import annotations

import ast
import doctest
import importlib
import inspect
import pkgutil
from types import ModuleType

import pytest

import kunshan_rbac

MODULES = sorted(
    m.name
    for m in pkgutil.walk_packages(kunshan_rbac.__path__, prefix="kunshan_rbac.")
    if not m.name.endswith("__main__")
)


def _tests_of(module: ModuleType) -> list[doctest.DocTest]:
    """The examples of a module, including those of the classes and functions it defines
    that say they come from ``kunshan_rbac`` (doctest alone looks for them only in the
    module their ``__module__`` names)."""
    finder = doctest.DocTestFinder()
    tests = finder.find(module)
    defined = {
        node.name
        for node in ast.parse(inspect.getsource(module)).body
        if isinstance(node, ast.ClassDef | ast.FunctionDef)
    }
    for name in sorted(defined):
        value = getattr(module, name)
        if value.__module__ != module.__name__:
            tests += finder.find(value, f"{module.__name__}.{name}", module=module,
                                 globs=vars(module))
    return tests


@pytest.mark.parametrize("name", MODULES)
def test_docstring_examples(name: str) -> None:
    """Every ``>>>`` example of the module passes."""
    module = importlib.import_module(name)
    runner = doctest.DocTestRunner(optionflags=doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE)
    for test in _tests_of(module):
        runner.run(test)
    assert runner.summarize(verbose=False).failed == 0


def test_exported_names_keep_their_examples() -> None:
    """Classes and functions that name ``kunshan_rbac`` as their module are still
    searched for examples in the module that defines them."""
    def named(module: str) -> set[str]:
        return {t.name for t in _tests_of(importlib.import_module(module)) if t.examples}

    assert "kunshan_rbac._graph.ResponsibilityGraph.owner" in named("kunshan_rbac._graph")
    assert "kunshan_rbac._dates.parse_date" in named("kunshan_rbac._dates")
