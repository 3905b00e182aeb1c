"""Text matching for the work-order router: normalisation, cue search and n-gram vectors.

Everything here is plain Python over characters: a citizen's text is folded
(`fold_text`), the filler a caller adds to every order ("你好", "请尽快处理") is cut out
(`strip_filler`), then two indexes score it against the lexicon's items:

* `CueIndex` finds which keywords and phrases occur in the text (substring search,
  indexed by each cue's first two characters, so a text is read once);
* `NgramIndex` compares the text's character bigrams with each item's phrasings by
  TF-IDF cosine, so that an order worded unlike any keyword still lands near the
  phrasings it resembles.

Examples:
    >>> fold_text("喂，你好！振新路 摆摊。")
    '喂你好振新路摆摊'
    >>> char_ngrams("摆摊了", 2)
    ['摆摊', '摊了']
"""

from __future__ import annotations

import math
import re
import unicodedata
from collections import Counter
from collections.abc import Callable, Iterable, Mapping, Sequence

__all__ = [
    "CueIndex",
    "NgramIndex",
    "char_ngrams",
    "fold_text",
    "strip_filler",
]

# Traditional forms and slips that speech-to-text and hurried typing produce often
# enough to matter; folded before any matching.
_VARIANTS = str.maketrans({
    "後": "后", "裏": "里", "裡": "里", "髒": "脏", "亂": "乱", "噪": "噪", "聲": "声",
    "車": "车", "電": "电", "燒": "烧", "煙": "烟", "攤": "摊", "擺": "摆", "廠": "厂",
})


# Everything that is not a letter or a digit (white space, punctuation, symbols, "_").
_DROP = re.compile(r"[\W_]+")


def fold_text(text: str) -> str:
    """Fold a text to the form cues are matched in.

    NFKC (full-width to half-width), case-folded, a few traditional characters
    simplified, and white space and punctuation removed: a spoken order without
    punctuation and a typed one with it fold to the same string.

    Args:
        text: the order as written.

    Returns:
        The folded text.
    """
    return _DROP.sub("", unicodedata.normalize("NFKC", text).casefold().translate(_VARIANTS))


def strip_filler(folded: str, filler: Sequence[str]) -> str:
    """Remove filler phrases (already folded, longest first) from a folded text.

    Args:
        folded: a text folded by `fold_text`.
        filler: folded filler phrases, longest first so that a long phrase is cut
            before a short one inside it.

    Returns:
        The text without them.
    """
    for phrase in filler:
        if phrase in folded:
            folded = folded.replace(phrase, "")
    return folded


def char_ngrams(text: str, n: int) -> list[str]:
    """The character n-grams of ``text``, in order (empty when it is shorter than n).

    Examples:
        >>> char_ngrams("油烟味", 2)
        ['油烟', '烟味']
    """
    return [text[i : i + n] for i in range(len(text) - n + 1)]


class CueIndex:
    """Which of many short cues occur in a text, found in one pass over the text.

    Cues are grouped by their first two characters (a cue of one character is
    grouped by itself); a text is scanned once for its bigrams and only the cues
    starting with one of them are tested with ``in``.

    Args:
        cues: the cues (already folded); each at least one character long.
    """

    def __init__(self, cues: Iterable[str]) -> None:
        by_head: dict[str, list[str]] = {}
        singles: list[str] = []
        for cue in sorted(set(cues)):
            if not cue:
                continue
            if len(cue) == 1:
                singles.append(cue)
            else:
                by_head.setdefault(cue[:2], []).append(cue)
        self._by_head = by_head
        self._singles = singles

    def __len__(self) -> int:
        return sum(len(v) for v in self._by_head.values()) + len(self._singles)

    def find(self, text: str) -> list[str]:
        """The cues that occur in ``text``, each once, in order of first occurrence."""
        found: list[str] = []
        seen: set[str] = set()
        by_head = self._by_head
        for i in range(len(text) - 1):
            group = by_head.get(text[i : i + 2])
            if group is None:
                continue
            for cue in group:
                if cue not in seen and text.startswith(cue, i):
                    seen.add(cue)
                    found.append(cue)
        for cue in self._singles:
            if cue in text and cue not in seen:
                seen.add(cue)
                found.append(cue)
        return found

    def find_maximal(self, text: str) -> list[str]:
        """Like `find`, without the cues that lie inside a longer cue found in the text.

        ``房东`` is not reported when ``二房东`` is: the longer cue says what the text
        means.

        Examples:
            >>> CueIndex(["房东", "二房东"]).find_maximal("二房东隔成小间")
            ['二房东']
        """
        return self.maximal(self.find(text))

    @staticmethod
    def maximal(found: list[str]) -> list[str]:
        """The cues of ``found`` that lie inside no longer cue of ``found``."""
        if len(found) < 2:
            return found
        return [c for c in found if not any(len(o) > len(c) and c in o for o in found)]


