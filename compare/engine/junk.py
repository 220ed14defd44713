"""Scraped junk inside article text (placeholder until the junk rules land)."""

from __future__ import annotations

from .types import JunkSpan


def find_junk(text: str) -> list[JunkSpan]:
    return []
