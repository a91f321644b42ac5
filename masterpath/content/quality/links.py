"""Resource URLs: well formed, and each listed in content/LINKS.md."""

from __future__ import annotations

import re
from collections.abc import Sequence

from masterpath.content.schema import Pack
from masterpath.errors import Problem

_URL = re.compile(r"^https://[A-Za-z0-9.-]+\.[A-Za-z]{2,}(?::\d+)?(?:/[^\s]*)?$")


def check_links(packs: Sequence[Pack], links: set[str]) -> list[Problem]:
    found = []
    for pack in packs:
        urls = [(f"career {c.slug}", r.url) for c in pack.careers for r in c.resources]
        urls += [
            (f"career {c.slug}", cert.url)
            for c in pack.careers
            for cert in c.certifications
            if cert.url
        ]
        urls += [(f"skill {s.id}", r.url) for s in pack.skills for r in s.resources]
        for where, url in urls:
            if not _URL.match(url):
                found.append(Problem(f"malformed URL {url}", field=where))
            elif url not in links:
                found.append(Problem(f"{url} is not listed in content/LINKS.md", field=where))
    return found


def listed_links(markdown: str) -> set[str]:
    """Every https URL in a LINKS.md file."""
    return set(re.findall(r"https://[^\s|)>\]]+", markdown))
