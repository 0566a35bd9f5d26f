// Drive utterances through Bespoken's virtual-alexa against the generated interaction model and post
// each resulting request to the skill (a loopback HTTP endpoint in front of the Lambda entry).
//
//   node resolve.js MODEL.json PHRASES.json SKILL_URL   ->  one JSON line per phrase on stdout
//
// virtual-alexa matches a phrase against the model's samples and custom slot values literally (the
// strictest reading of the model). Two things about it, both handled here:
// - `utter()` first runs an unanchored /(ask|open|launch|talk to|tell).*/ over the phrase, so "tell me
//   about planks" or "what's the task" become a LaunchRequest or lose their start. This script runs the
//   same matcher utter() uses (virtual-core's Utterance) and sends the same request utter() would
//   (`intend(intent, slots)`), and reports what utter()'s launch parsing would have done instead.
//   A phrase that starts with a real invocation ("ask runner strength to ...") is split the way
//   Alexa splits a one-shot, which virtual-alexa's parsing only manages when " to " follows.
// - Built-in slot types other than AMAZON.NUMBER take any words in virtual-alexa. AMAZON.DURATION is
//   given what Alexa's duration type hears, an amount of time, so "start a core workout" cannot
//   read "core" as a duration.
// - AMAZON.TIME likewise hears only a time of day ("seven am", "six thirty in the evening", "noon"),
//   so "remind me on monday at seven am" cannot read "monday at seven" as anything but a day and a time.
// - Not handled, so such phrases miss here though Alexa takes them: virtual-core's SamplePhrase
//   turns each {slot} into "(.*)" and trims the spaces around it, so two slots side by side
//   ("on {day} {time}", "on {day} {second_day} and {third_day}") become "(.*)(.*)": the first slot
//   takes every word and the second none, and the sample never matches ("remind me on sunday
//   morning", "remind me on mondays wednesdays and fridays"). Likewise a slot followed by a word
//   that ends another word ("{workout} in {duration}": "five basics in twenty m-IN-utes").
// - virtual-alexa deletes periods and hyphens from the phrase ("r. d. l." -> "r d l", "push-ups" ->
//   "pushups") but compares slot values as written, so no value with a period or a hyphen could ever
//   match. The values get the same cleaning as the phrase; nothing else about the model changes.
"use strict";

const fs = require("fs");
const { VirtualAlexa } = require("virtual-alexa");
const { Utterance, SlotMatch } = require("virtual-core");

const [modelPath, phrasesPath, skillUrl] = process.argv.slice(2);
if (!skillUrl) {
    console.error("usage: node resolve.js MODEL.json PHRASES.json SKILL_URL");
    process.exit(2);
}

const ONES = ["a", "an", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine",
    "ten", "eleven", "twelve", "thirteen", "fourteen", "fifteen", "sixteen", "seventeen",
    "eighteen", "nineteen", "a couple of", "a few"];
const TENS = ["twenty", "thirty", "forty", "fifty", "sixty"];
const NUMBER = `(?:(?:${TENS.join("|")})(?: (?:one|two|three|four|five|six|seven|eight|nine))?|${ONES.join("|")})`;
const UNIT = "(?:seconds?|minutes?|hours?)";
const AMOUNT = `${NUMBER} ${UNIT}(?: and a half)?`;
const DURATION = new RegExp(
    `^(?:${AMOUNT}(?: and ${AMOUNT})*|half an hour|half a minute|half hour)$`, "i");

class DurationSlotType {
    constructor() {
        this.name = "AMAZON.DURATION";
        this.values = [];
    }
    isBuiltin() { return true; }
    isEnumerated() { return false; }
    isCustom() { return false; }
    matchAll() { return []; }
    match(value) {
        const words = value.trim();
        return DURATION.test(words) ? new SlotMatch(true, words) : new SlotMatch(false);
    }
}

const HOUR = "(?:one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve)";
const MINUTE = `(?:oh (?:one|two|three|four|five|six|seven|eight|nine)|ten|eleven|twelve|thirteen|fourteen|fifteen|sixteen|seventeen|eighteen|nineteen|(?:${TENS.slice(0, 4).join("|")})(?: (?:one|two|three|four|five|six|seven|eight|nine))?)`;
const PART = "(?:am|pm|o'clock|in the morning|in the afternoon|in the evening|at night)";
const TIME = new RegExp(
    `^(?:${HOUR}(?: ${MINUTE})?(?: ${PART})?|noon|midday|midnight|morning|afternoon|evening|tonight)$`, "i");

