"""Fictional articles for the library index, trace and import tests (written for these tests)."""

from __future__ import annotations

FERRY = """Lindqvist Bay will replace its diesel ferry with an electric vessel

The harbour council of Lindqvist Bay voted on Tuesday to replace the old diesel ferry with an electric one.

Councillor Amara Osei said the new vessel would carry ninety passengers and twelve cars on each crossing.

Fishermen on the north quay warned that the construction work would close their moorings for a whole season.

The council expects the first electric crossing to take place in the spring of next year, weather permitting.

A public meeting about the timetable will be held in the old customs house on the first Monday of the month."""

ORCHARD = """Volunteers save the last pear orchard in Marrowfield

A group of volunteers has bought the last traditional pear orchard in Marrowfield after a year of fundraising.

The orchard holds forty-one trees, some of them planted by the town's founders more than two centuries ago.

Botanist Ilse Varga said three of the varieties grow nowhere else in the valley and had never been catalogued.

The volunteers plan to open the orchard to schools every Friday and to hold a harvest fair in October.

The previous owner, who asked not to be named, said she was relieved the trees would not be cut down."""

OBSERVATORY = """Hilltop observatory reopens after a decade of repairs

The small observatory on Cragmoor Hill reopened to visitors on Saturday after ten years of repairs.

Its brass telescope, built in the workshop of a local clockmaker, was taken apart and cleaned piece by piece.

Volunteer astronomer Tomasz Wreford said the restored dome now turns smoothly for the first time since the war.

Evening viewings will be offered twice a week, and children under twelve will be admitted free of charge.

The restoration was paid for by a bequest from a retired schoolteacher who had loved the stars all her life."""

NEW_PASSAGE = (
    "In a separate development, the regional rail company announced new night trains to the coast.\n\n"
    "Passengers will be able to book sleeping berths from the beginning of the summer season."
)


def paragraphs(text: str) -> list[str]:
    return text.split("\n\n")