class NgramIndex:
    """TF-IDF cosine between a text and labelled documents, over character n-grams.

    Each label (an item code) gets one vector from all its documents (phrasings);
    scoring a text touches only the postings of the text's own n-grams.

    Args:
        documents: label -> its texts (already folded).
        sizes: the n-gram sizes to use, e.g. ``(2,)`` or ``(2, 3)``.
        max_df: n-grams found in more than this share of the labels ("处罚", "对在") still
            count in a text's length but are not scored: they say nothing about which
            label fits, and their long postings would cost most of the time.
        max_postings: keep, for each n-gram, only the labels it weighs most in (``None``:
            all); a cosine is then a slight underestimate, and scoring is faster.
        group: label -> its group; ``max_postings`` then applies within each group
            (``None``: one group).
    """

    def __init__(
        self,
        documents: Mapping[str, Sequence[str]],
        sizes: Sequence[int] = (2,),
        *,
        max_df: float = 1.0,
        max_postings: int | None = None,
        group: Callable[[str], object] | None = None,
    ) -> None:
        self._sizes = tuple(sizes)
        counts: dict[str, Counter[str]] = {}
        for label, texts in documents.items():
            tf: Counter[str] = Counter()
            for text in texts:
                tf.update(self._grams(text))
            if tf:
                counts[label] = tf
        df: Counter[str] = Counter()
        for tf in counts.values():
            df.update(tf.keys())
        total = len(counts)
        log = math.log
        self._idf = {g: log((1 + total) / (1 + d)) + 1.0 for g, d in df.items()}
        # An n-gram no document has weighs like the rarest one: it makes the text
        # less like every label, as it should.
        self._unseen = log(1 + total) + 1.0
        idf = self._idf
        postings: dict[str, list[tuple[str, float]]] = {}
        common = max_df * total
        for label, tf in counts.items():
            weights = [(g, idf[g] if c == 1 else (1.0 + log(c)) * idf[g])
                       for g, c in tf.items()]
            norm = math.sqrt(sum(w * w for _, w in weights)) or 1.0
            for gram, weight in weights:
                if df[gram] <= common:
                    postings.setdefault(gram, []).append((label, weight / norm))
        if max_postings is not None:
            # Keep the labels an n-gram weighs most in: the rest add little to any
            # cosine and cost time on every text that has the n-gram.
            for gram, posting in postings.items():
                if len(posting) <= max_postings:
                    continue
                posting.sort(key=lambda lw: -lw[1])
                if group is None:
                    del posting[max_postings:]
                    continue
                taken: dict[object, int] = {}
                kept = []
                for label, weight in posting:
                    key = group(label)
                    if taken.get(key, 0) < max_postings:
                        taken[key] = taken.get(key, 0) + 1
                        kept.append((label, weight))
                postings[gram] = kept
        self._postings = postings

    def _grams(self, text: str) -> list[str]:
        grams: list[str] = []
        for n in self._sizes:
            grams.extend(char_ngrams(text, n))
        return grams

    def scores(
        self, text: str, labels: frozenset[str] | set[str] | None = None
    ) -> dict[str, float]:
        """Cosine similarity of ``text`` with every label that shares an n-gram with it.

        Args:
            text: a folded text.
            labels: only these labels (``None``: all).

        Returns:
            label -> cosine in [0, 1]; labels sharing nothing are absent.
        """
        idf_get = self._idf.get
        unseen = self._unseen
        postings = self._postings
        norm2 = 0.0
        hits: list[tuple[float, list[tuple[str, float]]]] = []
        for gram, count in Counter(self._grams(text)).items():
            weight = idf_get(gram, unseen)
            if count > 1:
                weight *= 1.0 + math.log(count)
            norm2 += weight * weight
            posting = postings.get(gram)
            if posting is not None:
                hits.append((weight, posting))
        norm = math.sqrt(norm2) or 1.0
        result: dict[str, float] = {}
        get = result.get
        for weight, posting in hits:
            w = weight / norm
            if labels is None:
                for label, lw in posting:
                    result[label] = get(label, 0.0) + w * lw
            else:
                for label, lw in posting:
                    if label in labels:
                        result[label] = get(label, 0.0) + w * lw
        return result
