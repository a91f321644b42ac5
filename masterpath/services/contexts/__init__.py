"""The JSON-LD contexts badges are canonicalised with, shipped as files (README.md here names
their sources). Each file's SHA-256 is pinned: a changed file is refused, never used."""

from __future__ import annotations

import hashlib
import json
from importlib import resources
from typing import Any

from masterpath.errors import ConfigurationError

VC_V2 = "https://www.w3.org/ns/credentials/v2"
OB_V3 = "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"
EXAMPLES_V2 = "https://www.w3.org/ns/credentials/examples/v2"

FILES = {
    VC_V2: (
        "credentials-v2.jsonld",
        "59955ced6697d61e03f2b2556febe5308ab16842846f5b586d7f1f7adec92734",
    ),
    OB_V3: (
        "ob-context-3.0.3.json",
        "ef2fa9c7846dce233cc166b43639027278be4ee44f00bb1d45c75de2dd0cd761",
    ),
    EXAMPLES_V2: (
        "credentials-examples-v2.jsonld",
        "57393fbc69d6efb9b9b5dc9cb6b9880b0944360abfe2eaf459c9e58cf2279d7c",
    ),
}


def shipped() -> dict[str, Any]:
    """URL -> parsed context, read from the package; a file whose digest differs is refused."""
    found = {}
    for url, (name, digest) in FILES.items():
        data = resources.files(__name__).joinpath(name).read_bytes()
        if hashlib.sha256(data).hexdigest() != digest:
            raise ConfigurationError(f"the shipped JSON-LD context {name} was changed ({url})")
        found[url] = json.loads(data)
    return found
