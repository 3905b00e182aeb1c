"""How long the readers take to refuse bombs, beside reading a clean file in the same run.

Usage (from the repository root)::

    python benchmarks/refusals.py              # 7 repetitions of each
    python benchmarks/refusals.py --repeat 15

Builds, in a temporary folder (nothing is kept):

* a zip bomb: a town workbook with one more part that unzips to 2.5 GiB of zeros;
* a row bomb: a town workbook whose basic list has 300,000 rows (within the default
  ``workbook_bytes``, over the default ``rows``), refused while streaming;
* a gzip bomb: a ``.json.gz`` that decompresses to 2.5 GiB, once with an honest gzip
  trailer and once with a trailer that lies (so decompression itself must stop at the
  default ``json_bytes``, 1 GiB);

and times ``read_lists`` / ``read_json`` with the default limits on each, as the median of
``--repeat`` runs with the min and max, beside the baseline of reading the clean workbook
and the clean JSON file of the Kunshan sample. Peak memory (RSS) of the process is
printed at the end. No figure here is a test: timing never fails anything.
"""

from __future__ import annotations

import argparse
import resource
import statistics
import sys
import tempfile
import time
import zipfile
import zlib
from collections.abc import Callable
from pathlib import Path

import kunshan_rbac as kr

GiB = 1 << 30


def _town_book(folder: Path) -> Path:
    graph = kr.load_sample()
    written = kr.write_lists(graph, folder, at="2025-12-31")
    return next(p for p in written if p.name == "玉山镇.xlsx")


def _zip_bomb(clean: Path, target: Path, size: int) -> Path:
    target.write_bytes(clean.read_bytes())
    chunk = b"\0" * (1 << 24)
    with zipfile.ZipFile(target, "a", zipfile.ZIP_DEFLATED, compresslevel=1) as archive, \
            archive.open("xl/media/padding.bin", "w", force_zip64=True) as part:
        for _ in range(size // len(chunk)):
            part.write(chunk)
    return target


def _row_bomb(clean: Path, target: Path, rows: int) -> Path:
    sheet = "xl/worksheets/sheet1.xml"
    with zipfile.ZipFile(clean) as old:
        xml = old.read(sheet)
        start = xml.index(b"</sheetData>")
        row = ('<row r="{n}"><c r="A{n}" t="inlineStr"><is><t>{n}</t></is></c>'
               '<c r="B{n}" t="inlineStr"><is><t>事项{n}</t></is></c></row>')
        body = "".join(row.format(n=n) for n in range(10, 10 + rows)).encode()
        with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as new:
            for info in old.infolist():
                data = old.read(info.filename)
                if info.filename == sheet:
                    data = data[:start] + body + data[start:]
                new.writestr(info.filename, data)
    return target


def _gzip_bomb(target: Path, size: int, *, lying: bool) -> Path:
    compressor = zlib.compressobj(1, zlib.DEFLATED, 31)
    chunk = b" " * (1 << 24)
    with target.open("wb") as out:
        for _ in range(size // len(chunk)):
            out.write(compressor.compress(chunk))
        out.write(compressor.flush())
    if lying:
        data = bytearray(target.read_bytes())
        data[-4:] = (1000).to_bytes(4, "little")
        target.write_bytes(bytes(data))
    return target


def _time(call: Callable[[], object], repeat: int, refused: bool) -> list[float]:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        try:
            call()
        except kr.LoadError:
            if not refused:
                raise
        else:
            if refused:
                raise SystemExit("a bomb loaded: the readers are not bounded")
        times.append(time.perf_counter() - start)
    return times


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeat", type=int, default=7, help="runs of each (default 7)")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as name:
        folder = Path(name)
        clean = _town_book(folder / "clean")
        clean_json = folder / "kunshan.json.gz"
        kr.write_json(kr.load_sample(), clean_json)
        build = time.perf_counter()
        (folder / "zip").mkdir()
        zip_bomb = _zip_bomb(clean, folder / "zip" / "玉山镇.xlsx", int(2.5 * GiB))
        row_bomb = _row_bomb(clean, folder / "玉山镇.xlsx", 300_000)
        honest = _gzip_bomb(folder / "honest.json.gz", int(2.5 * GiB), lying=False)
        lying = _gzip_bomb(folder / "lying.json.gz", int(2.5 * GiB), lying=True)
        print(f"built the bombs in {time.perf_counter() - build:.1f} s: zip bomb "
              f"{zip_bomb.stat().st_size / 1e6:.1f} MB -> 2.5 GiB, row bomb "
              f"{row_bomb.stat().st_size / 1e6:.1f} MB, gzip bombs "
              f"{honest.stat().st_size / 1e6:.1f} MB -> 2.5 GiB")
        cases: list[tuple[str, Callable[[], object], bool]] = [
            ("baseline: read_lists, clean town workbook", lambda: kr.read_lists(clean), False),
            ("refuse zip bomb (2.5 GiB unzipped)", lambda: kr.read_lists(zip_bomb), True),
            ("refuse row bomb (300,000 rows)", lambda: kr.read_lists(row_bomb), True),
            ("baseline: read_json, Kunshan sample .json.gz",
             lambda: kr.read_json(clean_json), False),
            ("refuse gzip bomb, honest trailer", lambda: kr.read_json(honest), True),
            ("refuse gzip bomb, lying trailer (stops at 1 GiB)",
             lambda: kr.read_json(lying), True),
        ]
        print(f"\nmedian of {args.repeat} runs [min, max], default limits, Python "
              f"{sys.version.split()[0]}")
        for label, call, refused in cases:
            times = _time(call, args.repeat, refused)
            print(f"  {label:<50} {statistics.median(times) * 1000:10.1f} ms "
                  f"[{min(times) * 1000:.1f}, {max(times) * 1000:.1f}]")
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"\npeak RSS of this process: {peak:.0f} MiB")
    return 0


if __name__ == "__main__":
    sys.exit(main())
