"""Atomic writes: a target is replaced whole or left as it was, with WriteError on failure.

Failures are injected where a real system produces them: the temporary file's ``write``
(a full disk, an interrupt), ``fsync`` (delayed allocation reports ENOSPC there), and
``os.replace``. Every writer of the library (write_json, write_lists as xlsx and CSV, the
CLI's import and export) goes through `atomic_write`; the tests check each one keeps the
old file and leaves no temporary file behind.
"""

from __future__ import annotations

import errno
import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

import kunshan_rbac as kr
from kunshan_rbac import _atomic
from kunshan_rbac.cli import main

OLD = b"the old file\n"


class _Failing:
    """A file object whose writes fail with ``error`` once ``after`` bytes were written."""

    def __init__(self, real: Any, error: BaseException, after: int) -> None:
        self.real = real
        self.error = error
        self.left = after

    def write(self, data: bytes) -> int:
        if len(data) >= self.left:
            self.real.write(bytes(data[: self.left]))
            raise self.error
        self.left -= len(data)
        return int(self.real.write(data))

    def __getattr__(self, name: str) -> Any:
        return getattr(self.real, name)

    def __enter__(self) -> _Failing:
        return self

    def __exit__(self, *exc: object) -> None:
        self.real.close()


@pytest.fixture
def fail_writes(monkeypatch: pytest.MonkeyPatch) -> Iterator[Any]:
    """Make the temporary files of atomic_write fail with an error after some bytes."""
    def arm(error: BaseException, after: int = 100) -> None:
        real_fdopen = os.fdopen

        def fdopen(descriptor: int, mode: str = "r", *args: Any, **kwargs: Any) -> Any:
            return _Failing(real_fdopen(descriptor, mode, *args, **kwargs), error, after)

        monkeypatch.setattr(_atomic.os, "fdopen", fdopen)

    return arm


def _graph() -> kr.ResponsibilityGraph:
    graph = kr.ResponsibilityGraph()
    graph.add_unit(kr.Town("yushan", "玉山镇"))
    graph.add_unit(kr.Department("zjj", "市住房和城乡建设局", aliases=("市住建局",)))
    graph.add_item(kr.Item("ZJ-001", "住宅专项维修资金使用受理"))
    graph.assign("ZJ-001", town="yushan", list="basic", primary="yushan", secondary=["zjj"],
                 start="2025-01-01", duty="受理、审核" * 400)
    return graph


def _only(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir())


def test_success_replaces_the_file_and_leaves_no_temporary(tmp_path: Path) -> None:
    """A completed block replaces the target and removes nothing else."""
    target = tmp_path / "out.bin"
    target.write_bytes(OLD)
    with _atomic.atomic_write(target) as file:
        file.write(b"new")
    assert target.read_bytes() == b"new"
    assert _only(tmp_path) == ["out.bin"]


@pytest.mark.parametrize("error", [ValueError("bad"), KeyboardInterrupt()])
def test_an_error_in_the_block_keeps_the_old_file(tmp_path: Path, error: BaseException) -> None:
    """An exception (even KeyboardInterrupt) inside the block leaves the old file, no .part."""
    target = tmp_path / "out.bin"
    target.write_bytes(OLD)

    def write_then_fail() -> None:
        with _atomic.atomic_write(target) as file:
            file.write(b"half")
            raise error

    with pytest.raises(type(error)):
        write_then_fail()
    assert target.read_bytes() == OLD
    assert _only(tmp_path) == ["out.bin"]


@pytest.mark.parametrize("suffix", ["g.json", "g.json.gz"])
def test_full_disk_during_write_json(tmp_path: Path, fail_writes: Any, suffix: str) -> None:
    """ENOSPC while write_json writes gives WriteError with the path; the old file stays."""
    target = tmp_path / suffix
    target.write_bytes(OLD)
    fail_writes(OSError(errno.ENOSPC, "No space left on device"), after=50)
    with pytest.raises(kr.WriteError) as caught:
        kr.write_json(_graph(), target)
    assert caught.value.path == str(target)
    assert caught.value.errno == errno.ENOSPC
    assert "No space left" in str(caught.value)
    assert isinstance(caught.value, OSError)
    assert target.read_bytes() == OLD
    assert _only(tmp_path) == [suffix]


