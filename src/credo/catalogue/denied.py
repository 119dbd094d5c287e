"""What credo never collects (DESIGN.md principle 2): name families refused at intake.

A category id or field name is split into lower-case words; if any word (or adjacent
pair of words) falls in a denied family, the name is refused with the family named.
"""

from __future__ import annotations

import itertools
import re
from functools import lru_cache

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


@lru_cache(maxsize=4096)
def denied_family(name: str) -> str | None:
    """The denied family a category or field name belongs to, or None if it is allowed."""
    words = _WORD.findall(name.lower())
    candidates = set(words) | {f"{a}_{b}" for a, b in itertools.pairwise(words)}
    for family, names in DENIED_FAMILIES.items():
        if candidates & names:
            return family
    return None
