"""Turn an engine `Outcome` into one voice response: SSML with timers, a reprompt, display text.

Every word comes from `content/phrases/en.yaml` (through `PhrasePicker`) or from the exercise data;
this module decides only what is said when. All markup is made by `ssml.Ssml`.

Timers are built on the speech-time estimate of `timing.py`: a hold, a rep set and a rest are each
a `Ssml.timeline` whose words and breaks together last exactly the prescribed seconds, so the time
the coach spends talking is taken out of the silence rather than added to the work. The builder
marks where each timed stretch starts and ends (`hold_start`, `hold_end`, `reps_start`,
`reps_end`, `rest_start`, `rest_end`), which is how the tests prove the timing.

One response stays inside Alexa's limits: the rest is the last timed part of a set response and
is cut short when the whole would run past the audio budget (the coach then says to take longer
if needed; the runner still starts the next set by saying "ready").
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

from runner_strength.content.model import (
    PULSE_SWITCH_SECONDS,
    Format,
    Mode,
    cue_schedule,
)
from runner_strength.engine import transitions
from runner_strength.engine.events import (
    Adjusted,
    AskReady,
    Event,
    ExerciseIntro,
    Interrupted,
    MovedBack,
    MovedOn,
    NextUp,
    NotAllowed,
    Outcome,
    Paused,
    Reason,
    Repeated,
    Resumed,
    SetPerformed,
    Skipped,
    StartedOver,
    Status,
    Summary,
    WorkoutFinished,
    WorkoutStarted,
)
from runner_strength.engine.pace import (
    COUNT_NOTE,
    INTRO_CUES,
    PREVIEW_AFTER_SECONDS,
    SETTLE_AFTER_INTRO_SECONDS,
    rest_cues,
    rest_holding_intro,
)
from runner_strength.engine.state import Direction, Mark, Part, Scope, Side
from runner_strength.narration.explanations import first_layer, second_layer
from runner_strength.narration.phrases import Key, PhrasePicker
from runner_strength.narration.ssml import MAX_AUDIO_SECONDS, Ssml, plain_text
from runner_strength.narration.timeline_plan import (
    Timeline,
    halfway_due,
    time_checks_due,
)
from runner_strength.narration.timeline_plan import hold_plan as plan_hold
from runner_strength.narration.timeline_plan import rep_plan as plan_reps
from runner_strength.narration.timeline_plan import rest_plan as plan_rest
from runner_strength.narration.timing import (
    GO_TONE,
    MAX_AUDIO_TAGS,
    SWITCH_TONE,
)
from runner_strength.narration.wording import Wording

if TYPE_CHECKING:
    import random
    from collections.abc import Sequence

    from runner_strength.content.model import Exercise, Library
    from runner_strength.engine.personal import DoseChange
    from runner_strength.engine.state import WorkoutState

# Each set, with its rest, is held this far under 240 s (the timing model's design since the first
# workouts), so a one-sentence notice (progress not saved) still fits in front of the longest. A
# response of several sets is bounded by its characters and tones (`Plan.response_end`).
AUDIO_BUDGET_SECONDS = MAX_AUDIO_SECONDS - 8.0
# The SSML mark at the end of the next exercise's intro said in a rest (see `intro_in_rest`).
PREVIEW_LABEL = "intro_in_rest"
# Seconds set aside for "take a little longer if you need it" when a rest is cut short.
TAKE_MORE_SECONDS = 4.0
# Above this many exercises, the summary gives a count rather than reading every name.
SUMMARY_NAMES = 4
# The start of a workout says at most this many of the changes the runner's feedback made.
MAX_CHANGES_SAID = 2
SECONDS_PER_MINUTE = 60

_NOT_ALLOWED: dict[Reason, Key] = {
    Reason.NO_WORKOUT: Key.NOT_NO_WORKOUT,
    Reason.UNKNOWN_WORKOUT: Key.NOT_UNKNOWN_WORKOUT,
    Reason.NOTHING_PAUSED: Key.NOT_NOTHING_PAUSED,
    Reason.ALREADY_PAUSED: Key.NOT_ALREADY_PAUSED,
    Reason.AT_END: Key.NOT_AT_END,
    Reason.AT_START: Key.NOT_AT_START,
    Reason.NOTHING_TO_REPEAT: Key.NOT_NOTHING_TO_REPEAT,
    Reason.AT_EASIEST: Key.NOT_AT_EASIEST,
    Reason.AT_HARDEST: Key.NOT_AT_HARDEST,
    Reason.FINISHED: Key.NOT_FINISHED,
}


@dataclass(frozen=True, slots=True)
class Speech:
    """One voice response: SSML, the reprompt (SSML) when a question is asked, screen text."""

    ssml: str
    reprompt: str | None
    end_session: bool

    @property
    def display(self) -> str:
        """The speech as screen text, made on demand: the Alexa turn never reads it."""
        return plain_text(self.ssml)


@dataclass(frozen=True, slots=True)
class Script:
    """A response before it is written out: speech with its timing marks, and the reprompt."""

    speech: Ssml
    reprompt: Ssml | None
    end_session: bool

    def then(self, other: Script) -> Script:
        """This speech followed by `other`'s; the question, reprompt and ending are `other`'s."""
        return Script(
            Ssml().extend(self.speech).extend(other.speech), other.reprompt, other.end_session
        )

    def ending(self) -> Script:
        """The same speech, closing the session (so no reprompt)."""
        return Script(self.speech, None, end_session=True)

    def with_notice(self, notice: Ssml) -> Script:
        """`notice` said first (a failed save, say), then this response as it was."""
        return Script(Ssml().extend(notice).extend(self.speech), self.reprompt, self.end_session)

    def to_speech(self) -> Speech:
        """The response as Alexa receives it."""
        ssml = self.speech.build()
        return Speech(
            ssml=ssml,
            reprompt=self.reprompt.build() if self.reprompt is not None else None,
            end_session=self.end_session,
        )


@dataclass(slots=True)
class _Context:
    """What one outcome's narration needs to know besides the event being spoken."""

    state: WorkoutState | None
    circuit: bool
    first_item: str | None  # the workout's first exercise id (a circuit round starts with it)
    intro: ExerciseIntro | None = None  # waiting to be said with the set that follows
    oriented: bool = False  # a resume or repeat already said which set this is
    reserve: float = 0.0  # seconds still to be said after the sets (the closing question)
    tones: int = MAX_AUDIO_TAGS  # audio tags this response may still play
    # Tones still to come that the response keeps a tag for: each set's go, the last rest's end.
    essential: int = 0
    sets_left: int = 0  # sets still to be said in this response
    sets_done: int = 0  # sets said so far in this response
    in_rest: str = ""  # the exercise whose intro the rest just said (the set after starts at once)
    # The set after this one plays in the same response, and its intro event (None: no intro).
    # The outcome's state is the one after all its sets, so it cannot say what that set needs.
    inside: bool = False
    next_intro: ExerciseIntro | None = None
    rested: bool = False  # the response ends with a whole rest: the question follows its end

    def tags(self) -> tuple[int, int]:
        """The audio-tag budget as it stands (tags left, tags kept for essential tones)."""
        return self.tones, self.essential

    def undo_tags(self, saved: tuple[int, int]) -> None:
        """Put the budget back as `tags` saw it: a try that is undone spent no tag."""
        self.tones, self.essential = saved


