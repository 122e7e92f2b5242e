"""Generate the sample articles that are too long or too byte-exact to write by hand.

Run from the repository root: `python benchmarks/make_samples.py`. The output is deterministic
(a fixed seed, no clock), so re-running it reproduces the committed files byte for byte; the
benchmark imports `prose_article` from here to build its 3 MB article the same way.

- sample_articles/long-report.txt: a few hundred KB of plain English prose (LF line endings).
- sample_articles/multilingual-crlf.txt: CJK, Arabic and Hebrew (right to left), emoji with ZWJ
  sequences, skin tones and flags, decomposed combining accents and tabs, with every line ending
  written as CRLF bytes.
"""

from __future__ import annotations

import argparse
import random
from pathlib import Path

SAMPLES = Path(__file__).resolve().parent.parent / "sample_articles"
LONG_REPORT_NAME = "long-report.txt"
MULTILINGUAL_NAME = "multilingual-crlf.txt"
LONG_REPORT_TARGET_BYTES = 450_000

# The report's world: a regional water authority writing up its year. Enough vocabulary and
# sentence shapes that a page reads like an article rather than a repeated template.
PLACES = [
    "Alder Creek", "Bramley", "the Eastern Reservoirs", "Fenwick Marsh", "Glenholm",
    "Harrow Point", "the Kessel Valley", "Larch Hill", "Millbrook", "North Weir",
    "Oakhurst", "Pellham Fields", "Quarry Lane", "Redwater", "Saltmarsh Road",
    "the Tanner Basin", "Upper Wendle", "Vale Crossing", "Westford", "Yarrow Bridge",
]
TEAMS = [
    "the maintenance crews", "the planning office", "the laboratory staff",
    "the customer service team", "the field engineers", "the board of directors",
    "the finance committee", "the regional inspectors", "the catchment rangers",
    "the asset management group", "the emergency response unit", "the survey teams",
]
PEOPLE = [
    "Dr. Amara Okafor", "Jonas Lindqvist", "Priya Raman", "Tomás Herrera",
    "Helen Marsh", "Kenji Watanabe", "Fatima El-Sayed", "Oliver Brennan",
    "Ingrid Solberg", "Marcus Bell", "Lucía Navarro", "Samuel Achebe",
]
ROLES = [
    "the chief engineer", "the head of water quality", "the network planner",
    "the operations director", "the senior hydrologist", "the community liaison officer",
    "the treasurer", "the chair of the audit committee",
]
ASSETS = [
    "pumping station", "treatment works", "service reservoir", "trunk main",
    "sludge press", "filter bed", "intake screen", "pressure-reducing valve",
    "telemetry outstation", "chlorine contact tank", "borehole", "sewer overflow",
]
ISSUES = [
    "leakage", "low pressure", "discoloured water", "ageing pipework", "power outages",
    "algal blooms", "rising demand", "staff shortages", "supply-chain delays",
    "storm runoff", "sediment build-up", "rising energy prices",
]
ACTIONS = [
    "replaced", "inspected", "refurbished", "relined", "upgraded", "surveyed",
    "recommissioned", "monitored", "repaired", "modelled", "tested", "cleaned",
]
ADJECTIVES = [
    "steady", "uneven", "encouraging", "modest", "significant", "disappointing",
    "welcome", "gradual", "sharp", "unexpected", "measurable", "lasting",
]
MONTHS = [
    "January", "February", "March", "April", "May", "June", "July", "August",
    "September", "October", "November", "December",
]
CONNECTIVES = [
    "However", "In addition", "As a result", "By contrast", "Meanwhile", "Even so",
    "For this reason", "At the same time", "In practice", "Taken together",
    "On balance", "Looking ahead",
]
SECTION_TOPICS = [
    "Overview of the Year", "Water Quality", "Network Performance", "Leakage and Losses",
    "Capital Works", "Customer Service", "Finance", "Staff and Safety",
    "Environment and Catchments", "Drought Resilience", "Community Engagement",
    "Risks and Outlook", "Regional Notes", "Research and Trials", "Governance",
]

