"""Templates and Markdown. Markdown from content or users is sanitised before it is HTML."""

from __future__ import annotations

import html as html_lib
import re
from pathlib import Path
from typing import Any

import nh3
from fastapi import Request
from fastapi.templating import Jinja2Templates
from markdown_it import MarkdownIt
from markupsafe import Markup
from starlette.responses import Response

from masterpath.services import skills
from masterpath.web import charts, formats

HERE = Path(__file__).parent
_markdown = MarkdownIt("commonmark", {"html": False, "linkify": False}).enable("table")
_TAGS = {
    "a",
    "p",
    "em",
    "strong",
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
}


def markdown(text: str) -> Markup:
    """Markdown → HTML with only safe tags; raw HTML in the source is never passed through."""
    html = _markdown.render(text or "")
    clean = nh3.clean(
        html,
        tags=_TAGS,
        attributes={"a": {"href", "title"}},
        url_schemes={"https", "http", "mailto"},
        link_rel="noopener noreferrer nofollow",
    )
    return Markup(clean)  # sanitised by nh3 just above


_H2 = re.compile(r"<h2>(.*?)</h2>", re.S)


def lesson(text: str) -> Markup:
    """A lesson: sanitised Markdown whose sections carry the anchors the mentor cites."""
    html = str(markdown(text))

    def with_id(found: re.Match[str]) -> str:
        title = html_lib.unescape(re.sub(r"<[^>]+>", "", found.group(1)))
        return f'<h2 id="{skills.anchor(title)}">{found.group(1)}</h2>'

    return Markup(_H2.sub(with_id, html))  # ids are [a-z0-9-] only


def inline(text: str) -> Markup:
    """One line of Markdown (code, emphasis) without a paragraph around it, sanitised."""
    html = _markdown.renderInline(text or "")
    return Markup(nh3.clean(html, tags={"code", "em", "strong"}, attributes={}))  # sanitised


def cleaned(text: str) -> Markup:
    """HTML from elsewhere (an imported Anki card), sanitised again as it is shown."""
    clean = nh3.clean(
        text or "",
        tags=_TAGS | {"b", "i", "u", "sub", "sup", "div", "span"},
        attributes={"a": {"href", "title"}},
        url_schemes={"https", "http", "mailto"},
        link_rel="noopener noreferrer nofollow",
    )
    return Markup(clean)  # sanitised by nh3 just above


def money(value: int, currency: str = "USD") -> str:
    symbol = {"USD": "$", "EUR": "€", "GBP": "£"}.get(currency, "")
    return f"{symbol}{value:,}"


def label(value: str) -> str:
    return value.replace("_", " ").capitalize()


def lines(text: str, width: int = 22, count: int = 2) -> list[str]:
    """Words wrapped into at most `count` lines of about `width` characters (… when cut)."""
    found: list[str] = []
    for word in text.split():
        if found and len(found[-1]) + 1 + len(word) <= width:
            found[-1] += " " + word
        else:
            found.append(word)
    if len(found) > count:
        found = found[:count]
        found[-1] = found[-1][: width - 1].rstrip() + "…"
    return [line if len(line) <= width else line[: width - 1] + "…" for line in found]


def make_templates() -> Jinja2Templates:
    templates = Jinja2Templates(directory=str(HERE / "templates"))
    templates.env.filters.update(
        markdown=markdown,
        lesson=lesson,
        inline=inline,
        cleaned=cleaned,
        money=money,
        label=label,
        lines=lines,
    )
    templates.env.filters.update(formats.FILTERS)
    templates.env.globals.update(formats.GLOBALS)
    templates.env.globals.update(
        Plot=charts.Plot,
        time_plot=charts.time_plot,
        time_ticks=charts.time_ticks,
        nice=charts.nice,
    )
    return templates


def render(
    request: Request, name: str, context: dict[str, Any] | None = None, *, status: int = 200
) -> Response:
    templates: Jinja2Templates = request.app.state.templates
    base = {"viewer": request.state.viewer, "csrf_token": request.state.csrf_token}
    return templates.TemplateResponse(
        request, name, {**base, **(context or {})}, status_code=status
    )
