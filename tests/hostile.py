"""Hostile files, made inside the tests: bombs, entity expansion, deep nesting, lying zips.

Each helper writes into a folder the test owns and returns the path. Nothing here is a
committed binary: every file is built from the clean fixtures of `fixtures_lists` and the
graph API, then damaged the way an attacker or a broken exporter would.
"""

from __future__ import annotations

import gzip
import json
import struct
import zipfile
import zlib
from pathlib import Path
from typing import Any

import kunshan_rbac as kr
from fixtures_lists import town_book
from kunshan_rbac import _jsonio

ENTITY_DOCTYPE = (b'<!DOCTYPE x [<!ENTITY a "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa">'
                  b'<!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">'
                  b'<!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;">]>')
"""A DOCTYPE declaring nested entities (the "billion laughs" pattern, three levels deep)."""


def small_graph() -> kr.ResponsibilityGraph:
    """A graph of one town, two departments, three items and a transfer."""
    graph = kr.ResponsibilityGraph()
    graph.add_unit(kr.Town("yushan", "玉山镇"))
    graph.add_unit(kr.Department("zjj", "市住房和城乡建设局", aliases=("市住建局",)))
    graph.add_unit(kr.Department("mzj", "市民政局"))
    for code, name in (("A-1", "最低生活保障申请受理"), ("A-2", "临时救助申请受理"),
                       ("A-3", "对未取得施工许可证擅自施工的处罚")):
        graph.add_item(kr.Item(code, name))
        graph.assign(code, town="yushan", list="basic", primary="yushan", secondary=["mzj"],
                     start="2024-01-01", duty="受理申请，入户调查")
    graph.reclaim(["A-3"], towns=["yushan"], to="zjj", effective="2025-01-01")
    return graph


def json_document() -> dict[str, Any]:
    """The JSON document of `small_graph`, as parsed data."""
    loaded: dict[str, Any] = json.loads(kr_dumps(small_graph()))
    return loaded


def kr_dumps(graph: kr.ResponsibilityGraph) -> str:
    """The canonical JSON text of a graph (what write_json writes)."""
    return _jsonio.dumps(graph)


def gzip_bomb(path: Path, size: int, *, byte: bytes = b" ") -> Path:
    """A gzip file that decompresses to ``size`` bytes of one repeated byte."""
    chunk = byte * min(size, 1 << 20)
    compressor = zlib.compressobj(9, zlib.DEFLATED, 31)  # 31: gzip header and trailer
    with path.open("wb") as out:
        left = size
        while left > 0:
            piece = chunk if left >= len(chunk) else chunk[:left]
            out.write(compressor.compress(piece))
            left -= len(piece)
        out.write(compressor.flush())
    return path


def deep_json(depth: int, *, inside: bool = True) -> str:
    """A document with an array nested ``depth`` deep: in a record's duty, or as the whole."""
    nested = "[" * depth + "]" * depth
    if not inside:
        return nested
    document = json_document()
    text = json.dumps(document, ensure_ascii=False)
    marker = json.dumps(document["records"][0]["duty"], ensure_ascii=False)
    return text.replace(marker, nested, 1)


def workbook(folder: Path, name: str = "玉山镇") -> Path:
    """A clean town workbook with its unit catalogue (the base that the damage starts from)."""
    return town_book(folder, name)


def rewrite_zip(source: Path, target: Path, change: dict[str, bytes | None],
                extra: dict[str, bytes] | None = None) -> Path:
    """Copy a zip archive, replacing (or dropping, with ``None``) some members."""
    with zipfile.ZipFile(source) as old, zipfile.ZipFile(target, "w",
                                                         zipfile.ZIP_DEFLATED) as new:
        for info in old.infolist():
            data = change.get(info.filename, old.read(info.filename))
            if data is not None:
                new.writestr(info.filename, data)
        for name, data in (extra or {}).items():
            new.writestr(name, data)
    return target


def zip_bomb(source: Path, target: Path, size: int) -> Path:
    """A workbook with an extra part that unzips to ``size`` zero bytes."""
    rewrite_zip(source, target, {})
    chunk = b"\0" * (1 << 20)
    with zipfile.ZipFile(target, "a", zipfile.ZIP_DEFLATED, compresslevel=1) as archive, \
            archive.open("xl/media/padding.bin", "w", force_zip64=True) as part:
        left = size
        while left > 0:
            piece = chunk if left >= len(chunk) else chunk[:left]
            part.write(piece)
            left -= len(piece)
    return target


def lying_zip(source: Path, target: Path, member: str = "xl/worksheets/sheet1.xml") -> Path:
    """A workbook whose zip directory declares one part far smaller than it is."""
    rewrite_zip(source, target, {})
    data = bytearray(target.read_bytes())
    name = member.encode()
    central = data.find(b"PK\x01\x02")
    while central != -1:
        length = struct.unpack_from("<H", data, central + 28)[0]
        if bytes(data[central + 46:central + 46 + length]) == name:
            struct.pack_into("<I", data, central + 24, 10)  # uncompressed size
            local = struct.unpack_from("<I", data, central + 42)[0]
            struct.pack_into("<I", data, local + 22, 10)
        central = data.find(b"PK\x01\x02", central + 4)
    target.write_bytes(bytes(data))
    return target


def entity_workbook(source: Path, target: Path, member: str) -> Path:
    """A workbook with an entity-declaring DOCTYPE before the root of one XML part."""
    with zipfile.ZipFile(source) as old:
        data = old.read(member)
    if data.startswith(b"<?xml"):
        end = data.index(b"?>") + 2
        data = data[:end] + ENTITY_DOCTYPE + data[end:]
    else:
        data = ENTITY_DOCTYPE + data
    return rewrite_zip(source, target, {member: data.replace(b"</", b"&c;</", 1)})


def gzip_text(path: Path, text: str) -> Path:
    """Write text as a gzip file."""
    with gzip.open(path, "wb") as out:
        out.write(text.encode("utf-8"))
    return path


def declared_bomb(source: Path, target: Path, size: int,
                  member: str = "xl/worksheets/sheet1.xml") -> Path:
    """A workbook whose zip directory declares one part to unzip to ``size`` bytes."""
    rewrite_zip(source, target, {})
    data = bytearray(target.read_bytes())
    name = member.encode()
    central = data.find(b"PK\x01\x02")
    while central != -1:
        length = struct.unpack_from("<H", data, central + 28)[0]
        if bytes(data[central + 46:central + 46 + length]) == name:
            struct.pack_into("<I", data, central + 24, size)
        central = data.find(b"PK\x01\x02", central + 4)
    target.write_bytes(bytes(data))
    return target


def gzip_declaring(path: Path, text: str, size: int) -> Path:
    """A gzip file of ``text`` whose trailer declares ``size`` bytes (modulo 4 GiB)."""
    data = bytearray(gzip.compress(text.encode("utf-8")))
    data[-4:] = (size % (1 << 32)).to_bytes(4, "little")
    path.write_bytes(bytes(data))
    return path
