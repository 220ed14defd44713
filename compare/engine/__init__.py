"""The Versus alignment engine: plain Python over plain data, no Django.

``ENGINE_VERSION`` is a short hash of the engine's own source, so that stored results
computed by another version of the engine are recognised and recomputed.
"""

from __future__ import annotations

import hashlib
from pathlib import Path


def _source_hash() -> str:
    digest = hashlib.sha256()
    for path in sorted(Path(__file__).resolve().parent.glob("*.py")):
        digest.update(path.name.encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()[:12]


ENGINE_VERSION = _source_hash()
