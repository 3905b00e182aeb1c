"""Tests of the Cedar export, checked by Cedar's own engine (cedarpy)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

import kunshan_rbac as kr
from fixtures_authz import tricky
from kunshan_rbac._authz import probe_dates

cedarpy = pytest.importorskip("cedarpy", reason="cedarpy (test extra) is not installed")


def mismatches(export: kr.CedarExport, dates: tuple[object, ...]) -> tuple[int, int]:
    """Run the library's answers through Cedar's batch API: (requests, mismatches)."""
    schema = cedarpy.Schema.from_str(export.schema_text)
    entities = cedarpy.Entities.from_json_str(json.dumps(list(export.entities())),
                                              schema=schema)
    policies = cedarpy.PolicySet.from_str(export.policies)
    pairs = list(export.requests(dates))  # type: ignore[arg-type]
    results = cedarpy.is_authorized_batch([r for r, _ in pairs], policies, entities,
                                          schema=schema)
    wrong = 0
    for (_, allow), result in zip(pairs, results, strict=True):
        assert not result.diagnostics.errors, result.diagnostics.errors
        wrong += (result.decision == cedarpy.Decision.Allow) != allow
    return len(pairs), wrong


def test_cedar_agrees_with_the_library() -> None:
    """Every request of the tricky graph on every probe date: zero mismatches."""
    g = tricky()
    count, wrong = mismatches(kr.to_cedar(g), probe_dates(g, extra=6))
    assert count > 100
    assert wrong == 0


def test_cedar_would_catch_a_wrong_policy() -> None:
    """Test of the test: a policy that ignores the end of periods gives mismatches."""
    g = tricky()
    export = kr.to_cedar(g)
    broken = export.policies.replace("context.at < datetime", "context.at > datetime")

    class Broken(kr.CedarExport):
        @property
        def policies(self) -> str:
            return broken

    wrong = Broken(g, export.periods, export.holders, export.duties)
    assert mismatches(wrong, probe_dates(g, extra=6))[1] > 0


def test_schema_and_policies_validate() -> None:
    """Cedar validates the policies against the schema, and both schema forms parse."""
    export = kr.to_cedar(tricky())
    result = cedarpy.validate_policies(export.policies, export.schema_text)
    assert result.validation_passed, result.errors
    cedarpy.Schema.from_json_str(json.dumps(export.schema))


def test_write(tmp_path: Path) -> None:
    """write() puts schema, policies, entities and requests with decisions in the folder."""
    written = kr.to_cedar(tricky()).write(tmp_path, dates=[kr.parse_date("2024-08-01")])
    assert [p.name for p in written] == ["schema.cedarschema", "schema.cedarschema.json",
                                         "policies.cedar", "entities.json", "requests.jsonl"]
    first = json.loads((tmp_path / "requests.jsonl").read_text().splitlines()[0])
    assert first["decision"] in ("Allow", "Deny")
    assert first["context"] == {"at": {"__extn": {"fn": "datetime", "arg": "2024-08-01"}}}


def test_entities_file_is_the_entities_as_json(tmp_path: Path) -> None:
    """entities.json, written as text, is the same JSON as `entities()` gives, byte for
    byte, and an export given its holders writes the same file."""
    g = tricky()
    export = kr.to_cedar(g)
    export.write(tmp_path / "streamed", requests=False)
    lines = (tmp_path / "streamed" / "entities.json").read_text(encoding="utf-8").splitlines()
    dumped = [json.dumps(e, ensure_ascii=False, separators=(",", ":"))
              for e in export.entities()]
    assert lines == ["[", dumped[0], *("," + d for d in dumped[1:]), "]"]
    duties = [e for e in export.entities() if e["uid"]["type"].endswith("::Duty")]
    holders = {e["uid"]["id"]: {int(k[1:]): {r: [u["__entity"]["id"] for u in v[r]]
                                            for r in ("primary", "secondary")}
                                for k, v in e["attrs"].items() if k.startswith("p")}
               for e in duties}
    keys = {e["uid"]["id"]: (e["attrs"]["item"]["__entity"]["id"],
                             e["attrs"]["town"]["__entity"]["id"], e["attrs"]["list"])
            for e in duties}
    kr.CedarExport(g, export.periods, holders, keys).write(tmp_path / "given", requests=False)
    assert (tmp_path / "given" / "entities.json").read_text(encoding="utf-8") == "\n".join(
        lines) + "\n"


def test_write_reads_the_graph_once(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """write() walks the graph's grants once: the entities' pass numbers the periods that
    the schema and policies name."""
    import kunshan_rbac._cedar as cedar_module

    passes = []
    real = cedar_module.town_duties

    def counted(graph: kr.ResponsibilityGraph) -> object:
        passes.append(graph)
        return real(graph)

    monkeypatch.setattr(cedar_module, "town_duties", counted)
    kr.to_cedar(tricky()).write(tmp_path, requests=False)
    assert len(passes) == 1


def test_one_pass_writes_what_two_passes_write(tmp_path: Path) -> None:
    """The files written in one pass are byte for byte those written when the periods
    were read first, in a pass of their own, and those of an export given its periods."""
    g = tricky()
    kr.to_cedar(g).write(tmp_path / "one", requests=False)
    first = kr.to_cedar(g)
    periods = first.periods
    assert len(periods) > 2
    first.write(tmp_path / "two", requests=False)
    kr.CedarExport(g, periods).write(tmp_path / "given", requests=False)
    names = sorted(p.name for p in (tmp_path / "one").iterdir())
    assert names == ["entities.json", "policies.cedar", "schema.cedarschema",
                     "schema.cedarschema.json"]
    for name in names:
        one = (tmp_path / "one" / name).read_bytes()
        assert one == (tmp_path / "two" / name).read_bytes(), name
        assert one == (tmp_path / "given" / name).read_bytes(), name


def test_given_periods_must_cover_the_graph(tmp_path: Path) -> None:
    """An export given fewer periods than the graph has refuses to write entities that
    its policies would not cover, and leaves no entities file."""
    g = tricky()
    periods = kr.to_cedar(g).periods
    with pytest.raises(kr.ExportError) as caught:
        kr.CedarExport(g, periods[:-1]).write(tmp_path, requests=False)
    assert caught.value.problems[0].column == "periods"
    assert not (tmp_path / "entities.json").exists()


def test_an_export_error_leaves_no_file(tmp_path: Path) -> None:
    """Data with two primaries at once: writing raises ExportError (after the one pass)
    and leaves no entities file behind."""
    g = tricky()
    g.assign("B-2", town="town-b", list="basic", primary="zjj", start="2022-01-01")
    with pytest.raises(kr.ExportError):
        kr.to_cedar(g).write(tmp_path, requests=False)
    assert not (tmp_path / "entities.json").exists()
