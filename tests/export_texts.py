"""A fictional story in three versions (written for these tests) and a hostile one, for the export tests."""

from __future__ import annotations

import datetime as dt

from articles.models import Story
from articles.services import ArticleInput, create_story

FORMULA = '=HYPERLINK("http://evil.example/","Click here") was painted on the library door by pranksters.'
AGENCY = (
    "MARLOW BAY, 4 June (Coast Wire) - The Marlow Bay school library will reopen on 19 September "
    "after a flood closed it in March, the district said on Tuesday.\n\n"
    "Repairs cost 86,000 euros, paid by the regional fund. "
    "Head teacher Élodie Varga said pupils had missed their reading hour for three months.\n\n"
    '"Books are back where they belong," Varga said.\n\n'
    f"{FORMULA} The district will hold an open day in October."
)
# Light edits: the date and a name changed, a sentence added (it starts with @), the formula kept.
REPRINT = (
    "MARLOW BAY - The Marlow Bay school library will reopen on 18 September "
    "after a flood closed it in March, the district said on Tuesday.\n\n"
    "Repairs cost 86,000 euros, paid by the regional fund. "
    "Head teacher Elodie Vargas said pupils had missed their reading hour for three months.\n\n"
    '"Books are back where they belong," Vargas said.\n\n'
    f"{FORMULA} The district will hold an open day in October.\n\n"
    "@MarlowBayPTA posted photographs of the new shelves on Wednesday evening."
)
# Restructured: the quote moved to the top, one sentence dropped, one reworded.
BRIEF = (
    '"Books are back where they belong," Varga said.\n\n'
    "MARLOW BAY, 4 June (Coast Wire) - The Marlow Bay school library will reopen on 19 September "
    "after a flood closed it in March, the district said on Tuesday.\n\n"
    "The regional fund paid the 86,000 euros that the repairs cost."
)


def make_story(title: str = "Marlow Bay library reopens") -> Story:
    return create_story(
        title,
        [
            ArticleInput(
                text=AGENCY,
                outlet="Coast Wire",
                headline="School library to reopen after flood",
                source_url="https://coastwire.example/library-reopens",
                published_on=dt.date(2026, 6, 4),
            ),
            ArticleInput(text=REPRINT, outlet="Marlow Bay Echo", headline="Library reopens on 18 September"),
            ArticleInput(text=BRIEF, outlet="Radio Marlow", filename="radio-marlow.txt"),
        ],
    )


HOSTILE_OUTLET = '<script>alert("outlet")</script>'
HOSTILE_HEADLINE = "<img src=x onerror=alert(1)>"
HOSTILE_TEXT = (
    "The council met on Monday to discuss <img src=x onerror=alert(2)> the new harbour wall. "
    "Members said {{ story.title }} was not on the agenda.\n\n"
    "</style><script>alert(3)</script> The vote was postponed to Thursday."
)
HOSTILE_EDIT = (
    "The council met on Monday to discuss <img src=x onerror=alert(2)> the new sea wall. "
    "Members said {{ story.title }} was not on the agenda.\n\n"
    "</style><script>alert(3)</script> The vote was postponed to Friday."
)


def make_hostile_story() -> Story:
    return create_story(
        "Harbour wall {% debug %} vote",
        [
            ArticleInput(text=HOSTILE_TEXT, outlet=HOSTILE_OUTLET, headline=HOSTILE_HEADLINE),
            ArticleInput(text=HOSTILE_EDIT, outlet="@Harbour Herald", headline="-1 for the wall"),
        ],
    )
