"""Integrity: manipulation detectors (rings, sybil clusters, furnisher anomalies, score jumps)
and the operator's review queue. A flag holds a subject's new score; it never lowers one."""
