"""What the story page, the HTML report and the passage panel show, built from a StoryAlignment.

One job per module:

* ``rows``: the rows as plain data, groups of corresponding passages across the shown versions;
* ``marks``: a passage's words marked where they differ from its counterpart's (escaped HTML);
* ``comparison``: the table (rows of cells of passages with their highlighted text);
* ``summary``: the shares, the matrix and the likely source, with figures from one measure;
* ``panel``: one passage in every version.

The markup around them lives in templates/compare/ (the story page's partials and includes).
"""

from .comparison import SHOW_CHOICES, Comparison, Piece, Row, Version, build_comparison, build_versions, passage_anchor
from .panel import Panel, build_panel
from .rows import passage_of
from .summary import altered_in_copy, heat_map, share_bars, summary_context

__all__ = [
    "SHOW_CHOICES",
    "altered_in_copy",
    "Comparison",
    "Panel",
    "Piece",
    "Row",
    "Version",
    "build_comparison",
    "build_panel",
    "build_versions",
    "heat_map",
    "passage_anchor",
    "passage_of",
    "share_bars",
    "summary_context",
]
