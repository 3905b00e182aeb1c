"""Tests of ``kunshan-rbac export-authz``: the files of each engine, and exit 2 on bad data."""

from __future__ import annotations

from pathlib import Path

import pytest

import kunshan_rbac as kr
from fixtures_authz import tricky
from kunshan_rbac.cli import main


@pytest.fixture
def data(tmp_path: Path) -> str:
    """The small graph with non-ASCII codes, saved."""
    path = tmp_path / "lists.json"
    kr.write_json(tricky(), path)
    return str(path)


@pytest.mark.parametrize(
    ("engine", "names"),
    [
        ("openfga", ["model.fga", "model.json", "store.fga.yaml", "tuples.json"]),
        ("cedar", ["entities.json", "policies.cedar", "requests.jsonl", "schema.cedarschema",
                   "schema.cedarschema.json"]),
        ("spicedb", ["relationships.txt", "schema.zed", "validation.yaml"]),
    ],
)
def test_each_engine_writes_its_files(
    tmp_path: Path, data: str, engine: str, names: list[str],
    capsys: pytest.CaptureFixture[str],
) -> None:
    """Exit 0 and the engine's files in the folder, nothing else left behind."""
    out = tmp_path / engine
    assert main(["export-authz", engine, str(out), "--data", data, "--at", "2024-08-01"]) == 0
    assert sorted(p.name for p in out.iterdir()) == names
    assert f"into {out}" in capsys.readouterr().out


def test_conflicting_data_exit_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """Two primaries at once: exit 2 with the place, and no file is written."""
    g = tricky()
    g.assign("B-2", town="town-b", list="basic", primary="zjj", start="2022-01-01")
    path = tmp_path / "bad.json"
    kr.write_json(g, path)
    out = tmp_path / "out"
    assert main(["export-authz", "openfga", str(out), "--data", str(path)]) == 2
    assert "town-b" in capsys.readouterr().err
    assert not (out / "tuples.json").exists()
