"""Where each benchmark's data lives, found from this package and never from the working
directory, and where a user gets what is missing.

The labelled sets written for MasterPath are in the repository (`tests/fixtures/`); public
research data sits beside the clone in `../shared/data/` (see `make bench`) and is never
copied into the repository.
"""

from __future__ import annotations

from pathlib import Path

from masterpath.errors import InvalidInput

ROOT = Path(__file__).parents[2]  # the repository, in a clone or an editable install
FIXTURES = ROOT / "tests" / "fixtures"
SHARED = ROOT.parent / "shared" / "data"

GRADING = SHARED / "asag" / "cs_short_answers_dev.csv"
GRADING_SOURCE = (
    "a CSV of the UNT short-answer set of Mohler, Bunescu & Mihalcea (ACL 2011, "
    "https://aclanthology.org/P11-1076/), assignments 1-6, with the columns id, question, "
    "desired_answer, student_answer, score_me, score_other, score_avg; pass it with --data FILE"
)
KT_TRAIN = SHARED / "kt" / "assist2009" / "train_fold1.csv"
KT_TEST = SHARED / "kt" / "assist2009" / "valid_fold1.csv"
KT_SOURCE = (
    "ASSISTments 2009 in the DKVMN split format (3 lines per learner: count, skill ids, 0/1), "
    "as in data/assist2009_updated of https://github.com/jennyzhang0215/DKVMN; "
    "pass it with --train FILE --test FILE"
)
FIXTURE_SOURCE = "it is in a clone of the MasterPath repository, under tests/fixtures/"


def require(path: Path, *, what: str, source: str = FIXTURE_SOURCE) -> Path:
    """`path` when it exists; otherwise one line naming the file, what it is and where to get it."""
    if not path.exists():
        raise InvalidInput(f"{path} not found: this benchmark needs {what}; {source}")
    return path
