"""The suppression rule on its own: small counts and counts that would reveal them by
subtraction are never shown."""

from onboarding.insights.anonymity import CountTable


def table(values: dict[str, int]) -> CountTable:
    counts = CountTable()
    for name, value in values.items():
        counts.add(name, value)
    return counts


def test_a_count_below_five_is_suppressed_and_five_is_shown():
    counts = table({"four": 4, "five": 5, "zero": 0})
    counts.suppress()
    assert (counts.get("four"), counts.get("five"), counts.get("zero")) == (None, 5, 0)
    assert counts.is_small("four")


def test_a_complement_that_would_reveal_a_small_count_is_suppressed_too():
    counts = table({"made": 12, "matched": 9, "unmatched": 3})
    counts.relate("made", ["matched", "unmatched"])
    counts.suppress()
    assert counts.get("unmatched") is None and counts.get("matched") is None
    assert counts.get("made") == 12 and not counts.is_small("matched")


def test_a_small_private_rest_is_protected_but_an_open_rest_is_not():
    # 40 people; a step applies to 38: the 2 it does not apply to would be revealed.
    private = table({"people": 40, "applies": 38})
    private.relate("people", ["applies"], rest="private")
    private.suppress()
    assert private.get("applies") is None and private.get("people") == 40
    # 38 of 40 done: the 2 still "to do" may be known.
    open_rest = table({"applies": 40, "done": 38, "skipped": 0})
    open_rest.relate("applies", ["done", "skipped"], rest="open")
    open_rest.suppress()
    assert open_rest.get("done") == 38


def test_protection_spreads_until_nothing_can_be_worked_out():
    # The small "unmatched" of Polish requests hides "matched" there; the totals then reveal
    # Polish "matched" from the other language, so that one is hidden too.
    counts = table(
        {
            "pl.made": 9, "pl.matched": 6, "pl.unmatched": 3,
            "uk.made": 10, "uk.matched": 5, "uk.unmatched": 5,
            "made": 19, "matched": 11, "unmatched": 8,
        }
    )  # fmt: skip
    for prefix in ("pl.", "uk.", ""):
        counts.relate(f"{prefix}made", [f"{prefix}matched", f"{prefix}unmatched"])
    for measure in ("made", "matched", "unmatched"):
        counts.relate(measure, [f"pl.{measure}", f"uk.{measure}"])
    counts.suppress()
    shown = {name: counts.get(name) for name in counts.values}
    for relation in counts.relations:
        cells = [relation.total, *relation.parts]
        unknown = [name for name in cells if shown[name] is None]
        assert len(unknown) != 1, (relation, shown)


def test_hide_all_shows_nothing():
    counts = table({"people": 3, "zero": 0})
    counts.hide_all()
    assert counts.get("people") is None and counts.get("zero") is None