class Narrator:
    """Speaks outcomes for one library; the random source decides which phrase variants are used."""

    def __init__(
        self, library: Library, rng: random.Random, *, brief: bool = False, tones: bool = True
    ) -> None:
        self._library = library
        self._phrases = PhrasePicker(library.phrases, rng)
        # The runner asked for short cues: every intro is the brief one (name, a cue, the dose).
        self._brief = brief
        # Timer tones at go, a side switch and the end of a hold or rest (the runner's choice).
        self._tones = tones
        # The words of the response being built, with the names said so far in it.
        self._words = Wording(library, self._phrases)

    # ------------------------------------------------------------ public

    def speak(self, outcome: Outcome) -> Speech:
        """The voice response for a transition's outcome."""
        return self.script(outcome).to_speech()

    def script(self, outcome: Outcome, *, ask: bool = True) -> Script:
        """The response for an outcome before it is written out; it carries the timing marks.

        Without `ask` the closing question (or goodbye) is left off, for another to be added.
        """
        context = self._context(outcome.state)
        self._words = self._words.fresh()
        question, reprompt, end_session = self._closing(outcome, context)
        if not ask:
            question, reprompt, end_session = Ssml(), None, False
        context.reserve = question.seconds
        performed = [e for e in outcome.events if isinstance(e, SetPerformed)]
        context.sets_left = len(performed)
        ends_resting = bool(performed) and performed[-1].rest_seconds > 0
        context.essential = len(performed) + (1 if ends_resting else 0)
        self._words = self._words.fresh()
        body = Ssml()
        following = _following_intros(outcome.events)
        for event in outcome.events:
            if isinstance(event, SetPerformed):
                context.inside, context.next_intro = following.pop(0)
            self._event(body, event, context)
        if context.intro is not None:  # an intro with no set after it stands on its own
            exercise = self._library.exercise(context.intro.exercise_id)
            intro, _ = self._intro(
                context.intro, None, self._set_cues(exercise, None, None), brief=self._brief
            )
            body.extend(intro)
        performed = [e for e in outcome.events if isinstance(e, SetPerformed)]
        if performed:  # the timed audio ends here; only the question follows
            body.mark(Mark(0.0, performed[-1].slot, Side.BOTH, Part.END).label())
        if self._words.named:
            # A name said in the body is not said again in the question (the reprompt keeps it).
            question, _, _ = self._closing(outcome, context, named=self._words.named)
        body.extend(question)
        return Script(body, reprompt, end_session)

    def closing(self, outcome: Outcome) -> Script:
        """Only the question an outcome ends with ("Ready for set two?"), and its reprompt."""
        question, reprompt, end_session = self._closing(outcome, self._context(outcome.state))
        return Script(question, reprompt, end_session)

    def explanation(self, exercise: Exercise, *, safety: bool = False) -> Script:
        """The first layer of an explanation (about 30 s: what, why, set-up, cues), no question.

        Add a question with `then`; `explanation_offer` offers the second layer. With `safety`
        (a one-shot, where no second layer follows) the exercise's safety note closes it, and
        a third cue is said only if it still fits.
        """
        return Script(first_layer(self._words, exercise, safety=safety), None, end_session=False)

    def explanation_more(self, exercise: Exercise) -> Script:
        """The second layer: common mistakes, easier and harder versions, the rest, safety."""
        return Script(second_layer(self._words, exercise), None, end_session=False)

    def explanation_offer(self) -> Script:
        """The question after a first layer: "Want the common mistakes and easier ... versions?"."""
        question = self._words.sentence(Key.EXPLAIN_MORE)
        return Script(question, question, end_session=False)

    def tones_set(self, *, on: bool) -> Script:
        """Timer tones switched on or off, said as a statement (the caller adds the question)."""
        return Script(
            self._words.sentence(Key.TONES_ON if on else Key.TONES_OFF), None, end_session=False
        )

    def every_set_set(self, *, on: bool) -> Script:
        """Asked after every set, or sets that flow on, said as a statement (no question)."""
        key = Key.EVERY_SET_ON if on else Key.EVERY_SET_OFF
        return Script(self._words.sentence(key), None, end_session=False)

    def explain(self, exercise: Exercise) -> Speech:
        """The first layer followed by the offer of the second, as one response."""
        return self.explanation(exercise).then(self.explanation_offer()).to_speech()

    def explanation_text(self, exercise: Exercise) -> str:
        """Both layers as plain text (the `explain` command prints everything)."""
        both = Ssml().extend(first_layer(self._words, exercise))
        both.extend(second_layer(self._words, exercise))
        return plain_text(both.build())

    def remarks(self, outcome: Outcome) -> Script:
        """An outcome's events spoken without its closing question: the caller adds one."""
        context = self._context(outcome.state)
        body = Ssml()
        for event in outcome.events:
            self._event(body, event, context)
        return Script(body, None, end_session=False)

    # ------------------------------------------------------------ dispatch

    def _context(self, state: WorkoutState | None) -> _Context:
        workout = self._library.workouts.get(state.workout_id) if state is not None else None
        return _Context(
            state=state,
            circuit=workout is not None and workout.format is Format.CIRCUIT,
            first_item=workout.items[0].exercise_id if workout is not None else None,
        )

    def _event(self, body: Ssml, event: Event, context: _Context) -> None:
        """Add what one event says; the workout's flow here, everything else in `_remark`."""
        say = self._words.sentence
        if isinstance(event, WorkoutStarted):
            body.extend(self._started(event))
        elif isinstance(event, ExerciseIntro):
            if context.in_rest == event.exercise_id:  # said in this response's rest just now
                event = replace(event, previewed=True)
            context.intro = event  # said together with the set that follows it
        elif isinstance(event, SetPerformed):
            if context.in_rest == event.exercise_id:
                event = replace(event, previewed=True)
            context.in_rest = ""
            # Each set of a response has the budget it would have alone: what bounds a response
            # of several sets is its characters and tones (`Plan.response_end`).
            since = body.seconds if context.sets_done else 0.0
            context.sets_left -= 1
            context.sets_done += 1
            available = AUDIO_BUDGET_SECONDS - (body.seconds - since) - context.reserve
            body.extend(self._set(event, context, available))
            context.intro = None
        elif isinstance(event, Paused):
            body.extend(say(Key.PAUSED, position=self._position(event.where, context)))
            if event.rolled_back:
                body.extend(say(Key.PAUSED_ROLLED_BACK))
        elif isinstance(event, Resumed):
            key = Key.RESUMED_REPEAT if event.rolled_back else Key.RESUMED
            body.extend(say(key, position=self._position(event.where, context)))
            context.oriented = True
        elif isinstance(event, Repeated):
            body.extend(say(Key.REPEATING, name=self._words.name(event.exercise_id)))
            context.oriented = True
        elif isinstance(event, WorkoutFinished):
            body.extend(self._finished(event.summary))
        elif not isinstance(event, AskReady | Interrupted):
            # The closing question is built by `_closing`; an interruption is answered by the
            # flow that handles the request.
            body.extend(self._remark(event, context))

    def _remark(self, event: Event, context: _Context) -> Ssml:
        """What an event off the workout's main flow says: status, changes, refusals."""
        say = self._words.sentence
        match event:
            case Status():
                out = self._status(event, context)
            case Adjusted():
                out = self._adjusted(event)
            case Skipped():
                out = say(Key.SKIPPED, name=self._words.name(event.exercise_id))
            case MovedOn():
                out = say(Key.MOVED_ON, name=self._words.name(event.from_exercise_id))
            case MovedBack():
                out = say(Key.MOVED_BACK, name=self._words.name(event.where.exercise_id))
            case StartedOver():
                out = self._started_over(event)
            case NotAllowed():
                out = say(_NOT_ALLOWED[event.reason])
            case _:
                out = Ssml()
        return out

    def _closing(
        self, outcome: Outcome, context: _Context, *, named: frozenset[str] = frozenset()
    ) -> tuple[Ssml, Ssml | None, bool]:
        """The question that ends the response, its reprompt, and whether the session ends.

        `named`: exercises the response already named; the question then says "it" instead.
        """
        state = outcome.state
        if any(isinstance(event, WorkoutFinished) for event in outcome.events):
            return self._words.sentence(Key.GOODBYE), None, True
        asks = [event for event in outcome.events if isinstance(event, AskReady)]
        where = (
            asks[-1].next
            if asks
            else next(
                (event.where for event in outcome.events if isinstance(event, NotAllowed)), None
            )
        )
        if state is not None and state.paused:
            # A paused runner has stepped away: end the session (the microphone would only wait
            # eight seconds) and say how to come back; the position is saved.
            return self._words.sentence(Key.PAUSED_HOW), None, True
        if where is not None and state is not None and not state.finished:
            question = (
                self._ask_carry_on(where)
                if where.carry_on is not None
                else self._ask(where, context, named=named)
            )
            return (
                question,
                Ssml().extend(question).extend(self._words.sentence(Key.ASK_REPROMPT)),
                False,
            )
        question = self._words.sentence(Key.NO_WORKOUT_REPROMPT)
        return question, question, False

    # ------------------------------------------------------------ small pieces

    def _starts_round(self, exercise_id: str, context: _Context) -> bool:
        """Whether an exercise (as done, maybe switched) is the one a circuit round starts with."""
        first = context.first_item
        if first is None:
            return False
        state = context.state
        adjustment = state.adjustments.get(first) if state is not None else None
        return exercise_id in {first, adjustment.exercise_id if adjustment else first}

    def _position(self, where: NextUp, context: _Context) -> Ssml:
        key = Key.POSITION_ROUND if context.circuit else Key.POSITION_SET
        return self._phrases.ssml(
            key,
            name=self._words.name(where.exercise_id),
            set=where.set_number,
            sets=where.total_sets,
        )

    def _ask(
        self, where: NextUp, context: _Context, *, named: frozenset[str] = frozenset()
    ) -> Ssml:
        if where.sides == (Side.RIGHT,) and not where.new_exercise:
            return self._words.sentence(Key.ASK_SIDE, side=self._words.side(Side.RIGHT))
        if (
            context.circuit
            and where.set_number > 1
            and self._starts_round(where.exercise_id, context)
        ):
            return self._words.sentence(Key.ASK_ROUND, round=where.set_number)
        if where.new_exercise or context.circuit:
            return self._ask_exercise(where, context, named=named)
        if where.set_number == where.total_sets:
            return self._words.sentence(Key.ASK_LAST_SET)
        return self._words.sentence(Key.ASK_SET, set=where.set_number)

    def _ask_exercise(self, where: NextUp, context: _Context, *, named: frozenset[str]) -> Ssml:
        if context.rested:
            # The rest ends at the decision, by name: a minute on, "it" would be a riddle.
            return self._words.sentence(
                Key.ASK_AFTER_REST, name=self._words.name(where.exercise_id)
            )
        if where.exercise_id in named:
            return self._words.sentence(Key.ASK_EXERCISE_NAMED)
        return self._words.sentence(Key.ASK_EXERCISE, name=self._words.name(where.exercise_id))

    def _ask_carry_on(self, where: NextUp) -> Ssml:
        """An interrupted set's question: "Ready to carry on from rep 6 on your right side?"."""
        side, rep = (where.carry_on.side, where.carry_on.rep) if where.carry_on else (Side.BOTH, 1)
        sided = side is not Side.BOTH
        if rep > 1 and sided:
            return self._words.sentence(
                Key.ASK_CARRY_ON_REP_SIDE, rep=rep, side=self._words.side(side)
            )
        if rep > 1:
            return self._words.sentence(Key.ASK_CARRY_ON_REP, rep=rep)
        if sided and (len(where.sides) > 1 or side is Side.RIGHT):
            return self._words.sentence(Key.ASK_CARRY_ON_SIDE, side=self._words.side(side))
        return self._words.sentence(Key.ASK_CARRY_ON, name=self._words.name(where.exercise_id))

    def said_count(self, count: int) -> Script:
        """What "repeat" says about a set it interrupted: "The count was at 5."."""
        return Script(self._words.sentence(Key.REPEAT_COUNT, count=count), None, end_session=False)

    def _preview(self, where: NextUp, context: _Context) -> Ssml:
        name = self._words.name(where.exercise_id)
        first_side = self._words.side(where.sides[0]) if where.sides[0] is not Side.BOTH else None
        if (
            context.circuit
            and where.set_number > 1
            and self._starts_round(where.exercise_id, context)
        ):
            return self._words.sentence(Key.NEXT_ROUND, round=where.set_number, name=name)
        if where.sides == (Side.RIGHT,) and not where.new_exercise:
            return self._words.sentence(Key.NEXT_SIDE, side=self._words.side(Side.RIGHT))
        if where.new_exercise or context.circuit:
            if first_side is not None:
                return self._words.sentence(Key.NEXT_OTHER_SIDE, name=name, side=first_side)
            return self._words.sentence(Key.NEXT_OTHER, name=name)
        if first_side is not None:
            return self._words.sentence(
                Key.NEXT_SAME_SIDE, set=where.set_number, sets=where.total_sets, side=first_side
            )
        return self._words.sentence(Key.NEXT_SAME, set=where.set_number, sets=where.total_sets)

    # ------------------------------------------------------------ starting and intros

    def _started(self, event: WorkoutStarted) -> Ssml:
        workout = self._library.workout(event.workout_id)
        out = Ssml()
        out.extend(self._words.sentence(Key.WORKOUT_START, name=workout.name, focus=workout.focus))
        if event.light:
            out.extend(self._words.sentence(Key.WORKOUT_LIGHT))
        if event.shortened:
            out.extend(self._words.sentence(Key.WORKOUT_SHORTENED))
        out.extend(
            self._words.sentence(
                Key.WORKOUT_SHAPE,
                exercises=event.exercise_count,
                sets=event.total_sets,
                minutes=_minutes(event.estimated_seconds),
            )
        )
        if event.refitted:
            out.extend(self._words.sentence(Key.WORKOUT_REFITTED))
        for change in event.changes[:MAX_CHANGES_SAID]:
            out.extend(self._change(change))
        kit = sorted(
            self._library.workout_equipment(workout) if event.equipment is None else event.equipment
        )
        if kit:
            out.extend(self._words.sentence(Key.WORKOUT_EQUIPMENT, equipment=self._words.kit(kit)))
        else:
            out.extend(self._words.sentence(Key.WORKOUT_NO_EQUIPMENT))
        return out

    def _change(self, change: DoseChange) -> Ssml:
        """One sentence on what the runner's feedback changed since last time."""
        before, after = change.before, change.after
        name = self._words.name(change.exercise_id)
        if before.exercise_id != after.exercise_id:
            return self._words.sentence(
                Key.CHANGE_EXERCISE,
                old=self._words.name(before.exercise_id),
                name=self._words.name(after.exercise_id),
            )
        if before.amount == after.amount:
            return self._words.sentence(
                Key.CHANGE_SETS, name=name, before=change.sets_before, after=change.sets_after
            )
        key = Key.CHANGE_HOLD if change.mode_before is Mode.HOLD else Key.CHANGE_REPS
        return self._words.sentence(key, name=name, before=before.amount, after=after.amount)

    def _intro(
        self, intro: ExerciseIntro, event: SetPerformed | None, cues: Sequence[str], *, brief: bool
    ) -> tuple[Ssml, list[str]]:
        """Name, why, set-up and three cues the first time; a name and one cue after that.

        Returns the intro and the set's scheduled cues it left for the work to say.
        """
        if intro.previewed:
            # Said in the rest before: the set starts now, its other cues with the work.
            return Ssml(), list(cues)
        exercise = self._library.exercise(intro.exercise_id)
        dosage = event.dosage if event is not None else exercise.dosage
        out = Ssml()
        said_name = exercise.id in self._words.named
        if intro.first_time and not intro.heard_before and not brief:
            if not said_name:
                out.extend(self._words.sentence(Key.INTRO_NAME, name=self._words.name(exercise.id)))
            out.sentence(exercise.why)
            out.extend(self._words.sentence(Key.INTRO_SETUP, setup=exercise.setup))
            out.extend(self._words.sentence(Key.INTRO_CUES))
            for cue in cues[:INTRO_CUES]:
                out.sentence(cue)
            left = list(cues[INTRO_CUES:])
        else:
            key = Key.INTRO_NAME if intro.first_time else Key.INTRO_NAME_AGAIN
            if not said_name:
                out.extend(self._words.sentence(key, name=self._words.name(exercise.id)))
            if cues:
                out.extend(self._words.sentence(Key.INTRO_REMINDER, cue=cues[0]))
            left = list(cues[1:])
        return out.extend(self._words.dosage(dosage)), left

    def _set_cues(
        self, exercise: Exercise, event: SetPerformed | None, intro: ExerciseIntro | None
    ) -> list[str]:
        """The cues this set says, from the content's cue schedule (every cue in some set)."""
        if event is None:
            return _scheduled_cues(exercise, 1, 1, first_time=True)
        first_time = intro is not None and intro.first_time
        return _scheduled_cues(exercise, event.total_sets, event.set_number, first_time=first_time)

    # ------------------------------------------------------------ one set

    def _set(self, event: SetPerformed, context: _Context, available: float) -> Ssml:
        exercise = self._library.exercise(event.exercise_id)
        # A set carried on after an interruption was set up and cued already: straight back in.
        cues = [] if event.carried_on else self._set_cues(exercise, event, context.intro)
        if event.previewed:
            # Said in the rest before (the reminder, how to count): straight into the set.
            full = self._full_intro(context.intro)
            said = [*(cues[:INTRO_CUES] if full else []), *rest_cues(cues, event.dosage, full=full)]
            cues = [cue for cue in cues if cue not in said]
        words, tags = self._words.fork(), context.tags()
        # Right after an intro the runner takes a little longer to get into position.
        settle = context.intro is not None and not context.intro.previewed
        lead, left = self._lead(event, context, cues, brief=self._brief)
        work = self._work(event, left, context, settle=settle)
        if lead.seconds + work.seconds > available:
            # Too long even with no rest at all: the short intro, its cues said with the work.
            self._words = words
            context.undo_tags(tags)
            lead, left = self._lead(event, context, cues, brief=True)
            work = self._work(event, left, context, settle=settle)
        rest = self._rest(event, context, available - lead.seconds - work.seconds)
        start = Mark(0.0, event.slot, event.sides[0], Part.LEAD).label()
        return Ssml().mark(start).extend(lead).extend(work).extend(rest)

    def _lead(
        self, event: SetPerformed, context: _Context, cues: Sequence[str], *, brief: bool
    ) -> tuple[Ssml, list[str]]:
        """What comes before the work: the round, the intro, which set this is, a cue."""
        out = Ssml()
        left = list(cues)
        if context.circuit and self._starts_round(event.exercise_id, context):
            out.extend(
                self._words.sentence(
                    Key.SET_START_ROUND, round=event.set_number, rounds=event.total_sets
                )
            )
        if context.intro is not None:
            intro, left = self._intro(context.intro, event, cues, brief=brief)
            out.extend(intro)
        if event.carried_on:
            if event.first_rep > 1:
                out.extend(self._words.sentence(Key.SET_CARRY_ON, rep=event.first_rep))
        elif not (context.circuit or context.oriented):
            # In a circuit the exercise's name, after a resume the re-orientation, says enough.
            if event.set_number == event.total_sets and event.total_sets > 1:
                out.extend(self._words.sentence(Key.SET_START_LAST))
            else:
                out.extend(
                    self._words.sentence(Key.SET_START, set=event.set_number, sets=event.total_sets)
                )
        if context.intro is None and left and event.sides != (Side.RIGHT,) and not event.previewed:
            out.extend(self._words.sentence(Key.INTRO_REMINDER, cue=left.pop(0)))
        return out, left

    def _work(
        self, event: SetPerformed, cues: Sequence[str], context: _Context, *, settle: bool
    ) -> Ssml:
        """Sides announced and how to count said first; then every side's timer, cues beside it."""
        hold = event.dosage.mode is Mode.HOLD
        # How to count is said before counting starts, never in the middle of it.
        notes = [cue for cue in cues if COUNT_NOTE.search(cue)]
        plans, unsaid = self._plans(
            event, [Ssml().sentence(c) for c in cues if c not in notes], context
        )
        out = Ssml()
        sides = event.sides
        first_side = self._library.exercise(event.exercise_id).first_side
        introduced = context.intro is not None and not context.intro.previewed
        if sides[0] is Side.LEFT and len(sides) > 1 and first_side and introduced:
            out.sentence(first_side)  # the first time: what "left side" means for this one
        elif sides[0] is not Side.BOTH:
            key = Key.SIDE_FIRST if len(sides) > 1 else Key.SIDE_ONE
            out.extend(self._words.sentence(key, side=self._words.side(sides[0])))
        out.extend(self._words.sentence(Key.GET_SET))
        for note in notes:
            out.sentence(note)
        for cue in unsaid:
            out.extend(cue)
        # The content's own set-up time (dumbbells to pick up, a bench to lie beside); a little
        # longer right after the set-up was explained.
        setup = float(self._library.exercise(event.exercise_id).setup_seconds)
        out.pause(max(setup, SETTLE_AFTER_INTRO_SECONDS) if settle else setup)
        for index, plan in enumerate(plans):
            side = sides[index]
            beat = 0.0 if hold else (event.dosage.tempo_seconds or 1.0)
            first = event.first_rep if index == 0 else 1
            work = Mark(0.0, event.slot, side, Part.WORK, first=first, beat=beat).label()
            if index > 0:
                # The switch between sides takes the time the plan allows for it, words included.
                switch_start = out.seconds
                out.mark(Mark(0.0, event.slot, side, Part.SWITCH).label())
                out.extend(self._words.sentence(Key.SWITCH_SIDES))
                if self._tone(context):
                    out.audio(SWITCH_TONE)
                # The content's own switch time: off the bench and round takes longer than a lunge.
                switch = self._library.exercise(event.exercise_id).switch_seconds
                out.until(switch_start + switch)
            if hold:
                out.extend(self._words.sentence(Key.HOLD_START)).mark(work).mark("hold_start")
                out.extend(plan.render()).mark("hold_end")
                if event.dosage.pulses:
                    # The words before the pulses take the time the plan allows for them.
                    pulse_start = out.seconds
                    out.extend(self._words.sentence(Key.PULSES_START))
                    out.until(pulse_start + PULSE_SWITCH_SECONDS).mark("pulses_start")
                    pulses, _ = self.rep_plan(
                        event.dosage.pulses, event.dosage.tempo_seconds or 1.0
                    )
                    out.extend(pulses.render()).mark("pulses_end")
            else:
                out.extend(self._words.sentence(Key.GO))
                if self._tone(context, essential=index == 0):
                    out.audio(GO_TONE)
                out.mark(work).mark("reps_start").extend(plan.render()).mark("reps_end")
        out.mark(Mark(0.0, event.slot, sides[-1], Part.REST).label())
        return out.extend(self._words.sentence(Key.HOLD_DONE if hold else Key.REPS_DONE))

    def _plans(
        self, event: SetPerformed, cues: list[Ssml], context: _Context
    ) -> tuple[list[Timeline], list[Ssml]]:
        """Each side's timer, the cues riding in the first one, and the cues that found no room."""
        dosage = event.dosage
        plans: list[Timeline] = []
        unsaid: list[Ssml] = []
        for index in range(len(event.sides)):
            riders = cues if index == 0 else []
            if dosage.mode is Mode.HOLD:
                start = self._tone(context, essential=index == 0)
                # Between two sides the switch chime marks the end of the first hold.
                end = index == len(event.sides) - 1 and self._tone(context)
                plan, left = self.hold_plan(dosage.hold_seconds or 0, riders, start=start, end=end)
            else:
                first = event.first_rep if index == 0 else 1
                plan, left = self.rep_plan(
                    dosage.reps or 0, dosage.tempo_seconds or 1.0, riders, first=first
                )
            plans.append(plan)
            unsaid += left
        return plans, unsaid

    def _tone(self, context: _Context, *, essential: bool = False) -> bool:
        """Whether a tone may play here: tones are on and the response has an audio tag left.

        Each set's go and the end of the rest before the question are `essential`: the other
        tones (a side switch, a second side's go, a hold's end, a rest between two sets) play
        only while tags are left for the essential ones still to come.
        """
        if not self._tones or context.tones <= 0:
            return False
        if essential:
            context.essential = max(0, context.essential - 1)
        elif context.tones - 1 < context.essential:
            return False
        context.tones -= 1
        return True

    def hold_plan(
        self, seconds: int, cues: Sequence[Ssml] = (), *, start: bool = False, end: bool = False
    ) -> tuple[Timeline, list[Ssml]]:
        """A hold of exactly `seconds`, and the cues that found no room in it.

        Planned by `timeline_plan.hold_plan`; its time checks and "halfway" are worded here.
        """
        checks = self._checks(seconds, Key.SECONDS_LEFT)
        halfway = self._words.sentence(Key.HALFWAY) if halfway_due(seconds) else None
        return plan_hold(seconds, cues, checks=checks, halfway=halfway, start=start, end=end)

    def rep_plan(
        self, reps: int, tempo: float, cues: Sequence[Ssml] = (), *, first: int = 1
    ) -> tuple[Timeline, list[Ssml]]:
        """Every rep counted on its beat, and the cues that found no room beside a number.

        Planned by `timeline_plan.rep_plan`; "last two" and "last one" are worded here.
        """
        last_two = self._words.sentence(Key.LAST_TWO) if reps >= 2 else None
        last_one = self._words.sentence(Key.LAST_ONE) if reps >= 1 else None
        return plan_reps(reps, tempo, cues, first=first, last_two=last_two, last_one=last_one)

    def _checks(self, seconds: float, key: Key) -> dict[int, Ssml]:
        """The time checks a stretch this long says, worded, by seconds left."""
        return {left: self._words.sentence(key, seconds=left) for left in time_checks_due(seconds)}

    # ------------------------------------------------------------ rest

    def _rest(self, event: SetPerformed, context: _Context, available: float) -> Ssml:
        out = Ssml()
        where = event.next_preview
        if where is None or event.rest_seconds <= 0:
            return out  # the last set, or the other side follows straight away
        context.rested = False
        if event.round_end:
            opening = self._words.sentence(Key.REST_ROUND, round=event.set_number)
        else:
            opening = self._words.sentence(Key.REST)
        seconds = float(min(event.rest_seconds, max(0.0, available - TAKE_MORE_SECONDS)))
        words = self._words.fork()
        intro = self._intro_in_rest(where, context)
        full = self._intro_due(where, context)
        at = opening.seconds + (PREVIEW_AFTER_SECONDS if full else 0.0)
        # The intro is rest too: a rest shorter than it grows to hold it and the countdown.
        needed = rest_holding_intro(intro.seconds, pause=full) if intro is not None else 0
        if intro is not None and max(seconds, needed) <= available - TAKE_MORE_SECONDS:
            seconds = max(seconds, float(needed))
        else:
            intro = None
            self._words = words
            opening.extend(self._preview(where, context))
        # Before the question the rest ends on a tone; between two sets of one response the next
        # set's go follows.
        end = self._tone(context, essential=context.sets_left == 0)
        if intro is not None:
            intro.mark(f"{PREVIEW_LABEL}:{where.exercise_id}")
            context.in_rest = where.exercise_id
        plan = plan_rest(
            seconds,
            opening,
            intro=(at, intro) if intro is not None else None,
            checks=self._checks(seconds, Key.REST_LEFT),
            end=end,
        )
        out.mark("rest_start").extend(plan.render()).mark("rest_end")
        if seconds < event.rest_prescribed_seconds:
            out.extend(self._words.sentence(Key.REST_TAKE_MORE))
        else:
            context.rested = True
        return out

    def _full_intro(self, intro: ExerciseIntro | None) -> bool:
        """Whether an intro is the whole first one (why, set-up, three cues), not a reminder."""
        return intro is not None and intro.first_time and not intro.heard_before and not self._brief

    def _intro_due(self, where: NextUp, context: _Context) -> bool:
        """Whether the set `where` begins an exercise whose whole first intro is still owed."""
        if context.inside:  # its intro event says, the state is already past it
            return self._full_intro(context.next_intro)
        state = context.state
        if state is None or self._brief or not where.new_exercise:
            return False
        return where.exercise_id not in state.introduced | state.heard_before

    def _intro_in_rest(self, where: NextUp, context: _Context) -> Ssml | None:
        """What the next set needs said before it, to say in the rest; None with nothing due.

        Before an exercise the runner has not had introduced (in this workout or an earlier
        one): its whole intro, the name, why, the kit, the set-up, the first cues, the dose and
        what "left side" means for it. Before any other set: what comes, the reminder cue and
        how to count. Either way, after "ready" the set starts at once.
        """
        state = context.state
        if state is None or where.carry_on is not None or where.sides[0] is Side.RIGHT:
            return None
        exercise = self._library.exercise(where.exercise_id)
        # The cues the set will say, as `_set_cues` picks them when it comes.
        if context.inside:
            first_time = context.next_intro is not None and context.next_intro.first_time
        else:
            first_time = where.new_exercise and where.exercise_id not in state.introduced
        cues = _scheduled_cues(exercise, where.total_sets, where.set_number, first_time=first_time)
        dosage = where.dosage if where.dosage is not None else exercise.dosage
        if not self._intro_due(where, context):
            out = self._preview(where, context)
            said = rest_cues(cues, dosage, full=False)
            if said:
                out.extend(self._words.sentence(Key.INTRO_REMINDER, cue=said[0]))
            for cue in said[1:]:
                out.sentence(cue)
            return out
        out = self._words.sentence(Key.PREVIEW_NAME, name=self._words.name(exercise.id))
        out.sentence(exercise.why)
        if exercise.equipment:
            out.extend(
                self._words.sentence(Key.PREVIEW_KIT, equipment=self._words.kit(exercise.equipment))
            )
        out.extend(self._words.sentence(Key.INTRO_SETUP, setup=exercise.setup))
        out.extend(self._words.sentence(Key.INTRO_CUES))
        for cue in cues[:INTRO_CUES] + rest_cues(cues, dosage, full=True):
            out.sentence(cue)
        out.extend(self._words.dosage(dosage))
        if where.sides[0] is Side.LEFT and len(where.sides) > 1 and exercise.first_side:
            out.sentence(exercise.first_side)
        return out

    def intro_before(self, state: WorkoutState, where: NextUp) -> Script:
        """The first set's whole intro, said before its question as a rest says the others'.

        Empty when none is owed (brief coaching, an intro heard before); marked like a rest's, so
        the set after "ready" starts at once if the runner heard it to the end.
        """
        self._words = self._words.fresh()
        context = self._context(state)
        intro = self._intro_in_rest(where, context) if self._intro_due(where, context) else None
        if intro is None:
            return Script(Ssml(), None, end_session=False)
        intro.mark(f"{PREVIEW_LABEL}:{where.exercise_id}")
        return Script(intro, None, end_session=False)

    def rest_left(self, seconds: int, slot: int) -> Script:
        """The rest a request cut short, timed again: "25 seconds of rest left", a countdown.

        Marked as the rest of `slot` so a request during it is placed in that rest.
        """
        context = self._context(None)
        end = self._tone(context, essential=True)
        opening = self._words.sentence(Key.REST_LEFT, seconds=seconds)
        return _rest_of(slot, plan_rest(float(seconds), opening, end=end))

    def intro_again(self, state: WorkoutState, where: NextUp, seconds: int, slot: int) -> Script:
        """A rest cut short while it said what `where` needs, said again: that, then the rest left.

        For "what?" or "repeat" said over the intro. The rest grows to hold the intro, as a rest
        does; the intro is marked like a rest's, so heard to its end, "ready" starts the set at
        once; the whole is marked as the rest of `slot`, so a request in it is placed there.
        """
        context = self._context(state)
        intro = self._intro_in_rest(where, context)
        if intro is None:
            return self.rest_left(seconds, slot)
        intro.mark(f"{PREVIEW_LABEL}:{where.exercise_id}")
        end = self._tone(context, essential=True)
        held = max(float(seconds), float(rest_holding_intro(intro.seconds, pause=False)))
        return _rest_of(slot, plan_rest(held, Ssml(), intro=(0.0, intro), end=end))

    # ------------------------------------------------------------ other events

    def _status(self, event: Status, context: _Context) -> Ssml:
        out = Ssml()
        if event.where is None:
            return out.extend(self._words.sentence(Key.STATUS_FINISHED))
        out.extend(
            self._words.sentence(Key.STATUS_WHERE, position=self._position(event.where, context))
        )
        if event.sets_left == 1:
            out.extend(self._words.sentence(Key.STATUS_LAST_SET))
        elif event.exercises_left == 1:
            out.extend(
                self._words.sentence(Key.STATUS_SETS_LEFT_ONE_EXERCISE, sets=event.sets_left)
            )
        else:
            out.extend(
                self._words.sentence(
                    Key.STATUS_SETS_LEFT, sets=event.sets_left, exercises=event.exercises_left
                )
            )
        minutes = _minutes(event.seconds_left)
        if minutes >= 2:  # "1 minutes" would be wrong; one minute has its own line
            out.extend(self._words.sentence(Key.STATUS_MINUTES, minutes=minutes))
        else:
            out.extend(self._words.sentence(Key.STATUS_ABOUT_A_MINUTE))
        if event.paused:
            out.extend(self._words.sentence(Key.STATUS_PAUSED))
        return out

    def _adjusted(self, event: Adjusted) -> Ssml:
        easier = event.direction is Direction.EASIER
        dosage = event.new_dosage
        if event.switched_to is not None:
            key = Key.EASIER_SWITCH if easier else Key.HARDER_SWITCH
            out = self._words.sentence(
                key,
                old=self._words.name(event.previous_exercise_id),
                name=self._words.name(event.switched_to),
            )
            return out.extend(self._words.dosage(dosage))
        if dosage.mode is Mode.HOLD:
            key = Key.EASIER_SECONDS if easier else Key.HARDER_SECONDS
            return self._words.sentence(key, seconds=dosage.hold_seconds or 0)
        key = Key.EASIER_REPS if easier else Key.HARDER_REPS
        return self._words.sentence(key, reps=dosage.reps or 0)

    def _started_over(self, event: StartedOver) -> Ssml:
        if event.scope is Scope.WORKOUT:
            return self._words.sentence(Key.STARTED_OVER_WORKOUT)
        return self._words.sentence(
            Key.STARTED_OVER_EXERCISE, name=self._words.name(event.where.exercise_id)
        )

    def _finished(self, summary: Summary) -> Ssml:
        out = self._words.sentence(Key.DONE if summary.completed else Key.DONE_EARLY)
        minutes = _minutes(summary.elapsed_seconds)
        if minutes >= 2:  # one minute or less has its own line, as in status
            out.extend(self._words.sentence(Key.DONE_TIME, minutes=minutes))
        else:
            out.extend(self._words.sentence(Key.DONE_TIME_SHORT))
        done = [self._words.name(exercise_id) for exercise_id in summary.exercises_done]
        if not done:
            out.extend(self._words.sentence(Key.DONE_NOTHING))
        elif len(done) > SUMMARY_NAMES:
            out.extend(
                self._words.sentence(Key.DONE_COUNT, exercises=len(done), sets=summary.sets_done)
            )
        else:
            out.extend(self._words.sentence(Key.DONE_NAMES, names=self._words.listed(done)))
        if summary.skipped:
            skipped = self._words.listed(
                [self._words.name(exercise_id) for exercise_id in summary.skipped]
            )
            out.extend(self._words.sentence(Key.DONE_SKIPPED, names=skipped))
        return out