def test_full_disk_at_fsync(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """ENOSPC reported only when the data is forced to disk still keeps the old file."""
    target = tmp_path / "g.json"
    target.write_bytes(OLD)

    def fsync(_descriptor: int) -> None:
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(_atomic.os, "fsync", fsync)
    with pytest.raises(kr.WriteError, match="No space left"):
        kr.write_json(_graph(), target)
    assert target.read_bytes() == OLD
    assert _only(tmp_path) == ["g.json"]


def test_interrupt_during_write_json(tmp_path: Path, fail_writes: Any) -> None:
    """A KeyboardInterrupt in the middle of write_json leaves the old file and no .part."""
    target = tmp_path / "g.json"
    target.write_bytes(OLD)
    fail_writes(KeyboardInterrupt(), after=200)
    with pytest.raises(KeyboardInterrupt):
        kr.write_json(_graph(), target)
    assert target.read_bytes() == OLD
    assert _only(tmp_path) == ["g.json"]


@pytest.mark.parametrize("format", ["xlsx", "csv"])
def test_full_disk_during_write_lists(tmp_path: Path, fail_writes: Any, format: str) -> None:
    """write_lists hit by ENOSPC raises WriteError; files it had not replaced are intact."""
    folder = tmp_path / "lists"
    first = kr.write_lists(_graph(), folder, format=format, at="2025-07-01")
    before = {p: p.read_bytes() for p in first}
    fail_writes(OSError(errno.ENOSPC, "No space left on device"), after=10)
    with pytest.raises(kr.WriteError):
        kr.write_lists(_graph(), folder, format=format, at="2025-07-01")
    assert {p: p.read_bytes() for p in first} == before
    assert not [p for p in folder.iterdir() if p.name.endswith(".part")]


def test_lone_surrogate_in_write_json_names_record_and_field(tmp_path: Path) -> None:
    """A duty text with '\\ud800' raises WriteError naming the record and field."""
    graph = _graph()
    graph.assign("ZJ-001", town="yushan", list="cooperative", primary="zjj",
                 start="2030-01-01", duty="坏\ud800字")
    target = tmp_path / "g.json"
    kr.write_json(_graph(), target)
    old = target.read_bytes()
    bad = next(r for r in graph.records() if "\ud800" in r.duty)
    with pytest.raises(kr.WriteError) as caught:
        kr.write_json(graph, target)
    assert caught.value.record == f"records #{bad.id}"
    assert caught.value.field == "duty"
    assert target.read_bytes() == old
    assert _only(tmp_path) == ["g.json"]
    assert kr.read_json(target).records() == _graph().records()


@pytest.mark.parametrize("format", ["xlsx", "csv"])
def test_lone_surrogate_in_write_lists_is_an_export_error(tmp_path: Path, format: str) -> None:
    """write_lists refuses a lone surrogate before writing anything, naming the place."""
    graph = _graph()
    graph.add_item(kr.Item("ZJ-002", "坏\ud800名"))
    graph.assign("ZJ-002", town="yushan", list="basic", primary="yushan", start="2025-01-01")
    with pytest.raises(kr.ExportError) as caught:
        kr.write_lists(graph, tmp_path / "out", format=format, at="2025-07-01")
    assert any("surrogate" in p.expected for p in caught.value.problems)
    assert not (tmp_path / "out").exists()


def test_write_json_to_a_folder_or_missing_folder(tmp_path: Path) -> None:
    """A folder where a file is expected, or a missing folder, is a WriteError."""
    with pytest.raises(kr.WriteError, match="is a folder"):
        kr.write_json(_graph(), tmp_path)
    with pytest.raises(kr.WriteError, match="does not exist"):
        kr.write_json(_graph(), tmp_path / "missing" / "g.json")
    assert _only(tmp_path) == []


def test_write_lists_to_a_file(tmp_path: Path) -> None:
    """A file where a folder is expected is a WriteError, and the file is untouched."""
    target = tmp_path / "file.txt"
    target.write_bytes(OLD)
    with pytest.raises(kr.WriteError, match="is a file"):
        kr.write_lists(_graph(), target, at="2025-07-01")
    assert target.read_bytes() == OLD


def test_write_error_is_a_library_error_and_an_os_error() -> None:
    """WriteError can be caught as KunshanRbacError and as OSError; its message is one line."""
    error = kr.WriteError("/x/y.json", "No space left on device", record="records #3",
                          field="duty", errno=errno.ENOSPC)
    assert isinstance(error, kr.KunshanRbacError)
    assert isinstance(error, OSError)
    assert error.errno == errno.ENOSPC
    assert "\n" not in str(error)
    assert "records #3, field duty" in str(error)


def test_cli_reports_write_failures_in_one_line(tmp_path: Path,
                                                capsys: pytest.CaptureFixture[str]) -> None:
    """import --to a folder and export --to a file exit 2 with one line, no traceback."""
    data = tmp_path / "g.json"
    kr.write_json(_graph(), data)
    lists = tmp_path / "lists"
    kr.write_lists(_graph(), lists, at="2025-07-01")
    folder = tmp_path / "dir.json"
    folder.mkdir()
    assert main(["import", str(lists), "--to", str(folder)]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1
    assert "is a folder" in err
    blocker = tmp_path / "blocker"
    blocker.write_text("x")
    assert main(["export", str(data), "--to", str(blocker), "--at", "2025-07-01"]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1
    assert "is a file" in err


def test_cli_full_disk_is_one_line(tmp_path: Path, fail_writes: Any,
                                   capsys: pytest.CaptureFixture[str]) -> None:
    """ENOSPC during the CLI's import gives exit 2 and one line on stderr."""
    lists = tmp_path / "lists"
    kr.write_lists(_graph(), lists, at="2025-07-01")
    fail_writes(OSError(errno.ENOSPC, "No space left on device"), after=10)
    assert main(["import", str(lists), "--to", str(tmp_path / "g.json")]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1
    assert "No space left" in err
    assert not (tmp_path / "g.json").exists()
