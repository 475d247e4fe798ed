"""The synthetic network's own tree paths: the ones `add_child` would give, without treebeard's
private helpers (the whole network is checked in tests/fixtures/test_generate_content.py)."""

import pytest

from wagtail.models import Page

from tests.bench.synthetic import GenerationError, child_path, step_number


@pytest.mark.parametrize(
    "position, step",
    [
        (1, "0001"),
        (9, "0009"),
        (10, "000A"),
        (35, "000Z"),
        (36, "0010"),
        (1296, "0100"),
        (36**4 - 1, "ZZZZ"),
    ],
)
def test_a_position_is_written_in_base_36_over_four_digits(position, step):
    assert child_path("00010002", position) == f"00010002{step}"
    assert step_number(step) == position


def test_positions_and_steps_round_trip():
    for position in [*range(1, 3000), *range(36**4 - 3000, 36**4)]:
        path = child_path("0001", position)
        assert len(path) == 4 + Page.steplen
        assert step_number(path[-Page.steplen :]) == position


@pytest.mark.parametrize("position", [0, -1, 36**4])
def test_a_position_outside_the_tree_is_refused(position):
    with pytest.raises(GenerationError, match="at most 1,679,615 children"):
        child_path("0001", position)


@pytest.mark.django_db
def test_the_paths_are_those_add_child_gives():
    parent = Page.get_first_root_node().add_child(instance=Page(title="Paths", slug="paths"))
    for position in range(1, 13):
        child = parent.add_child(instance=Page(title=f"Child {position}", slug=f"c-{position}"))
        assert child.path == child_path(parent.path, position)
        assert step_number(child.path[-Page.steplen :]) == position
    # and treebeard, given a child at a computed path, puts the next one after it
    last = Page.objects.get(pk=parent.pk).get_last_child()
    assert step_number(last.path[-Page.steplen :]) == 12
