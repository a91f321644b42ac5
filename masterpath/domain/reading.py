"""How much a Markdown text asks of its reader: prose words, code lines, worked examples. Pure.

Prose and code are counted apart: a lesson's depth is its prose (code in fenced blocks is not
words a learner reads as sentences), and its reading time adds the code at its own pace.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

# Technical prose read with attention (a learner who stops to follow an argument): 150 words a
# minute, well under the 230-250 of light reading. Code is read line by line: 10 lines a minute.
WORDS_PER_MINUTE = 150
CODE_LINES_PER_MINUTE = 10

_WORD = re.compile(r"[A-Za-z0-9][\w'’-]*")
_FENCE = re.compile(r"^ {0,3}(`{3,}|~{3,})")
_WORKED = re.compile(r"^#{2,3}\s+worked example", re.IGNORECASE)


@dataclass(frozen=True)
class Reading:
    prose_words: int  # words outside fenced code blocks
    code_lines: int  # non-blank lines inside fenced code blocks
    worked_examples: int  # `##` or `###` headings that start with "Worked example"

    @property
    def minutes(self) -> float:
        return self.prose_words / WORDS_PER_MINUTE + self.code_lines / CODE_LINES_PER_MINUTE


def measure(markdown: str) -> Reading:
    """Count the prose words, code lines and worked-example headings of `markdown`."""
    words = code = worked = 0
    fence = ""
    for line in markdown.splitlines():
        opened = _FENCE.match(line)
        if fence:
            if opened and opened.group(1)[0] == fence[0] and len(opened.group(1)) >= len(fence):
                fence = ""
            elif line.strip():
                code += 1
        elif opened:
            fence = opened.group(1)
        else:
            words += len(_WORD.findall(line))
            worked += bool(_WORKED.match(line))
    return Reading(prose_words=words, code_lines=code, worked_examples=worked)
