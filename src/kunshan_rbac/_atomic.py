"""Atomic file writes: a file is replaced whole or not at all.

`atomic_write` opens a temporary file in the target's folder (named ``.<name>.<random>.part``,
which readers of folders skip), hands it to the caller, and once the caller is done flushes
it, forces it to disk (``fsync``) and moves it over the target with ``os.replace``, which
is atomic on POSIX and Windows. If anything goes wrong before that point (an error, a full
disk, a ``KeyboardInterrupt``), the temporary file is removed and the target is left as it
was. Operating-system failures become `WriteError`, naming the path.
"""

from __future__ import annotations

import contextlib
import os
import secrets
from collections.abc import Iterator
from pathlib import Path
from typing import BinaryIO

from ._errors import WriteError

__all__ = ["atomic_write", "ensure_folder"]


def _reason(exc: OSError) -> str:
    return exc.strerror or str(exc) or type(exc).__name__


def ensure_folder(path: Path) -> None:
    """Create the folder ``path`` (and its parents) unless it exists.

    Raises:
        WriteError: ``path`` or one of its parents is a file, or the folder cannot be made.
    """
    if path.exists() and not path.is_dir():
        raise WriteError(path, "this is a file, not a folder: give a folder to write into")
    try:
        path.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise WriteError(path, f"the folder cannot be created ({_reason(exc)})",
                         errno=exc.errno) from exc


def _check_target(path: Path) -> None:
    if path.is_dir():
        raise WriteError(path, "this is a folder, not a file: give a file name to write to")
    parent = path.parent
    if not parent.exists():
        raise WriteError(path, f"the folder {parent} does not exist")
    if not parent.is_dir():
        raise WriteError(path, f"{parent} is a file, not a folder")


@contextlib.contextmanager
def atomic_write(path: str | Path) -> Iterator[BinaryIO]:
    """A binary file to write that replaces ``path`` only when the ``with`` block succeeds.

    Args:
        path: the file to write (its folder must exist).

    Yields:
        The temporary file, open for binary writing.

    Raises:
        WriteError: the target is a folder, its folder is missing, or the system refused
            to create, write, flush or move the temporary file; the target is unchanged.
            Any other exception raised in the block passes through unchanged, after the
            temporary file has been removed.

    Examples:
        >>> import pathlib, tempfile
        >>> target = pathlib.Path(tempfile.mkdtemp()) / "out.txt"
        >>> with atomic_write(target) as file:
        ...     _ = file.write(b"whole")
        >>> target.read_bytes()
        b'whole'
    """
    target = Path(path)
    _check_target(target)
    temporary = target.with_name(f".{target.name}.{secrets.token_hex(4)}.part")
    try:
        # Mode 0o666 lets the umask decide, as for any new file.
        descriptor = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666)
    except OSError as exc:
        raise WriteError(target, f"a file cannot be created in its folder ({_reason(exc)})",
                         errno=exc.errno) from exc
    try:
        with os.fdopen(descriptor, "wb") as file:
            yield file
            file.flush()
            os.fsync(file.fileno())
        os.replace(temporary, target)
    except BaseException as exc:
        with contextlib.suppress(OSError):
            temporary.unlink()
        if isinstance(exc, OSError) and not isinstance(exc, WriteError):
            raise WriteError(target, _reason(exc), errno=exc.errno) from exc
        raise
    _sync_folder(target.parent)


def _sync_folder(folder: Path) -> None:
    """Force the folder entry of the replaced file to disk, where the system allows it."""
    try:
        descriptor = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(descriptor)
    except OSError:
        pass
    finally:
        os.close(descriptor)
