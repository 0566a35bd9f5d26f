"""Credits reach the runner: "where is this from?" names the article and its author."""

from runner_strength.content.model import Library
from skilltest import Device, event


def test_where_is_this_from_mid_workout_names_the_current_exercises_article(echo: Device) -> None:
    """Mid-workout, the current exercise's article and author are named, then the ready question."""
    echo.launch()
    echo.say("StartWorkoutIntent", workout=("top_six", "top six"))
    reply = echo.say("CreditsIntent")
    assert (
        reply.text.startswith("Tibialis raise comes from")
        or "source for Tibialis raise" in reply.text
    )
    assert "Top Strength Training Exercises for Runners" in reply.text
    assert "Coach Rich Hill" in reply.text
    assert not reply.ends_session
    assert reply.text.rstrip().endswith("?")


def test_who_recommends_a_named_exercise_names_every_article_and_author(echo: Device) -> None:
    """A calf raise comes from two articles: both are named, with both authors."""
    echo.launch()
    reply = echo.say("CreditsIntent", exercise=("calf_raise", "calf raise"))
    assert "Calf raise" in reply.text
    assert "Eight strength exercises for runners, by Janne Dahle" in reply.text
    assert "Top Strength Training Exercises for Runners, by Coach Rich Hill" in reply.text
    assert not reply.ends_session


def test_an_article_without_an_author_is_named_by_its_title(echo: Device) -> None:
    """The plank's articles name no author, so the coach names the articles alone."""
    echo.launch()
    reply = echo.say("CreditsIntent", exercise=("plank", "plank"))
    assert "the article Best Strength Exercises for Runners" in reply.text
    assert "the article Rev Up To Run, strength training for runners" in reply.text
    assert ", by" not in reply.text


def test_one_shot_credits_through_the_real_envelope(echo: Device) -> None:
    """'Alexa, ask runner strength who recommends calf raises' answers from a fresh session."""
    reply = echo.send(event("credits_oneshot"))
    assert "Janne Dahle" in reply.text
    assert "Rich Hill" in reply.text


def test_with_no_exercise_every_article_is_named(echo: Device, library: Library) -> None:
    """Outside a workout with no exercise named, the coach names all five articles."""
    echo.launch()
    reply = echo.say("CreditsIntent")
    for source in library.sources.values():
        assert source.said in reply.text
    for mark in (":", "!", "!."):
        assert mark not in reply.text, "titles are said, not printed"
    assert not reply.ends_session


def test_an_unknown_exercise_gets_examples_not_a_guess(echo: Device) -> None:
    """Asking where an exercise we do not have is from says so and offers known ones."""
    echo.launch()
    reply = echo.say("CreditsIntent", exercise="underwater basket weaving")
    assert "underwater basket weaving" in reply.text
    assert "comes from" not in reply.text
    assert not reply.ends_session


def test_titles_are_heard_without_their_punctuation(echo: Device, library: Library) -> None:
    """Every article is named in speakable form: no colon, no exclamation, numbers in words."""
    echo.launch()
    for exercise in library.exercises.values():
        reply = echo.say("CreditsIntent", exercise=(exercise.id, exercise.name.lower()))
        spoken = reply.text.split("?")[0]
        assert ":" not in spoken, (exercise.id, spoken)
        assert "!" not in spoken, (exercise.id, spoken)
        assert "10 Exercises" not in spoken


def test_where_is_this_workout_from_names_the_workouts_own_sources(echo: Device) -> None:
    """Mid-workout, the workout's own article comes first, then the others its moves are from."""
    echo.launch()
    echo.say("StartWorkoutIntent", workout=("janne_eight", "janne's eight"))
    reply = echo.say("WorkoutCreditsIntent")
    assert reply.text.startswith("Janne's eight")
    own = reply.text.index("Eight strength exercises for runners, by Janne Dahle")
    assert own < reply.text.index("Best Strength Exercises for Runners")
    assert "Top Strength Training Exercises for Runners" in reply.text
    assert "Rev Up To Run" not in reply.text, "no step-up from that article in this workout"
    assert "Get Strong To Run" not in reply.text
    assert not reply.ends_session


def test_a_named_workout_is_credited_outside_a_workout(echo: Device) -> None:
    """'Where is the get strong to run workout from' names its one article."""
    echo.launch()
    reply = echo.say("WorkoutCreditsIntent", workout=("get_strong_to_run", "get strong to run"))
    assert "Get Strong To Run, ten exercises for runners" in reply.text
    assert "Some of its moves" not in reply.text
