"""The built documentation site: the API reference renders well, and search finds Chinese.

The site is built once per run with ``mkdocs build`` (about 20 seconds), or taken from
``KUNSHAN_RBAC_SITE`` when a build already exists (``.ci/run`` passes its docs build).
Without mkdocs (the ``docs`` extra) the tests are skipped; ``.ci/run`` runs them in its
docs step, where the extra is installed.
"""

from __future__ import annotations

import html
import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

import kunshan_rbac as kr

ROOT = Path(__file__).resolve().parents[2]
DOCS = ROOT / "docs"
SNIPPET = re.compile(r'^--8<-- "([^"]+)"$', re.MULTILINE)
WORDS = ("下放", "收回", "玉山镇", "住宅专项维修资金")


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The built site: KUNSHAN_RBAC_SITE, or a fresh strict build."""
    given = os.environ.get("KUNSHAN_RBAC_SITE")
    if given:
        return Path(given)
    pytest.importorskip("mkdocs", reason="the docs extra builds the site")
    out = tmp_path_factory.mktemp("site")
    subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "--quiet", "--site-dir", str(out)],
        cwd=ROOT,
        check=True,
        env={**os.environ, "NO_MKDOCS_2_WARNING": "1"},
    )
    return out


# --- what the checks look for, kept apart so that they can be tested on bad pages -------


def article_text(page: str) -> str:
    """The visible text of a page's article (tags and attributes removed)."""
    match = re.search(r"<article\b.*?</article>", page, re.DOTALL)
    body = match.group(0) if match else page
    body = re.sub(r"<(script|style)\b.*?</\1>", " ", body, flags=re.DOTALL)
    return html.unescape(re.sub(r"<[^>]+>", " ", body))


def blockquoted_prompts(page: str) -> list[str]:
    """Blockquotes whose text holds a doctest prompt (``>>>`` misread as Markdown quotes)."""
    quotes = re.findall(r"<blockquote>(.*?)</blockquote>", page, re.DOTALL)
    found = [q for q in quotes if "import kunshan_rbac" in html.unescape(q)]
    found += [q for q in quotes if "&gt;&gt;&gt;" in q or ">>>" in html.unescape(q)]
    return found


def private_names(page: str) -> set[str]:
    """Names with one leading underscore in what the reference shows of the source: base
    classes, signatures, headings and code blocks (prose may name a column suffix such as
    ``_label``; dunders are public protocol and not counted)."""
    shown = re.findall(
        r'<p class="doc doc-class-bases">.*?</p>|<pre\b.*?</pre>|<h[1-6]\b.*?</h[1-6]>',
        page,
        re.DOTALL,
    )
    text = html.unescape(re.sub(r"<[^>]+>", " ", " ".join(shown)))
    return set(re.findall(r"(?<![\w])_[A-Za-z]\w*", text))


def returns_rows(page: str) -> list[int]:
    """For each "Returns:" table of the page, its number of rows."""
    tables = re.findall(
        r'doc-section-title">Returns:</span></p>\s*<table>(.*?)</table>', page, re.DOTALL
    )
    return [t.count('class="doc-section-item"') for t in tables]


def index_tokens(entry: dict[str, str], separator: str) -> set[str]:
    """The words the search splits an index entry into (title and text, lower-cased)."""
    words = re.split(separator, f"{entry['title']} {entry['text']}".lower())
    return {html.unescape(re.sub(r"<[^>]+>", "", w)) for w in words}


def page_url(source: Path) -> str:
    """The site URL of a Markdown page, as the search index spells its locations."""
    rel = source.relative_to(DOCS).with_suffix("").as_posix()
    if rel == "index":
        return ""
    if rel.endswith("/index"):
        rel = rel[: -len("/index")]
    return rel + "/"


def source_text(source: Path) -> str:
    """A page's Markdown with its ``--8<--`` snippets inlined."""
    text = source.read_text(encoding="utf-8")
    return SNIPPET.sub(lambda m: (ROOT / m.group(1)).read_text(encoding="utf-8"), text)


