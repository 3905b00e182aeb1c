"""The file formats of duty lists: workbooks and CSV files, read and written.

Each module does one thing:

* `cells`: one cell's text (cleaning, splitting names and bases, formula guards, codes,
  power types);
* `table`: a sheet or CSV file as rows of raw values, and a place in it;
* `headers`: the columns of each list, the names real lists give them, the header row;
* `rows`: the data rows under a header (notes skipped, sections and 领域 carried down);
* `units`: the 单位 catalogue, and unit names resolved through the graph's catalogue;
* `items`: the 事项 catalogue, and the items list rows name, with their facts;
* `powers`: a 领域 column (事项类别, 类别) whose values are power types, read as such;
* `build`: list rows to records, and records to the graph;
* `xlsx`, `csv`: files to tables and back;
* `read`: `read_lists`, the pipeline of the steps above;
* `write`: `write_lists`.

A new layout is a change to one of them: a header wording to `headers`, a row shape to
`rows`, a file format to a module of its own.
"""

from __future__ import annotations

from .read import read_lists
from .write import FORMATS, RECLAIMED_PLACEHOLDER, write_lists

__all__ = ["FORMATS", "RECLAIMED_PLACEHOLDER", "read_lists", "write_lists"]
