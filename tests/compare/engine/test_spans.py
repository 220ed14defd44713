from compare.engine.spans import as_span, overlapping, subtract, trim, union, union_within


def test_trim_drops_the_blanks_at_both_ends():
    text = "  Ferry \n"
    assert trim(text, 0, len(text)) == (2, 7)
    assert text[2:7] == "Ferry"


def test_trim_leaves_an_all_blank_span_empty_where_it_started_at_the_end():
    assert trim("a   b", 1, 4) == (4, 4)


def test_union_sorts_and_joins_overlapping_and_touching_spans():
    assert union([(10, 12), (0, 3), (2, 5), (5, 7)]) == [(0, 7), (10, 12)]


def test_union_keeps_a_span_inside_another_once():
    assert union([(0, 10), (3, 4)]) == [(0, 10)]


def test_union_within_cuts_spans_to_the_text_and_drops_empty_ones():
    assert union_within([(-5, 2), (8, 20), (4, 4), (6, 3), (-3, -1)], 10) == [(0, 2), (8, 10)]


def test_subtract_gives_the_parts_outside_the_holes_in_order():
    assert list(subtract(0, 20, [(3, 5), (4, 8), (12, 14)])) == [(0, 3), (8, 12), (14, 20)]


def test_subtract_ignores_holes_outside_the_stretch():
    assert list(subtract(5, 10, [(0, 2), (12, 15)])) == [(5, 10)]


def test_subtract_gives_nothing_when_a_hole_covers_the_stretch():
    assert list(subtract(5, 10, [(4, 11)])) == []


def test_subtract_keeps_the_edges_a_hole_only_touches():
    assert list(subtract(5, 10, [(0, 5), (10, 12)])) == [(5, 10)]


def test_overlapping_keeps_spans_sharing_a_character_and_leaves_out_neighbours():
    assert overlapping([(0, 5), (4, 6), (10, 12), (9, 10)], (5, 10)) == ((4, 6), (9, 10))


def test_as_span_turns_a_stored_list_into_a_tuple():
    assert as_span([3, 9]) == (3, 9)
