"""Rich text from organizers and imports, made safe for the public site."""

from __future__ import annotations

import functools
import html
import re

import nh3

from .safe_values import safe_line, safe_text

ALLOWED_TAGS = frozenset(
    {
        "p",
        "a",
        "em",
        "strong",
        "ul",
        "ol",
        "li",
        "h2",
        "h3",
        "h4",
        "code",
        "pre",
        "blockquote",
        "br",
    }
)
ALLOWED_ATTRIBUTES = {"a": {"href"}}
URL_SCHEMES = frozenset({"http", "https", "mailto"})
_LOOKS_LIKE_HTML = re.compile(r"<(?:[a-zA-Z][a-zA-Z0-9]*|/[a-zA-Z])[^>]*>")
_EMPTY_PARAGRAPH = re.compile(r"<p>(?:\s|&nbsp;|<br>)*</p>")


@functools.lru_cache(maxsize=4096)
def sanitize(text: str) -> str:
    """Allowlisted HTML; plain text is read as Markdown (raw HTML in it is not trusted)."""
    if not text or not text.strip():
        return ""
    source = text if _LOOKS_LIKE_HTML.search(text) else _markdown(text)
    cleaned = nh3.clean(
        source,
        tags=set(ALLOWED_TAGS),
        attributes={k: set(v) for k, v in ALLOWED_ATTRIBUTES.items()},
        url_schemes=set(URL_SCHEMES),
        link_rel="noopener",
        strip_comments=True,
    )
    # Markdown and nh3 decode entities (&#0;, &#xfffe;) into characters no page may carry.
    return safe_text(_EMPTY_PARAGRAPH.sub("", cleaned)).strip()


@functools.lru_cache(maxsize=4096)
def plain_text(text: str) -> str:
    """Text content with tags dropped and whitespace collapsed (for feeds and search)."""
    if not text:
        return ""
    spaced = re.sub(r"<(?:br|/p|/li|/h[1-6])\s*/?>", " ", text, flags=re.IGNORECASE)
    stripped = html.unescape(nh3.clean(spaced, tags=set()))
    # Unescaping can make characters no feed may carry (&#0;, &#xb;): they go here.
    return re.sub(r"\s+", " ", safe_line(stripped)).strip()


def _markdown(text: str) -> str:
    return _markdown_parser().render(text)


@functools.cache
def _markdown_parser():
    from markdown_it import MarkdownIt  # noqa: PLC0415 — on the first Markdown text only: the API imports this module (biographies are cleaned on save) and its cold start must not pay markdown-it's ~20 ms (bench/cold_start.py)

    return MarkdownIt("commonmark", {"html": False, "linkify": False})