SENTENCES = [
    "In {month}, {team} {action} the {asset} at {place}, which had been a source of {issue}"
    " for several winters.",
    "{Connective}, {team} reported a {adjective} change in {issue} across {place}.",
    "{person}, {role}, told the board that the work at {place} was {pct} percent complete"
    " by the end of {month}.",
    "The {asset} serving {place} was {action} over {n} weeks, at a cost of {money}.",
    "Residents of {place} had complained of {issue}, and {team} responded within {n} hours"
    " on most occasions.",
    "{Connective}, the figures for {place} should be read with care: the meters there were"
    " only {action} in {month}.",
    "Across the region, {issue} fell by {pct} percent, a {adjective} result given the"
    " weather of the spring.",
    "\u201cWe learned more from {place} than from any other site this year,\u201d said"
    " {person}, {role}.",
    "A second {asset} near {place} is due to be {action} next year, subject to the"
    " approval of {team}.",
    "The authority logged {count} reports of {issue}, of which {pct} percent came from"
    " {place} and its surroundings.",
    "{Connective}, {team} noted that {issue} grew worse after heavy rain, when older"
    " pipes shift in the soil.",
    "Work on the {asset} at {place} paused for {n} days in {month} while {team} waited"
    " for parts.",
    "{person} asked whether the savings at {place} could be repeated elsewhere; {role}"
    " thought they could, with some care.",
    "The {adjective} improvement at {place} owes much to {team}, who {action} every"
    " {asset} on the eastern side of the town.",
    "Some {count} households near {place} took part in a survey on {issue}, and most"
    " said that the service had improved.",
    "{Connective}, the budget for the {asset} programme rose to {money}, largely because"
    " of {issue}.",
    "No serious injuries were recorded, although {team} reported {n} near misses at"
    " {place} during {month}.",
    "The board accepted the recommendation of {role} to keep the {asset} at {place}"
    " under weekly review.",
    "By the end of the year, {team} had {action} {count} metres of main and {n} valves"
    " in and around {place}.",
    "It is too early to say whether the trial at {place} will last; the first {n} months"
    " were {adjective}, but one season proves little.",
    "Samples taken at {place} met every standard on {pct} percent of days, with the"
    " remaining failures traced to {issue}.",
    "{person} thanked {team} for their patience through a year shaped by {issue}.",
    "Why {issue} returned to {place} in {month} remains unclear, and {team} have been"
    " asked to report on it by the spring.",
    "The cost of energy for the {asset} at {place} reached {money}, nearly {pct} percent"
    " more than planned.",
]


def _fill(template: str, rng: random.Random) -> str:
    """One sentence: each slot drawn fresh, so no two paragraphs are quite alike."""
    sentence = template.format(
        month=rng.choice(MONTHS),
        team=rng.choice(TEAMS),
        action=rng.choice(ACTIONS),
        asset=rng.choice(ASSETS),
        place=rng.choice(PLACES),
        issue=rng.choice(ISSUES),
        adjective=rng.choice(ADJECTIVES),
        Connective=rng.choice(CONNECTIVES),
        person=rng.choice(PEOPLE),
        role=rng.choice(ROLES),
        pct=rng.randint(3, 97),
        n=rng.randint(2, 40),
        count=f"{rng.randint(120, 48_000):,}",
        money=f"\u00a3{rng.randint(40, 9_800) * 1_000:,}",
    )
    return sentence[0].upper() + sentence[1:]


def prose_paragraph(rng: random.Random, sentences: tuple[int, int] = (3, 7)) -> str:
    """A paragraph of a few sentences, never the same template twice in a row."""
    count = rng.randint(*sentences)
    templates = rng.sample(SENTENCES, count)
    return " ".join(_fill(template, rng) for template in templates)


def prose_article(paragraphs: int, seed: int = 1, title: str | None = None,
                  sentences: tuple[int, int] = (3, 7)) -> str:
    """A plain-text report: a title line, numbered section headings now and then, and
    `paragraphs` paragraphs of `sentences` (min, max) sentences, separated by blank lines.
    LF line endings, ends with a newline."""
    rng = random.Random(seed)
    title = title or "Annual Report of the Northern Rivers Water Authority"
    parts = [title, "Prepared for the board and the public, with notes from every district."]
    section = 0
    for index in range(paragraphs):
        if index % 12 == 0:
            section += 1
            topic = SECTION_TOPICS[(section - 1) % len(SECTION_TOPICS)]
            parts.append(f"{section}. {topic}")
        parts.append(prose_paragraph(rng, sentences))
    return "\n\n".join(parts) + "\n"


