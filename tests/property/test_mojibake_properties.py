"""Laws of the plausibility check, on the domain's own texts.

* Genuine Chinese text of the domain (names, duties and bases of the Kunshan sample,
  cut and joined at random, with ASCII around it) is never refused, in any encoding the
  CSV reader accepts.
* The same text, encoded as UTF-8 and read as GB18030 (the mojibake that loaded in
  silence before), is always refused once it holds four or more Chinese characters.

A test of the test: a checker that accepts everything must fail the second law.
"""

from __future__ import annotations

import functools

from hypothesis import assume, given
from hypothesis import strategies as st

import kunshan_rbac as kr
from kunshan_rbac._mojibake import mojibake
from kunshan_rbac.formats.csv import decode_located


@functools.cache
def _texts() -> list[str]:
    graph = kr.load_sample()
    texts = {i.name for i in graph.items()} | {u.name for u in graph.units()}
    texts |= {r.duty for r in graph.records() if r.duty}
    texts |= {b for i in graph.items() for b in i.basis}
    return sorted(texts)


@st.composite
def domain_text(draw: st.DrawFn) -> str:
    """Pieces of sample texts, cut at random places and joined with ASCII between."""
    pieces = []
    for _ in range(draw(st.integers(1, 4))):
        text = draw(st.sampled_from(_texts()))
        start = draw(st.integers(0, len(text)))
        end = draw(st.integers(start, len(text)))
        pieces.append(text[start:end])
    glue = draw(st.sampled_from([",", " ", "、", "1,", "\t"]))
    return glue.join(pieces)


def _is_utf8(data: bytes) -> bool:
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


def _chinese(text: str) -> int:
    return sum("\u4e00" <= c <= "\u9fff" for c in text)


@given(domain_text())
def test_genuine_domain_text_is_never_refused(text: str) -> None:
    """Real domain text is plausible, and decodes back exactly from every accepted encoding."""
    assert mojibake(text) is None
    for encoding in ("utf-8", "utf-8-sig", "gb18030", "utf-16"):
        data = text.encode(encoding)
        if encoding == "gb18030" and _chinese(text) < 4 and _is_utf8(data):
            continue  # a few GB18030 characters can also be valid UTF-8: no way to tell
        assert decode_located(data, "t.csv") == text, encoding


@given(domain_text())
def test_utf8_read_as_gb18030_is_always_refused(text: str) -> None:
    """UTF-8 domain text read as GB18030 is refused when it has 4+ Chinese characters."""
    assume(_chinese(text) >= 4)
    garbled = text.encode("utf-8").decode("gb18030", "replace")
    assert mojibake(garbled) is not None


def _accepts_everything(_text: str) -> str | None:
    return None


def test_the_law_catches_a_checker_that_accepts_everything() -> None:
    """The second law, run against a checker that accepts all text, finds a counterexample."""
    garbled = [t.encode().decode("gb18030", "replace") for t in _texts() if _chinese(t) >= 4]
    assert any(_accepts_everything(g) is None for g in garbled)
    assert all(mojibake(g) is not None for g in garbled)
