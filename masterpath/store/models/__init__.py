"""Tables. Content rows are kept when retired; history is never rewritten.

One module an area; every table is imported here, so `from masterpath.store.models import X`
works for each and `Base.metadata` (what Alembic compares) holds them all."""

from __future__ import annotations

from masterpath.store.models.accounts import (
    LoginAttempt,
    LoginSession,
    ResetToken,
    SsoIdentity,
    User,
)
from masterpath.store.models.base import Base, table_of
from masterpath.store.models.content import (
    CardRow,
    CareerRow,
    EmbeddingRow,
    ItemRow,
    PackLoad,
    PackRow,
    Revision,
    SkillRow,
)
from masterpath.store.models.evidence import (
    Assessment,
    Evidence,
    EvidenceRedaction,
    EvidenceVoid,
    ItemReport,
    KtParams,
    LearnerState,
    MasteryReopening,
    SkillState,
)
from masterpath.store.models.outbox import InstallKey, MailOutbox, OutboxLease, XapiOutbox, XapiVoid
from masterpath.store.models.sharing import Badge, Cohort, Membership
from masterpath.store.models.study import (
    HintReveal,
    LearnerCard,
    MentorMessage,
    PersonalCard,
    PersonalReview,
    ResourceMark,
    StudyTime,
    TaskSubmission,
    Track,
)

__all__ = [
    "Assessment",
    "Badge",
    "Base",
    "CardRow",
    "CareerRow",
    "Cohort",
    "EmbeddingRow",
    "Evidence",
    "EvidenceRedaction",
    "EvidenceVoid",
    "HintReveal",
    "InstallKey",
    "ItemReport",
    "ItemRow",
    "KtParams",
    "LearnerCard",
    "LearnerState",
    "LoginAttempt",
    "LoginSession",
    "MailOutbox",
    "MasteryReopening",
    "Membership",
    "MentorMessage",
    "OutboxLease",
    "PackLoad",
    "PackRow",
    "PersonalCard",
    "PersonalReview",
    "ResetToken",
    "ResourceMark",
    "Revision",
    "SkillRow",
    "SkillState",
    "SsoIdentity",
    "StudyTime",
    "TaskSubmission",
    "Track",
    "User",
    "XapiOutbox",
    "XapiVoid",
    "table_of",
]