def long_report(target_bytes: int = LONG_REPORT_TARGET_BYTES) -> str:
    """The long sample: as many paragraphs as fit in about `target_bytes` of UTF-8."""
    low, high = 1, 10_000
    while low < high:  # the largest paragraph count whose article stays within the target
        middle = (low + high + 1) // 2
        if len(prose_article(middle, seed=7).encode("utf-8")) <= target_bytes:
            low = middle
        else:
            high = middle - 1
    return prose_article(low, seed=7)


# Each line is one line of the file; they are joined with CRLF, so keep "\n" out of them.
# Escapes keep the exact code points visible in review (decomposed accents, ZWJ, flags).
MULTILINGUAL_LINES = [
    "Many Scripts, One Text: Notes from a Multilingual Newsroom",
    "",
    "This article mixes writing systems on purpose. Every character offset in it must survive"
    " a round trip through the reader exactly, including the carriage returns that end each"
    " line.",
    "",
    "1. Chinese and Japanese",
    "",
    "The morning edition opened with a headline in Chinese: \u201c"
    "\u5317\u4eac\u5e02\u4eca\u5929\u53d1\u5e03\u4e86\u65b0\u7684\u7a7a\u6c14\u8d28\u91cf"
    "\u62a5\u544a\u3002\u201d Our Tokyo desk filed a short piece in Japanese: \u201c"
    "\u6771\u4eac\u3067\u306f\u685c\u304c\u6e80\u958b\u306b\u306a\u308a\u3001\u591a\u304f"
    "\u306e\u4eba\u304c\u516c\u5712\u306b\u96c6\u307e\u308a\u307e\u3057\u305f\u3002\u201d",
    "\u65e5\u672c\u8a9e\u306e\u6587\u7ae0\u306f\u7a7a\u767d\u3092\u4f7f\u308f\u305a\u306b"
    "\u7d9a\u304f\u306e\u3067\u3001\u753b\u9762\u306e\u7aef\u3067\u6298\u308a\u8fd4\u3059"
    "\u3068\u304d\u306b\u3082\u4e00\u6587\u5b57\u305a\u3064\u6b63\u3057\u304f\u6570\u3048"
    "\u3089\u308c\u306a\u3051\u308c\u3070\u306a\u308a\u307e\u305b\u3093\u3002\u5168\u89d2"
    "\u6587\u5b57\u306f\u4e8c\u3064\u306e\u5217\u3092\u5360\u3081\u307e\u3059\u3002",
    "A Korean reader wrote in: \u201c\ud55c\uad6d\uc5b4 \ubc88\uc5ed\ub3c4 \ud568\uaed8"
    " \uc2e4\uc5b4 \uc8fc\uc138\uc694.\u201d Fullwidth Latin also appears in Japanese"
    " signage: \uff32\uff25\uff21\uff24\uff25\uff32\u3000\uff11\uff12\uff13.",
    "",
    "2. Arabic and Hebrew, right to left",
    "",
    "The Cairo correspondent sent this line in Arabic: \u0627\u0644\u0635\u062d\u0627\u0641"
    "\u0629 \u0627\u0644\u062d\u0631\u0629 \u0647\u064a \u0623\u0633\u0627\u0633"
    " \u0627\u0644\u062f\u064a\u0645\u0642\u0631\u0627\u0637\u064a\u0629\u060c \u0648"
    "\u0627\u0644\u0642\u0631\u0627\u0621 \u064a\u0633\u062a\u062d\u0642\u0648\u0646"
    " \u0627\u0644\u062d\u0642\u064a\u0642\u0629 \u0643\u0627\u0645\u0644\u0629.",
    "\u0642\u0627\u0644 \u0627\u0644\u0645\u062a\u062d\u062f\u062b \u0625\u0646"
    " \u0627\u0644\u0627\u062c\u062a\u0645\u0627\u0639 \u0633\u064a\u0639\u0642\u062f"
    " \u064a\u0648\u0645 15 \u0645\u0627\u0631\u0633 \u0641\u064a \u0627\u0644\u0633"
    "\u0627\u0639\u0629 10:30 \u0635\u0628\u0627\u062d\u064b\u0627.",
    "A Hebrew quotation followed: \u05d4\u05e2\u05d9\u05ea\u05d5\u05e0\u05d5\u05ea"
    " \u05d4\u05d9\u05d0 \u05d4\u05d8\u05d9\u05d5\u05d8\u05d4 \u05d4\u05e8\u05d0\u05e9"
    "\u05d5\u05e0\u05d4 \u05e9\u05dc \u05d4\u05d4\u05d9\u05e1\u05d8\u05d5\u05e8\u05d9"
    "\u05d4. Mixed direction inside one sentence is common in bilingual copy.",
    "",
    "3. Emoji, skin tones, families and flags",
    "",
    "The firefighter emoji \U0001f468\U0001f3fb\u200d\U0001f692 is one grapheme built from"
    " four code points; the family \U0001f469\u200d\U0001f469\u200d\U0001f467 is five."
    " A rainbow flag \U0001f3f3\ufe0f\u200d\U0001f308 and a technologist"
    " \U0001f9d1\U0001f3fd\u200d\U0001f4bb follow the same pattern.",
    "Flags are pairs of regional indicators: \U0001f1ef\U0001f1f5 \U0001f1fa\U0001f1e6"
    " \U0001f1e7\U0001f1f7 \U0001f1f3\U0001f1ec \U0001f1e6\U0001f1f2. A thumbs-up"
    " \U0001f44d\U0001f3ff, a keycap 1\ufe0f\u20e3, a heart \u2764\ufe0f and a plain"
    " smile \U0001f600 close the paragraph.",
    "",
    "4. Combining accents",
    "",
    "Some names arrive decomposed: Rene\u0301e, Jose\u0301, Sa\u0303o Paulo and"
    " Mu\u0308nchen, while Vietnamese Vie\u0323\u0302t Nam and Ha\u0300 No\u0323\u0302i"
    " stack two marks on one letter. Precomposed caf\u00e9 and decomposed cafe\u0301 look"
    " the same but differ in length.",
    "",
    "5. A table with tabs",
    "",
    "City\tScript\tDirection\tReaders",
    "Beijing\tHan\tleft to right\t1,204",
    "Cairo\tArabic\tright to left\t866",
    "Tel Aviv\tHebrew\tright to left\t312",
    "S\u00e3o Paulo\tLatin\tleft to right\t958",
    "",
    "\tAn indented paragraph starts with a tab, and\ttabs\tcan\talso sit mid-line.",
    "",
    "6. Closing",
    "",
    "If this text shows correctly, with each carriage return kept and each emoji whole, the"
    " reader has done its job. \u2014 The editors \u270d\ufe0f",
]


def multilingual_crlf_bytes() -> bytes:
    """The multilingual sample as exact bytes: UTF-8, no BOM, CRLF after every line."""
    assert not any("\n" in line or "\r" in line for line in MULTILINGUAL_LINES)
    return ("\r\n".join(MULTILINGUAL_LINES) + "\r\n").encode("utf-8")


def check_crlf(data: bytes) -> None:
    """Every newline must be preceded by a carriage return, and no lone CR either."""
    if data.count(b"\n") != data.count(b"\r\n") or data.count(b"\r") != data.count(b"\r\n"):
        raise SystemExit("multilingual sample: found a line ending that is not CRLF")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=SAMPLES, help="folder to write into")
    args = parser.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)

    report = long_report().encode("utf-8")
    (args.out / LONG_REPORT_NAME).write_bytes(report)
    multilingual = multilingual_crlf_bytes()
    check_crlf(multilingual)
    (args.out / MULTILINGUAL_NAME).write_bytes(multilingual)
    print(f"{args.out / LONG_REPORT_NAME}: {len(report):,} bytes")
    print(f"{args.out / MULTILINGUAL_NAME}: {len(multilingual):,} bytes, CRLF throughout")


if __name__ == "__main__":
    main()