def _following_intros(events: Sequence[Event]) -> list[tuple[bool, ExerciseIntro | None]]:
    """For each set of an outcome: whether another set follows it, and that set's intro."""
    out: list[tuple[bool, ExerciseIntro | None]] = []
    intro: ExerciseIntro | None = None
    for event in events:
        if isinstance(event, ExerciseIntro):
            intro = event
        elif isinstance(event, SetPerformed):
            if out:
                out[-1] = (True, intro)
            out.append((False, None))
            intro = None
    return out


def _rest_of(slot: int, plan: Timeline) -> Script:
    """A rest timed again on its own, marked as the rest of `slot` (a request in it lands there)."""
    out = Ssml().mark(Mark(0.0, slot, Side.BOTH, Part.REST).label()).mark("rest_start")
    out.extend(plan.render()).mark("rest_end")
    out.mark(Mark(0.0, slot, Side.BOTH, Part.END).label())
    return Script(out, None, end_session=False)


def timeline_marks(speech: Ssml) -> tuple[Mark, ...]:
    """The engine's timing marks of a response (engine/schedule.py), in seconds from its start."""
    found = (Mark.from_label(name, at) for name, at in speech.marks)
    return tuple(mark for mark in found if mark is not None)


def heard(state: WorkoutState, script: Script, now: float) -> WorkoutState:
    """`state` keeping what the response to the request at `now` plays: its timeline, its intro."""
    return transitions.timed(
        state, timeline_marks(script.speech), now, intro_in_rest(script.speech)
    )


def _scheduled_cues(
    exercise: Exercise, total_sets: int, set_number: int, *, first_time: bool
) -> list[str]:
    """The cues set `set_number` of `total_sets` says (every cue is said in some set).

    An exercise first done mid-way (switched to by easier or harder) starts its schedule with
    the sets left.
    """
    total, number = total_sets, set_number
    if first_time and number > 1:
        total, number = total - number + 1, 1
    schedule = cue_schedule(len(exercise.cues), max(1, total))
    return [exercise.cues[i] for i in schedule[min(number, len(schedule)) - 1]]


def intro_in_rest(speech: Ssml) -> tuple[str, float] | None:
    """The exercise whose intro a response's rest says, and the second its last word ends."""
    prefix = f"{PREVIEW_LABEL}:"
    found = [(name[len(prefix) :], at) for name, at in speech.marks if name.startswith(prefix)]
    return found[-1] if found else None


def _minutes(seconds: float) -> int:
    return round(seconds / SECONDS_PER_MINUTE)