class TimeSlotType {
    constructor() {
        this.name = "AMAZON.TIME";
        this.values = [];
    }
    isBuiltin() { return true; }
    isEnumerated() { return false; }
    isCustom() { return false; }
    matchAll() { return []; }
    match(value) {
        const words = value.trim();
        return TIME.test(words) ? new SlotMatch(true, words) : new SlotMatch(false);
    }
}

// What utter() does before matching: a LaunchRequest (true), a shortened phrase, or nothing.
function launchParse(phrase) {
    if (!/(ask|open|launch|talk to|tell).*/i.test(phrase)) {
        return undefined;
    }
    const found = /^(?:ask|open|launch|talk to|tell) .* to (.*)/i.exec(phrase);
    return found && found.length ? found[1] : true;
}

// A phrase that names the skill, as Alexa splits it: "ask runner strength to explain planks" is a
// one-shot "explain planks"; "open runner strength" alone is a launch.
const INVOCATION = /^(?:ask|tell|open|launch) runner strength(?: (?:to|for|about|and))?\s*/i;

function newAlexa(model) {
    const alexa = VirtualAlexa.Builder()
        .interactionModel(model)
        .skillURL(skillUrl)
        .applicationID("amzn1.ask.skill.nlu-test")
        .create();
    // Ours first: slotType() returns the first type of that name.
    alexa.context().interactionModel().slotTypes.types.unshift(new DurationSlotType(), new TimeSlotType());
    return alexa;
}

async function resolve(model, phrase) {
    const alexa = newAlexa(model);
    let sent = null;
    alexa.filter((request) => { sent = request; });
    const parsed = launchParse(phrase);
    const result = {
        say: phrase,
        utter_would: parsed === undefined ? "match" : parsed === true ? "launch" : `match "${parsed}"`,
    };
    const text = phrase.replace(INVOCATION, "");
    try {
        let reply;
        if (text === "") {
            reply = await alexa.launch();
        } else {
            const utterance = new Utterance(alexa.context().interactionModel(), text);
            if (!utterance.matched()) {
                result.error = "no sample matches";
                return result;
            }
            reply = await alexa.intend(utterance.intent(), utterance.toJSON());
        }
        const request = sent.request;
        result.request = request.type;
        if (request.intent) {
            result.intent = request.intent.name;
            result.slots = {};
            for (const [name, slot] of Object.entries(request.intent.slots || {})) {
                if (!slot.value) {
                    continue;
                }
                const authorities = (slot.resolutions || {}).resolutionsPerAuthority || [];
                const matched = authorities.find((a) => a.status.code === "ER_SUCCESS_MATCH");
                result.slots[name] = {
                    value: slot.value,
                    id: matched ? matched.values[0].value.id : null,
                };
            }
        }
        const speech = reply.response && reply.response.outputSpeech;
        result.spoken = Boolean(speech && (speech.ssml || speech.text));
    } catch (error) {
        result.error = String(error && error.message ? error.message : error);
    }
    return result;
}

// The characters virtual-core's SamplePhraseTest deletes from a phrase before matching.
const CLEANED = /[!"¿?|#$%/()=+\-_<>*{}·¡[\].,;:]/g;

function cleanValues(model) {
    for (const type of model.interactionModel.languageModel.types || []) {
        for (const value of type.values) {
            value.name.value = value.name.value.replace(CLEANED, "");
            value.name.synonyms = (value.name.synonyms || []).map((s) => s.replace(CLEANED, ""));
        }
    }
    return model;
}

async function main() {
    const model = cleanValues(JSON.parse(fs.readFileSync(modelPath, "utf8")));
    const phrases = JSON.parse(fs.readFileSync(phrasesPath, "utf8"));
    for (const phrase of phrases) {
        process.stdout.write(JSON.stringify(await resolve(model, phrase)) + "\n");
    }
}

main().catch((error) => {
    console.error(error);
    process.exit(1);
});
