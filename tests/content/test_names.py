"""The second chance's matcher: words Alexa heard but could not resolve, matched to our names."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest

from runner_strength.content.names import (
    MAX_HEARD_CHARACTERS,
    Candidate,
    Closest,
    NameIndex,
    closest,
    edit_distance,
    exercise_names,
    indexes,
    similarity,
    sound_key,
    term_names,
    words,
)

if TYPE_CHECKING:
    from runner_strength.content.model import Library


@pytest.mark.parametrize(
    ("heard", "meant"),
    [
        ("copenhagan plank", "copenhagen_plank"),  # a typo of the transcription
        ("coping hagen plank", "copenhagen_plank"),  # a sound-alike split in two
        ("coppen hagen", "copenhagen_plank"),
        ("bulgarian splits", "bulgarian_split_squat"),  # part of the name, in the plural
        ("romanian dead lift", "negative_dumbbell_rdl"),  # one word heard as two
        ("the copenhagen", "copenhagen_plank"),  # an alias with an article
        ("turkish get up", "kettlebell_get_up"),  # another name for the same movement
        ("turkish getups", "kettlebell_get_up"),  # an alias's words run together
        ("cosack squats", "cossack_squat"),
        ("tibby alice raise", "tibialis_raise"),
        ("so as march", "prone_psoas_march"),
        ("glue bridge", "glute_bridge"),
    ],
)
def test_near_misses_of_an_exercise_name_ask_about_that_exercise(
    library: Library, heard: str, meant: str
) -> None:
    """Typos, sound-alikes and partial names are close to the one exercise the runner meant."""
    exercises, _ = indexes(library)
    assert exercises.closest(heard).asked == (meant,)


def test_two_equally_near_names_are_both_offered(library: Library) -> None:
    """The word hamstring is as near the hamstring lift as the hamstring curl: both are offered."""
    exercises, _ = indexes(library)
    asked = exercises.closest("hamstring").asked
    assert set(asked) == {"half_kneeling_hamstring_lift", "single_leg_roller_hamstring_curl"}
    assert set(exercises.closest("side plank twister").asked) == {
        "side_plank_rotation",
        "side_plank",
    }


@pytest.mark.parametrize(
    "heard", ["banana", "underwater basket weaving", "burpees", "skipping rope"]
)
def test_words_far_from_every_name_ask_nothing_and_name_nothing(
    library: Library, heard: str
) -> None:
    """Nothing in the library is near nor shares a word: no question, no "nearest" named."""
    exercises, _ = indexes(library)
    assert exercises.closest(heard) == Closest(())


def test_a_name_sharing_a_word_is_named_as_the_nearest(library: Library) -> None:
    """A calf stretch is not ours, but the calf raises share its word: they are named instead."""
    exercises, _ = indexes(library)
    found = exercises.closest("calf stretch")
    assert found.asked == ()
    assert found.nearby[0] == "calf_raise"
    # "half get up" (an alias) is one letter from "calf": a word that near counts as shared.
    assert set(found.nearby) <= {
        "calf_raise",
        "seated_calf_raise",
        "single_leg_calf_raise",
        "kettlebell_get_up",
    }


def test_workouts_are_matched_the_same_way(library: Library) -> None:
    """A workout said with its author's name, or misheard, is close to that workout."""
    _, workouts = indexes(library)
    assert workouts.closest("rich hill's top six").asked == ("top_six",)
    assert workouts.closest("janes eight").asked == ("janne_eight",)
    assert workouts.closest("banana").asked == ()


def test_vocabulary_terms_are_matched_by_their_words() -> None:
    """A body area or a piece of kit heard a little wrong is close to its term."""
    kit = term_names(["dumbbells", "mini_band", "foam_roller"])
    assert kit.closest("dumb bells").asked == ("dumbbells",)
    assert kit.closest("foam rollers").asked == ("foam_roller",)
    assert kit.closest("a trampoline").asked == ()


def test_the_ranking_is_fixed_for_ties() -> None:
    """Equal scores rank by id, so the same words always ask the same question."""
    index = NameIndex({"b_plank": ("side plank",), "a_plank": ("side plank",)})
    assert [c.id for c in index.nearest("side plank")] == ["a_plank", "b_plank"]
    assert index.nearest("") == []


def test_closest_reads_scores_as_one_two_or_none() -> None:
    """One clear name, two within the tie margin, or none above the floor (nearby still named)."""
    assert closest([Candidate("a", 0.9), Candidate("b", 0.6)]).asked == ("a",)
    assert closest([Candidate("a", 0.9), Candidate("b", 0.85)]).asked == ("a", "b")
    far = closest(
        [Candidate("a", 0.5, shares_a_word=True), Candidate("b", 0.5), Candidate("c", 0.2)]
    )
    assert far.asked == ()
    assert far.nearby == ("a",)
    assert closest([]).asked == ()


def test_spelling_and_sound_measures() -> None:
    """Edit distance counts single-letter changes; the sound key folds spellings of one sound."""
    assert edit_distance("kitten", "sitting") == 3
    assert edit_distance("", "abc") == 3
    assert similarity("plank", "plank") == 1.0
    assert similarity("", "plank") == 0.0
    assert sound_key("phyzio") == sound_key("fizio")
    assert sound_key("cossack") == sound_key("kosak")
    assert sound_key("knee") == sound_key("nee")
    assert sound_key("") == ""
    assert words("The Copenhagen planks") == ("copenhagen", "plank")
    assert words("the one") == ("the", "one")


def test_a_heard_name_is_compared_on_its_first_characters_only(library: Library) -> None:
    """A megabyte heard as a name costs what its first 120 characters do, and finds the same."""
    index = exercise_names(library)
    padding = " and then some more words" * 50_000
    long = index.nearest("copenhagen plank" + padding)
    assert long == index.nearest(("copenhagen plank" + padding)[:MAX_HEARD_CHARACTERS])
    assert long[0].id == "copenhagen_plank"


def test_similarity_is_remembered_for_a_pair_of_words() -> None:
    """Comparing the same two words again is answered from the cache, with the same score."""
    first = similarity("copenhagen", "coppenhagen")
    hits = similarity.cache_info().hits
    assert similarity("copenhagen", "coppenhagen") == first
    assert similarity.cache_info().hits == hits + 1
