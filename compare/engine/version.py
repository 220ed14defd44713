"""Which results of the engine a stored alignment was computed with.

Each component that shapes a stored alignment has a number of its own, bumped by hand in
the change that alters what it returns (not for a comment, a rename or a speed-up with the
same results). ``ENGINE_VERSION`` joins them; it is part of every stored alignment's key, so a
bump makes pages recompute their stories once, and nothing else does.

Junk marking is not part of it: junk is found when an article is stored and kept with the
article, so a change there reaches alignments only through the articles it re-marks.
``tests/compare/engine/test_version.py`` fails when the demo story's alignment changes while these
numbers stay the same.
"""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType
from typing import Final

from .serialize import FORMAT

COMPONENT_VERSIONS: Final[Mapping[str, int]] = MappingProxyType(
    {
        "segment": 3,  # sentences and paragraphs (segment.py)
        "align": 6,  # which passages pair, their scores and kinds (align.py)
        "diff": 5,  # word-level changes and their flags (diff.py)
        "story": 6,  # triangles, groups, similarity and the likely source (story.py)
        "format": FORMAT,  # the stored shape (serialize.py)
    }
)

# Versions of junk marking, kept with each article rather than with its alignments.
JUNK_VERSION: Final = 2  # 2: a line that only credits an outlet or a writer ("Bloomberg", "By Jane Doe")

# Stored in a 40-character column (StoredAlignment.engine_version): keep the names short.
ENGINE_VERSION: Final[str] = ".".join(f"{name}{number}" for name, number in COMPONENT_VERSIONS.items())
