"""The public surface: what `import kunshan_rbac` offers, and nothing by accident."""

from __future__ import annotations

import inspect

import kunshan_rbac as kr


def test_all_is_sorted_and_complete() -> None:
    """__all__ is sorted, names only what exists, and every public attribute is in it."""
    def isort_style(name: str) -> tuple[int, str]:
        return (0 if name.isupper() else 1 if name[0].isupper() else 2, name)

    assert list(kr.__all__) == sorted(kr.__all__, key=isort_style)
    for name in kr.__all__:
        assert hasattr(kr, name), name
    submodules = {"cli", "annotations", "formats", "testing"}
    public = {n for n in vars(kr) if not n.startswith("_") and n not in submodules}
    assert public <= set(kr.__all__), public - set(kr.__all__)


def test_errors_have_one_root() -> None:
    """Every exported exception derives from KunshanRbacError."""
    errors = [getattr(kr, n) for n in kr.__all__ if n.endswith("Error")]
    assert errors
    for error in errors:
        assert issubclass(error, kr.KunshanRbacError), error


def test_exported_classes_and_functions_name_the_package() -> None:
    """Reprs and tracebacks show kunshan_rbac.X, not the private module defining X."""
    named = [getattr(kr, n) for n in kr.__all__
             if isinstance(getattr(kr, n), type) or inspect.isfunction(getattr(kr, n))]
    assert kr.ResponsibilityGraph in named
    assert kr.check in named
    for value in named:
        assert getattr(value, "__module__", None) == "kunshan_rbac", value
    assert repr(kr.ResponsibilityGraph) == "<class 'kunshan_rbac.ResponsibilityGraph'>"
    assert repr(kr.UnknownUnitError) == "<class 'kunshan_rbac.UnknownUnitError'>"
