"""The router's knowledge as data: how citizens speak of each duty item.

A `Lexicon` holds, per item code, the everyday words that point to the item
(``strong`` and plain ``keywords``), whole example ``phrasings``, and ``negative`` cues
that point away from it (the near-twin with another owner); besides, the ``filler``
every caller adds ("你好", "我拍了照片") and the ``decline`` classes, whose cues mark an
order that no list covers (praise, a utility outage, a police matter...).

The sample's lexicon ships with the library (`Lexicon.sample`); a JSON file in the
same format (`Lexicon.load`, schema ``router_lexicon.schema.json``) or a call
(`Lexicon.with_phrasings`, `Lexicon.extend`) adds a town's own wording.

Examples:
    >>> import kunshan_rbac as kr
    >>> lex = kr.Lexicon.sample()
    >>> "摆摊" in lex.entry("B-CJ-020").strong
    True
    >>> mine = lex.with_phrasings("B-CJ-020", ["夜市小吃车占了半条街"], keywords=["小吃车"])
    >>> "小吃车" in mine.entry("B-CJ-020").keywords
    True
"""

from __future__ import annotations

import json
import os
import tempfile
from collections.abc import Iterable, Mapping, Sequence
from importlib import resources
from pathlib import Path
from typing import Any

import attrs

from ._errors import LoadError, Problem

__all__ = ["DeclineClass", "Lexicon", "LexiconEntry"]

_FORMAT = "kunshan-rbac-lexicon"
_SAMPLE = "router_lexicon.json"
_EXAMPLES = "router_examples.json"
_SCHEMA = "router_lexicon.schema.json"


def _strings(value: Iterable[str]) -> tuple[str, ...]:
    if isinstance(value, str):
        raise TypeError(f"expected a list of strings, got the string {value!r}")
    return tuple(value)


@attrs.frozen
class LexiconEntry:
    """How citizens speak of one item.

    Attributes:
        strong: words that on their own point to the item (摆摊 for street vending).
        keywords: words that point to it with less weight.
        negative: cues that make it a different item (工厂 against night construction).
        phrasings: whole sentences as citizens write them; compared by character n-grams.
    """

    strong: tuple[str, ...] = attrs.field(default=(), converter=_strings)
    keywords: tuple[str, ...] = attrs.field(default=(), converter=_strings)
    negative: tuple[str, ...] = attrs.field(default=(), converter=_strings)
    phrasings: tuple[str, ...] = attrs.field(default=(), converter=_strings)

    def merged(self, other: LexiconEntry) -> LexiconEntry:
        """This entry with ``other``'s words added (duplicates dropped, order kept)."""
        def join(a: tuple[str, ...], b: tuple[str, ...]) -> tuple[str, ...]:
            return tuple(dict.fromkeys(a + b))

        return LexiconEntry(
            join(self.strong, other.strong),
            join(self.keywords, other.keywords),
            join(self.negative, other.negative),
            join(self.phrasings, other.phrasings),
        )

    def to_dict(self) -> dict[str, list[str]]:
        """The entry as in the file format (empty lists left out)."""
        fields = (("strong", self.strong), ("keywords", self.keywords),
                  ("negative", self.negative), ("phrasings", self.phrasings))
        return {name: list(value) for name, value in fields if value}


@attrs.frozen
class DeclineClass:
    """A kind of order that no list item covers, recognised by its cues.

    Attributes:
        name: a short name, e.g. ``"utility"``.
        reason: the one-line reason a declined route gives.
        cues: words that mark it (停电, 供电公司).
        phrasings: whole example orders of the class; an order that reads like one
            of them (character n-grams) leans towards declining.
    """

    name: str
    reason: str
    cues: tuple[str, ...] = attrs.field(converter=_strings)
    phrasings: tuple[str, ...] = attrs.field(default=(), converter=_strings)

    def merged(self, other: DeclineClass) -> DeclineClass:
        """This class with ``other``'s cues and phrasings added (its reason kept)."""
        return DeclineClass(self.name, self.reason,
                            tuple(dict.fromkeys(self.cues + other.cues)),
                            tuple(dict.fromkeys(self.phrasings + other.phrasings)))

    def to_dict(self) -> dict[str, Any]:
        """The class as in the file format (``phrasings`` left out when empty)."""
        doc: dict[str, Any] = {"name": self.name, "reason": self.reason,
                               "cues": list(self.cues)}
        if self.phrasings:
            doc["phrasings"] = list(self.phrasings)
        return doc


