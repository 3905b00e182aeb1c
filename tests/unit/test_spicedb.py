"""Tests of the SpiceDB export's text (SpiceDB cannot run here: structure only)."""

from __future__ import annotations

import json
import re
from pathlib import Path

import yaml
from hypothesis import given
from hypothesis import strategies as st

import kunshan_rbac as kr
from fixtures_authz import tricky
from kunshan_rbac._spicedb import spicedb_id

# SpiceDB's object id and relationship text forms.
OBJECT_ID = re.compile(r"^[a-zA-Z0-9/_|\-=+]{1,1024}$")
RELATIONSHIP = re.compile(
    r"^(?P<rtype>[a-z][a-z0-9_]*):(?P<rid>[^#@\[\s]+)#(?P<rel>[a-z][a-z0-9_]*)"
    r"@(?P<stype>[a-z][a-z0-9_]*):(?P<sid>[^#@\[\s]+)(\[(?P<caveat>[a-z_]+):(?P<ctx>\{.*\})\])?$"
)


@given(st.text(min_size=1, max_size=50))
def test_ids_are_valid_and_reversible(code: str) -> None:
    """Every code gives a SpiceDB-valid id, and distinct codes distinct ids."""
    encoded = spicedb_id(code)
    assert OBJECT_ID.match(encoded)
    decoded = re.sub(r"(=[0-9A-F]{2})+",
                     lambda m: bytes.fromhex(m.group(0).replace("=", "")).decode("utf-8"),
                     encoded)
    assert decoded == code


def test_relationships_parse_and_name_schema_relations() -> None:
    """Each line is a relationship whose relation and caveat the schema declares, with one
    line per (resource, relation, subject), several periods in one in_periods caveat."""
    export = kr.to_spicedb(tricky())
    declared = set(re.findall(r"relation (\w+):", export.schema))
    caveats = set(re.findall(r"caveat (\w+)\(", export.schema))
    keys = []
    for line in export.relationships():
        match = RELATIONSHIP.match(line)
        assert match, line
        assert match["rel"] in declared
        assert OBJECT_ID.match(match["rid"].replace("|", ""))
        assert OBJECT_ID.match(match["sid"])
        if match["caveat"]:
            assert match["caveat"] in caveats
            context = json.loads(match["ctx"])
            if match["caveat"] == "in_periods":
                assert len(context["starts"]) == len(context["ends"]) == 2
        keys.append((match["rid"], match["rel"], match["sid"]))
    assert len(keys) == len(set(keys))
    assert any(k[1] == "primary" for k in keys)


def test_validation_file_is_yaml_with_the_library_answers(tmp_path: Path) -> None:
    """validation.yaml holds schema, relationships and assertTrue/assertFalse lines that
    are the library's answers."""
    g = tricky()
    kr.to_spicedb(g).write(tmp_path, dates=[kr.parse_date("2024-08-01")])
    document = yaml.safe_load((tmp_path / "validation.yaml").read_text())
    assert set(document) == {"schema", "relationships", "assertions"}
    assert "definition duty" in document["schema"]
    true = document["assertions"]["assertTrue"]
    false = document["assertions"]["assertFalse"]
    moved = "duty:=E4=BA=8B=E9=A1=B91|=E9=95=87A|reclaimed#primary@unit:zjj with "
    assert moved + '{"current_date": "2024-08-01T00:00:00Z"}' in true
    back = "duty:=E4=BA=8B=E9=A1=B91|=E9=95=87A|basic#primary@unit:=E9=95=87A with "
    assert back + '{"current_date": "2024-08-01T00:00:00Z"}' in false
