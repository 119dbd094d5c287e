"""What credo never collects (DESIGN.md principle 2): name families refused at intake.

A category id or field name is normalised (Unicode NFKC, so full-width letters are
plain ones; camelCase split; case folded; any run of other characters a separator) and
split into words; if any word, adjacent pair or the whole name run together falls in a
denied family, the name is refused with the family named. :func:`denied_within` looks
for such names at every depth of a nested value.
"""

from __future__ import annotations

import itertools
import re
import unicodedata
from functools import lru_cache
from typing import Any

DENIED_FAMILIES: dict[str, frozenset[str]] = {
    "religion": frozenset(
        {"religion", "religious", "faith", "church", "mosque", "temple", "belief"}
    ),
    "ethnicity": frozenset({"ethnicity", "ethnic", "race", "racial", "tribe", "minzu"}),
    "political opinion": frozenset(
        {
            "politics",
            "political",
            "party_membership",
            "political_party",
            "vote",
            "voting",
            "petition",
            "protest",
            "ideology",
        }
    ),
    "speech or social-media content": frozenset(
        {
            "speech",
            "social_post",
            "post_content",
            "posts",
            "tweet",
            "tweets",
            "weibo",
            "moments",
            "comment",
            "comments",
            "social_media",
            "socialmedia",
            "opinion",
            "opinions",
            "browsing",
        }
    ),
    "friends' or relatives' behaviour": frozenset(
        {
            "friend",
            "friends",
            "relative",
            "relatives",
            "family_members",
            "family_member",
            "spouse",
            "parents_behaviour",
            "contact_list",
            "contact_book",
            "emergency_contact",
            "contacts",
            "social_network",
            "social_graph",
            "social_connections",
        }
    ),
    "health, genetic or biometric data": frozenset(
        {
            "health",
            "medical",
            "diagnosis",
            "disease",
            "illness",
            "disability",
            "pregnancy",
            "genetic",
            "genome",
            "dna",
            "biometric",
            "biometrics",
            "face_image",
            "face_scan",
            "face_id",
            "facial",
            "fingerprint",
            "fingerprints",
            "iris",
            "voiceprint",
            "blood",
            "blood_type",
            "bloodtype",
        }
    ),
    "location traces": frozenset(
        {
            "location",
            "locations",
            "gps",
            "latitude",
            "longitude",
            "lat",
            "lon",
            "lng",
            "geo",
            "geolocation",
            "whereabouts",
            "trajectory",
            "checkin",
        }
    ),
}

_WORD = re.compile(r"[a-z0-9]+")
_CAMEL = re.compile(r"(?<=[a-z0-9])(?=[A-Z])|(?<=[A-Z])(?=[A-Z][a-z])")
_JOINED = {name.replace("_", ""): family for family, names in DENIED_FAMILIES.items()
           for name in names}  # fmt: skip
MAX_NAME = 256  # longer names are judged on their first MAX_NAME characters
MAX_DEPTH = 32


def words(name: str) -> list[str]:
    """The lower-case words of a name: NFKC, camelCase split, any other character a separator."""
    text = unicodedata.normalize("NFKC", name[:MAX_NAME])
    text = _CAMEL.sub("_", text)
    return _WORD.findall(text.casefold())


@lru_cache(maxsize=4096)
def denied_family(name: str) -> str | None:
    """The denied family a category or field name belongs to, or None if it is allowed."""
    parts = words(name)
    candidates = set(parts) | {f"{a}_{b}" for a, b in itertools.pairwise(parts)}
    for family, names in DENIED_FAMILIES.items():
        if candidates & names:
            return family
    return _JOINED.get("".join(parts))


def denied_within(value: Any, path: str = "") -> tuple[str, str] | None:
    """(dotted path, family) of the first never-collected name nested anywhere in ``value``."""
    stack: list[tuple[Any, str, int]] = [(value, path, 0)]
    while stack:
        item, where, depth = stack.pop()
        if depth > MAX_DEPTH:
            continue
        if isinstance(item, dict):
            for key, child in item.items():
                name = str(key)
                here = f"{where}.{name}" if where else name
                family = denied_family(name)
                if family is not None:
                    return here, family
                stack.append((child, here, depth + 1))
        elif isinstance(item, list | tuple):
            stack.extend((child, f"{where}.{i}", depth + 1) for i, child in enumerate(item))
    return None
