"""HTML from other tools (Anki fields), sanitised with nh3 as the web layer sanitises Markdown."""

from __future__ import annotations

import html

import nh3

TAGS = {
    "a",
    "p",
    "em",
    "strong",
    "b",
    "i",
    "u",
    "sub",
    "sup",
    "code",
    "pre",
    "ul",
    "ol",
    "li",
    "blockquote",
    "h2",
    "h3",
    "h4",
    "table",
    "thead",
    "tbody",
    "tr",
    "th",
    "td",
    "hr",
    "br",
    "div",
    "span",
}


def clean(text: str) -> str:
    """Only safe tags and attributes; scripts, styles, images and event handlers go."""
    return nh3.clean(
        text,
        tags=TAGS,
        attributes={"a": {"href", "title"}},
        url_schemes={"https", "http", "mailto"},
        link_rel="noopener noreferrer nofollow",
    ).strip()


def from_text(text: str) -> str:
    """Plain text or Markdown as HTML an Anki field shows as written (escaped, line breaks)."""
    return html.escape(text).replace("\n", "<br>")