# --- the API reference ---------------------------------------------------------------


def test_api_examples_render_as_code(site: Path) -> None:
    """Docstring examples are code blocks, never ``>>>`` lines nested in blockquotes."""
    page = (site / "reference" / "api" / "index.html").read_text(encoding="utf-8")
    assert blockquoted_prompts(page) == []
    code = "".join(re.findall(r"<pre\b.*?</pre>", page, re.DOTALL))
    assert "kunshan_rbac" in html.unescape(re.sub(r"<[^>]+>", "", code))


def test_api_shows_no_private_names(site: Path) -> None:
    """No private name (``_SPECS``, ``_standalone``, a private base class) shows as source."""
    page = (site / "reference" / "api" / "index.html").read_text(encoding="utf-8")
    assert private_names(page) == set()


def test_api_returns_sections_are_one_entry(site: Path) -> None:
    """Every "Returns" section renders as one row, not its text split into bogus rows."""
    page = (site / "reference" / "api" / "index.html").read_text(encoding="utf-8")
    rows = returns_rows(page)
    assert rows
    assert set(rows) == {1}


def test_the_checks_catch_a_badly_rendered_page() -> None:
    """The checks above fail on a page with a quoted prompt, a private name, a split Returns."""
    bad = (
        "<article><blockquote><blockquote><p>import kunshan_rbac as kr</p></blockquote>"
        "</blockquote><pre><code>RULES = tuple(_standalone(x) for x in _SPECS)</code></pre>"
        '<p class="doc doc-class-bases">Bases: <code>_LabelledEnum</code></p>'
        "<p>a <code>_label</code> column</p>"
        '<p><span class="doc-section-title">Returns:</span></p><table>'
        '<tr class="doc-section-item"></tr><tr class="doc-section-item"></tr></table>'
        "<p>__init__ kunshan_rbac</p></article>"
    )
    assert blockquoted_prompts(bad)
    assert private_names(bad) == {"_standalone", "_SPECS", "_LabelledEnum"}
    assert returns_rows(bad) == [2]


# --- Chinese search ------------------------------------------------------------------


def test_search_finds_every_page_that_holds_a_chinese_word(site: Path) -> None:
    """下放, 收回, 玉山镇 and 住宅专项维修资金 are whole words in every page that uses them.

    The expected pages come from the Markdown sources; a page is found when one of its
    index entries holds the word as a token, split the way the site's search splits text.
    """
    index = json.loads((site / "search" / "search_index.json").read_text(encoding="utf-8"))
    separator = index["config"]["separator"]
    tokens: dict[str, set[str]] = {}
    for entry in index["docs"]:
        page = entry["location"].split("#")[0]
        tokens.setdefault(page, set()).update(index_tokens(entry, separator))
    sources = sorted(DOCS.rglob("*.md"))
    for word in WORDS:
        expected = {page_url(s) for s in sources if word in source_text(s)}
        assert expected, word
        found = {page for page, words in tokens.items() if word in words}
        assert expected - found == set(), word


def test_search_tokens_split_on_the_segmenter_mark() -> None:
    """A word cut out by the segmenter is a token; one run into its neighbours is not."""
    separator = r"[\s\u200b\-]+"
    cut = {"title": "", "text": "\u200b玉山镇\u200b的\u200b住宅专项维修资金"}
    assert {"玉山镇", "住宅专项维修资金"} <= index_tokens(cut, separator)
    joined = {"title": "", "text": "玉山镇的住宅专项维修资金"}
    assert "玉山镇" not in index_tokens(joined, separator)


def test_search_dictionary_names_every_unit_of_the_sample() -> None:
    """The segmenter's dictionary keeps every unit name and alias of the sample whole."""
    terms = ROOT / "tools" / "search_terms.txt"
    words = {line.split()[0] for line in terms.read_text(encoding="utf-8").splitlines()}
    names = {n for u in kr.load_sample().units() for n in (u.name, *u.aliases)}
    assert names - words == set()
    assert set(WORDS) - {"玉山镇"} <= words
