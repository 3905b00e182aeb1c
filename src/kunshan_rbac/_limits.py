"""How much a reader accepts from one file before it refuses it.

Files come from outside: a reader must not let one of them take all the memory or time
(a gzip or zip bomb, a sheet of a million rows, JSON nested a thousand deep). Every reader
stops at the first limit reached, while it streams, and raises `LoadError` naming the
file, the place and the limit, with the field of `Limits` to raise. The defaults fit every
real duty list and the JSON of a province with room to spare; pass ``limits=`` to
`read_json` or `read_lists` to raise them.
"""

from __future__ import annotations

import attrs

from ._errors import InvalidRecordError

__all__ = ["DEFAULT_LIMITS", "Limits"]


def _positive(_inst: object, attribute: attrs.Attribute[int], value: object) -> None:
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        raise InvalidRecordError(
            f"Limits.{attribute.name} must be a whole number of at least 1, found {value!r}",
            field=attribute.name, value=value,
        )


@attrs.frozen(kw_only=True)
class Limits:
    """The limits that readers apply to one file.

    Attributes:
        json_bytes: bytes of JSON text, after gzip decompression for ``.json.gz``
            (default 1 GiB: about three million records, three times a province;
            a national data set of 14.5 million records needs about 5 GiB).
        workbook_bytes: bytes of a workbook's parts once unzipped, as its zip directory
            declares them (default 256 MiB; a duty list takes well under 1 MiB).
        csv_bytes: bytes of a CSV file (default 50,000,000).
        rows: rows holding a value in one sheet or CSV file (default 20,000: the longest
            list of the Kunshan sample has 343); blank and merely formatted rows do not
            count. Reaching it costs a few seconds of parsing, so a bomb stays cheap.
        columns: the last column holding a value in a row (default 256).
        cell_chars: characters in one cell (default 32,767, what Excel holds).
        depth: nesting of arrays and objects in JSON (default 64; the format needs 5).

    Examples:
        >>> import kunshan_rbac as kr
        >>> kr.Limits(json_bytes=8 << 30).json_bytes
        8589934592
        >>> kr.DEFAULT_LIMITS.rows
        20000
    """

    json_bytes: int = attrs.field(default=1 << 30, validator=_positive)
    workbook_bytes: int = attrs.field(default=256 << 20, validator=_positive)
    csv_bytes: int = attrs.field(default=50_000_000, validator=_positive)
    rows: int = attrs.field(default=20_000, validator=_positive)
    columns: int = attrs.field(default=256, validator=_positive)
    cell_chars: int = attrs.field(default=32_767, validator=_positive)
    depth: int = attrs.field(default=64, validator=_positive)


DEFAULT_LIMITS = Limits()
"""The limits used when a reader is given none."""