def _entries(value: Mapping[str, LexiconEntry]) -> dict[str, LexiconEntry]:
    return dict(value)


def _classes(value: Iterable[DeclineClass]) -> tuple[DeclineClass, ...]:
    return tuple(value)


@attrs.frozen
class Lexicon:
    """Phrasings, keywords and negative cues per item code, filler and decline classes.

    Values are immutable: `extend` and `with_phrasings` return a new lexicon.

    Attributes:
        entries: item code -> `LexiconEntry`.
        filler: phrases removed from every order before matching.
        decline: the `DeclineClass` values.
        source: where it was read from (a path, ``"<sample>"`` or ``"<memory>"``).
    """

    entries: Mapping[str, LexiconEntry] = attrs.field(converter=_entries)
    filler: tuple[str, ...] = attrs.field(default=(), converter=_strings)
    decline: tuple[DeclineClass, ...] = attrs.field(default=(), converter=_classes)
    source: str = "<memory>"

    def __len__(self) -> int:
        return len(self.entries)

    def entry(self, item: str) -> LexiconEntry:
        """The entry of an item code (an empty entry when it has none)."""
        return self.entries.get(item, LexiconEntry())

    # ------------------------------------------------------------------ reading

    @classmethod
    def sample(cls, *, examples: bool = True) -> Lexicon:
        """The lexicon shipped for the embedded Kunshan sample.

        Args:
            examples: add the shipped labelled example orders (``router_examples.json``,
                the same file format: each order a phrasing of its item, each
                out-of-list order a phrasing of its decline class) to the hand-written
                words of ``router_lexicon.json``. ``False`` gives the hand-written part
                alone (to measure what the examples add, or to bring your own).
        """
        data = resources.files("kunshan_rbac").joinpath("data")
        lexicon = cls.from_dict(json.loads(data.joinpath(_SAMPLE).read_text("utf-8")),
                                source="<sample>", check=False)
        if examples:
            mined = cls.from_dict(json.loads(data.joinpath(_EXAMPLES).read_text("utf-8")),
                                  source="<sample>", check=False)
            lexicon = lexicon.extend(mined)
        return lexicon

    @classmethod
    def load(cls, path: str | os.PathLike[str]) -> Lexicon:
        """Read a lexicon file (JSON, format ``kunshan-rbac-lexicon``).

        Raises:
            LoadError: the file is missing, is not JSON, or breaks the schema; every
                problem names the file, the line (for JSON syntax) or the field path
                (``items.B-CJ-020.keywords[2]``), the value and what was expected.
        """
        name = os.fspath(path)
        try:
            text = Path(name).read_text(encoding="utf-8")
        except FileNotFoundError:
            raise LoadError([Problem(name, expected="an existing lexicon file")]) from None
        except (OSError, UnicodeDecodeError) as exc:
            raise LoadError([Problem(name, expected=f"a readable UTF-8 file ({exc})")]) from None
        try:
            doc = json.loads(text)
        except json.JSONDecodeError as exc:
            raise LoadError([Problem(name, row=exc.lineno, column=f"character {exc.colno}",
                                     expected=f"valid JSON ({exc.msg})")]) from None
        return cls.from_dict(doc, source=name)

    @classmethod
    def from_dict(cls, doc: Any, *, source: str = "<memory>", check: bool = True) -> Lexicon:
        """Build a lexicon from a parsed document in the file format.

        Args:
            doc: the parsed JSON document.
            source: where it came from, for error messages.
            check: validate against the schema first (``False`` only for data the
                library ships and tests).

        Raises:
            LoadError: the document breaks the schema (every problem, located).
        """
        if check:
            problems = validate_lexicon(doc, source)
            if problems:
                raise LoadError(problems)
        entries = {code: LexiconEntry(**fields) for code, fields in doc["items"].items()}
        decline = [DeclineClass(d["name"], d["reason"], d["cues"], d.get("phrasings", ()))
                   for d in doc.get("decline", [])]
        return cls(entries, doc.get("filler", []), decline, source)

    # ------------------------------------------------------------------ extending

    def with_phrasings(
        self,
        item: str,
        phrasings: Sequence[str] = (),
        *,
        strong: Sequence[str] = (),
        keywords: Sequence[str] = (),
        negative: Sequence[str] = (),
    ) -> Lexicon:
        """A new lexicon with words added to one item's entry.

        Args:
            item: the item code.
            phrasings: whole example sentences.
            strong: words that on their own point to the item.
            keywords: weaker words.
            negative: cues that point away from it.

        Raises:
            LoadError: a value is empty or not a string (located as ``items.CODE.field[i]``).
        """
        fields = {"strong": list(strong), "keywords": list(keywords),
                  "negative": list(negative), "phrasings": list(phrasings)}
        return self.extend({item: {k: v for k, v in fields.items() if v}})

    def extend(self, other: Lexicon | Mapping[str, Mapping[str, Sequence[str]]]) -> Lexicon:
        """A new lexicon with another lexicon's (or a mapping's) entries merged in.

        Words are added to existing entries, never removed; filler and decline
        classes of ``other`` (when a `Lexicon`) are added too.

        Args:
            other: a `Lexicon`, or item code -> ``{"strong": [...], "keywords": [...],
                "negative": [...], "phrasings": [...]}``.

        Raises:
            LoadError: the mapping breaks the schema.
        """
        if not isinstance(other, Lexicon):
            doc = {"format": _FORMAT, "version": 1,
                   "items": {code: dict(fields) for code, fields in other.items()}}
            other = Lexicon.from_dict(doc, source="<extension>")
        entries = dict(self.entries)
        for code, entry in other.entries.items():
            entries[code] = entries[code].merged(entry) if code in entries else entry
        filler = tuple(dict.fromkeys(self.filler + other.filler))
        classes = {d.name: d for d in self.decline}
        for d in other.decline:
            classes[d.name] = classes[d.name].merged(d) if d.name in classes else d
        decline = tuple(classes.values())
        return Lexicon(entries, filler, decline, self.source)

    # ------------------------------------------------------------------ writing

    def to_dict(self) -> dict[str, Any]:
        """The lexicon in the file format."""
        return {
            "format": _FORMAT,
            "version": 1,
            "filler": list(self.filler),
            "decline": [d.to_dict() for d in self.decline],
            "items": {code: e.to_dict() for code, e in sorted(self.entries.items())},
        }

    def write(self, path: str | os.PathLike[str]) -> None:
        """Write the lexicon as JSON (through a temporary file in the same folder)."""
        target = Path(path)
        text = json.dumps(self.to_dict(), ensure_ascii=False, indent=1) + "\n"
        fd, tmp = tempfile.mkstemp(dir=target.parent or Path("."), suffix=".tmp")
        try:
            with os.fdopen(fd, "w", encoding="utf-8") as handle:
                handle.write(text)
            os.replace(tmp, target)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise


def _schema() -> dict[str, Any]:
    text = resources.files("kunshan_rbac").joinpath("data", _SCHEMA).read_text("utf-8")
    schema: dict[str, Any] = json.loads(text)
    return schema


def _path(parts: Iterable[object]) -> str:
    out = ""
    for part in parts:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out or "(document)"


def validate_lexicon(doc: Any, source: str) -> list[Problem]:
    """Every way ``doc`` breaks the lexicon schema, each as a located `Problem`.

    Beyond the schema, a word that is blank after stripping is refused.
    """
    import jsonschema

    validator = jsonschema.Draft202012Validator(_schema())
    problems = [
        Problem(source, column=_path(err.absolute_path), value=err.instance
                if not isinstance(err.instance, (dict, list)) else None,
                expected=err.message)
        for err in sorted(validator.iter_errors(doc), key=lambda e: list(map(str, e.path)))
    ]
    if problems or not isinstance(doc, dict):
        return problems
    for code, fields in doc["items"].items():
        for name, words in fields.items():
            for i, word in enumerate(words):
                if not word.strip():
                    problems.append(Problem(source, column=f"items.{code}.{name}[{i}]",
                                            value=word, expected="a non-blank word or phrase"))
    return problems
