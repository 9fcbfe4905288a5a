"""Find a rubric's keyword groups in an analysed answer: whole words, on stems, phrases too.

How a form and an answer meet (docs/rubric-format.md, "How keywords match"):

- both are turned into the same sequence of keys: stems for case-insensitive groups (exact
  words for case-sensitive ones); numbers lose currency signs and thousands separators
  ("₹76,000" -> "76000", text.normalise_number), a currency word before a number ("Rs",
  "Rs.", "INR", "USD") or after it ("rupees", "dollars") is dropped, and a magnitude written
  onto a number is spelt out ("$17.7B" -> "17.7 billion", "5cr" -> "5 crore");
- a hyphenated compound meets the closed one ("semi-conductor" / "semiconductor"), and a form
  of two words the compound written as one ("health care" / "healthcare");
- articles inside a phrase are optional and interchangeable ("appointment of the Chief
  Minister" meets "appointment of a Chief Minister" and "appointment of Chief Minister");
- a word the stemmer cut back from "-ism", "-ise"/"-isation", "-able" or "-ity" keeps that
  ending in its key (`word_key`): stems alone would make "nation" meet "nationalism",
  "central" meet "centralisation", "measures" meet "measurable" and "integrating" meet
  "integrity";
- an answer word that matched nothing exactly may still meet a keyword word as a compound
  ("photolithography" holds "lithography"), with one slipped letter ("goverment"), or as
  one word broken by a space ("coo ler"); such hits carry `fuzzy=True`. Short words,
  numbers, acronyms and case-sensitive groups never match this way;
- every group matches with its own forms only: when two groups list the same form, a match
  credits each of them (one KeywordHit per group), never a group that does not list it.

The rubric's forms are compiled once (`KeywordMatcher.__init__`); what an answer word
becomes is cached per distinct word, so `match` stays cheap per answer.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from .models import AnalysedText, KeywordHit, Rubric, Sentence
from .text import ARTICLES, CLAUSE_FUNCTION_WORDS, is_function_word, stem, tokenize

#: Words shorter than this (in letters) never match a keyword with a slipped letter: the
#: answer word and the keyword word must both have at least this many.
FUZZY_MIN_LETTERS = 7

#: The letters a word with a slip must begin with as the keyword word does: slips fall
#: inside a word ("goverment"), while real words one letter apart often differ early
#: ("depletion" / "deletion", "remained" / "retained", "rational" / "national").
FUZZY_SAME_PREFIX = 3

#: A keyword word matches inside a longer answer word ("lithography" in
#: "photolithography") only when it has at least this many letters, in its stem when it ends
#: the answer word ("worked", stem "work", is not in "framework") ...
COMPOUND_MIN_LETTERS = 6

#: ... and the rest of the answer word has at least this many, so a prefix such as "dis",
#: "non" or "re" never makes a compound ("disinvestment" is not "investment").
COMPOUND_MIN_REST = 4

#: An answer word longer than this (in letters) is searched for no keyword inside it, and a
#: keyword word longer than this is joined to no answer word: no compound of English words
#: runs so long, and a pasted run of letters tens of thousands long would otherwise cost time
#: (and memory) in proportion to the square of its length.
COMPOUND_MAX_LETTERS = 40

#: A word broken by a space ("coo ler") is read as one only when it has this many letters.
BROKEN_MIN_LETTERS = 5

#: Bound prefixes that make a closed word of another meaning, never a compound of a keyword
#: ("infrastructure" is not "structure", "multinational" not "national").
BOUND_PREFIXES = frozenset("""infra inter intra trans super under counter multi hyper ultra
extra pseudo semi micro macro mega mini""".split())

#: Most distinct answer words a matcher remembers what they are to its rubric (then it
#: forgets them all and starts again).
WORD_CACHE_SIZE = 200_000

#: Currency words dropped before a number ("Rs 76,000", "INR 76,000"); "us" only before a
#: dollar figure ("US$5.1B").
_CURRENCY_BEFORE = frozenset({"rs", "inr", "usd", "rupe"})
#: Currency words dropped after a number or its magnitude ("76,000 crore rupees").
_CURRENCY_AFTER = frozenset({"rupe", "dollar"})
_CURRENCY_WORDS = _CURRENCY_BEFORE | _CURRENCY_AFTER | {"us"}
#: Magnitude words (stems) a currency word may follow.
_MAGNITUDES = frozenset({"thousand", "lakh", "crore", "million", "billion", "trillion"})
#: Magnitudes written onto a number, spelt out; "m" and "k" only after a currency sign.
_SUFFIXES = {"b": "billion", "bn": "billion", "mn": "million", "cr": "crore",
             "crore": "crore", "tn": "trillion", "lakh": "lakh", "billion": "billion",
             "million": "million"}
_CURRENCY_SUFFIXES = {"m": "million", "k": "thousand"}
_NUMBER = re.compile(r"(\d+(?:\.\d+)?)([a-z]+|%)")
#: The key of "%", "percent" and "per cent" after a number ("8%", "8 per cent").
PERCENT = "%"
_PERCENT_WORDS = frozenset({"percent", "pct"})


@dataclass(frozen=True)
class _Credit:
    """One group a phrase counts for."""

    dimension_id: str
    group_index: int          #: index of the group across the rubric
    term: str
    form: str                 #: the group's first form with this key sequence
    weight: float


@dataclass(frozen=True)
class _Phrase:
    keys: tuple[str, ...]     #: stems, or exact words when case-sensitive
    case_sensitive: bool
    credits: tuple[_Credit, ...]


class _Keys:
    """A sentence (or a form) as keys. Key j stands for the word at pos[j] alone unless
    `wide` gives it a span of words (start, end); `fuzzy` holds the keys that stand for a
    word approximately."""

    __slots__ = ("keys", "pos", "wide", "fuzzy", "shared", "bridged")

    def __init__(self):
        self.keys: list[str] = []
        self.pos: list[int] = []
        self.wide: dict[int, tuple[int, int]] = {}
        self.fuzzy: set[int] = set()
        self.shared = False       #: some words have more than one key ("$17.7B")
        self.bridged: set[int] = set()   #: keys with only articles between them and the last

    def add(self, key: str, start: int, end: int, fuzzy: bool = False):
        if end != start + 1:
            self.wide[len(self.keys)] = (start, end)
        if fuzzy:
            self.fuzzy.add(len(self.keys))
        self.keys.append(key)
        self.pos.append(start)

    def start(self, j: int) -> int:
        wide = self.wide.get(j)
        return self.pos[j] if wide is None else wide[0]

    def end(self, j: int) -> int:
        wide = self.wide.get(j)
        return self.pos[j] + 1 if wide is None else wide[1]

    def widen_last(self, end: int):
        """The last key also stands for the words up to `end` ("76,000 crore rupees")."""
        j = len(self.keys) - 1
        self.wide[j] = (self.start(j), end)


#: Derivational endings that make a word of another meaning on the same stem, each with the
#: tag its key keeps ("nationalism" -> "nation#ism"). Inflections are not among them:
#: "centralised" and "centralisation" share "central#ise".
_DERIVED_ENDINGS = (
    ("ism", re.compile(r"isms?$")),
    ("ise", re.compile(r"(?:is|iz)(?:e|es|ed|ing|ation|ations)$")),
    ("able", re.compile(r"[ai]b(?:le|ly|ility|ilities)$")),
    ("ity", re.compile(r"it(?:y|ies)$")),
)


def word_key(word: str, key: str) -> str:
    """A word's key for keyword matching: its stem `key`, tagged with a derivational ending
    when the stemmer cut that ending off ("criticism" -> "critic#ism", so it no longer meets
    "critical"; "exercise" keeps its stem "exercis" and needs no tag). A word in capitals
    that would otherwise be a function word is an acronym and keeps its capitals ("WHO" meets
    "WHO", never "who")."""
    if not key[:1].isalpha():
        return key
    lowered = word.lower()
    if word.isupper() and word.isalpha() and len(word) > 1 and is_function_word(lowered):
        return word       # "WHO", "US", "IT": an acronym, not "who", "us" or "it"
    for tag, ending in _DERIVED_ENDINGS:
        found = ending.search(lowered)
        if found and len(key) <= found.start() + 1:
            return f"{key}#{tag}"
    return key


def _number_keys(word: str, key: str) -> tuple[str, ...]:
    """The keys of one number token (already `normalise_number`-ed as `key`): a magnitude
    written onto it spelt out ("17.7b" -> 17.7 billion), and any other letters written onto
    it read as the word that follows a number, a unit most often ("125GW" is "125 GW",
    "5MMT" "5 MMT", "53C" "53 C"); keyword forms are read the same way, so "21st" still meets
    "21st"."""
    split = _NUMBER.fullmatch(key)
    if split is None:
        return (key,)
    number, suffix = split.groups()
    if suffix == PERCENT:
        return (number, PERCENT)
    spelt = _SUFFIXES.get(suffix) or (_CURRENCY_SUFFIXES.get(suffix)
                                      if word[:1] in ("$", "\u20b9") else None)
    return (number, spelt or word_key(suffix, stem(suffix)))


def _percent_words(words, i: int, after_number: bool) -> int:
    """How many words from i say "per cent" after a number ("percent", "per cent"): 0, 1 or
    2."""
    if not after_number:
        return 0
    word = words[i].lower()
    if word in _PERCENT_WORDS:
        return 1
    return 2 if word == "per" and i + 1 < len(words) and words[i + 1].lower() == "cent" else 0


def _is_number(key: str) -> bool:
    return key[:1].isdigit()


def _currency_before(stems: tuple[str, ...], words: tuple[str, ...], i: int) -> bool:
    """Is word i a currency word written before a number?"""
    key = stems[i]
    if i + 1 >= len(stems) or not _is_number(stems[i + 1]):
        return False
    return key in _CURRENCY_BEFORE or (key == "us" and words[i + 1][:1] == "$")


def _currency_after(out: _Keys, key: str) -> bool:
    """Is `key` a currency word after a number or a number's magnitude?"""
    if key not in _CURRENCY_AFTER or not out.keys:
        return False
    last = out.keys[-1]
    return _is_number(last) or (last in _MAGNITUDES and len(out.keys) > 1
                                and _is_number(out.keys[-2]))


def _to_keys(words: tuple[str, ...], stems: tuple[str, ...]) -> _Keys:
    """A form's words as keys (module docstring)."""
    out = _Keys()
    skip = 0                 # the "cent" of "per cent"
    for i, key in enumerate(stems):
        if skip:
            skip -= 1
            continue
        percent = _percent_words(words, i, bool(out.keys) and _is_number(out.keys[-1]))
        if percent:
            out.add(PERCENT, i, i + percent)
            skip = percent - 1
        elif _is_number(key):
            for part in _number_keys(words[i], key):
                out.add(part, i, i + 1)
        elif _currency_after(out, key):
            out.widen_last(i + 1)
        elif not _currency_before(stems, words, i):
            out.add(key, i, i + 1)
    return out


def _ampersand_before(text: str, spans, i: int) -> bool:
    """Is "&" (spaces aside) all that stands between words i-1 and i of `text`?"""
    return i > 0 and text[spans[i - 1][1]:spans[i][0]].strip() == "&"


def without_inner_articles(words: tuple[str, ...]) -> tuple[str, ...]:
    """A phrase's words without the articles inside it; the first and last words stay
    ("a third of claims", "Category A")."""
    if len(words) < 3:
        return words
    inner = tuple(w for w in words[1:-1] if w.lower() not in ARTICLES)
    return (words[0], *inner, words[-1])


def _dotted_acronym(text: str, words, spans, i: int) -> int:
    """How many words from i spell an acronym with stops ("U.N.", "U.S.A."): single capital
    letters each followed by "."; 0 when fewer than two."""
    n = i
    while (n < len(words) and len(words[n]) == 1 and words[n].isupper()
           and text[spans[n][1]:spans[n][1] + 1] == "."
           and (n == i or spans[n][0] == spans[n - 1][1] + 1)):
        n += 1
    return n - i if n - i >= 2 else 0


def form_words(form: str) -> tuple[str, ...]:
    """The words of a case-insensitive keyword form as the matcher reads an answer's: "&" as
    "and" ("Jammu & Kashmir", "R&D"), an acronym with stops as one word ("U.N." is "UN"), the
    articles inside a phrase left out."""
    words, spans = tokenize(form)
    out: list[str] = []
    i = 0
    while i < len(words):
        if _ampersand_before(form, spans, i):
            out.append("and")
        run = _dotted_acronym(form, words, spans, i)
        out.append("".join(words[i:i + run]) if run else words[i])
        i += max(run, 1)
    return without_inner_articles(tuple(out))


def form_keys(form: str, case_sensitive: bool = False) -> tuple[str, ...]:
    """What a keyword form matches, as the matcher compares it: exact words when
    case-sensitive, else keys as the module docstring describes."""
    if case_sensitive:
        return tuple(tokenize(form)[0])
    words = form_words(form)
    return tuple(_to_keys(words, tuple(word_key(w, stem(w)) for w in words)).keys)


def _hyphen_joined(form: str) -> str | None:
    """The closed compound of a hyphenated form ("semi-conductor" -> "semiconductor") or of
    two words of three letters or more ("health care" -> "healthcare")."""
    joined = re.sub(r"(?<=[^\W\d_])-(?=[^\W\d_])", "", form)
    if joined == form and re.fullmatch(r"[^\W\d_]{3,} [^\W\d_]{3,}", form.strip()):
        joined = form.strip().replace(" ", "")
    return joined if joined != form else None


_KEYBOARD = ("qwertyuiop", "asdfghjkl", "zxcvbnm")
_KEYBOARD_SHIFT = (0.0, 0.25, 0.75)     # how far each row sits right of the top one
_VOWELS = frozenset("aeiouy")


def _neighbours() -> dict[str, frozenset[str]]:
    keys = {ch: (r, c + _KEYBOARD_SHIFT[r])
            for r, row in enumerate(_KEYBOARD) for c, ch in enumerate(row)}
    return {a: frozenset(b for b, (r2, x2) in keys.items()
                         if b != a and abs(r - r2) <= 1 and abs(x - x2) <= 1)
            for a, (r, x) in keys.items()}


#: Letters one may type for another by slip: neighbours on a QWERTY keyboard.
_NEAR_KEYS = _neighbours()


def _slip(a: str, b: str) -> bool:
    """Could letter b have been written for letter a? A vowel for a vowel (the usual
    spelling confusion: "independance") or a neighbouring key. Any other replaced letter
    is more often another word ("remained" is not "retained", "rational" not "national")."""
    return (a in _VOWELS and b in _VOWELS) or b in _NEAR_KEYS.get(a, ())


def _within_one_edit(a: str, b: str) -> bool:
    """a and b differ by at most one dropped, added or swapped letter (Damerau-Levenshtein
    distance 1), or one letter replaced by a slip (`_slip`)."""
    if a == b:
        return True
    la, lb = len(a), len(b)
    if abs(la - lb) > 1:
        return False
    i = 0
    while i < min(la, lb) and a[i] == b[i]:
        i += 1
    if la == lb:
        return ((a[i + 1:] == b[i + 1:] and _slip(a[i], b[i]))           # replaced
                or (i + 1 < la and a[i] == b[i + 1] and a[i + 1] == b[i]
                    and a[i + 2:] == b[i + 2:]))                         # swapped
    return a[i + 1:] == b[i:] if la > lb else a[i:] == b[i + 1:]        # dropped / added


def _plain(word: str) -> bool:
    """A word that may match approximately: letters only, not an acronym or a CamelCase
    name (no capital after the first letter)."""
    return word.isalpha() and word[1:] == word[1:].lower()


def _singular(word: str) -> str:
    return word[:-1] if word.endswith("s") and not word.endswith("ss") else word


#: What an answer word is to the matcher (cached per distinct word as written): a word that
#: can take part in no match is `_NOTHING`, a keyword word its key, else (kind, keys, fuzzy).
_NOTHING = ""
_PLAIN, _NUMBER_WORD, _CURRENCY_WORD, _JOIN_HEAD = range(4)


class KeywordMatcher:
    """Compiled once per rubric; `match` is then cheap for each answer."""

    def __init__(self, rubric: Rubric):
        by_keys: dict[tuple[bool, tuple[str, ...]], dict[int, _Credit]] = {}
        long_words: dict[str, str] = {}     # keyword word (lower) -> its key
        letter_words: set[str] = set()      # every keyword word of letters only, lower case
        index = 0
        for dim in rubric.dimensions:
            for group in dim.keywords:
                sensitive = group.case_sensitive
                for form in group.forms:
                    spellings = [form]
                    joined = None if sensitive else _hyphen_joined(form)
                    if joined:
                        spellings.append(joined)
                    for spelling in spellings:
                        if sensitive:
                            keys = tuple(tokenize(spelling)[0])
                        else:
                            words = form_words(spelling)
                            stems = tuple(word_key(w, stem(w)) for w in words)
                            keys = tuple(_to_keys(words, stems).keys)
                            for word, key in zip(words, stems):
                                if word.isalpha():
                                    letter_words.add(word.lower())
                                if len(word) >= COMPOUND_MIN_LETTERS and _plain(word):
                                    long_words.setdefault(word.lower(), key)
                        if keys:
                            credits = by_keys.setdefault((sensitive, keys), {})
                            if index not in credits:
                                credits[index] = _Credit(dim.dimension_id, index, group.term,
                                                         form, group.weight)
                index += 1
        self.group_count = index
        phrases = [_Phrase(keys, sensitive, tuple(credits.values()))
                   for (sensitive, keys), credits in by_keys.items()]
        # Longest phrases first so "Act East Policy" claims its words before "Act East".
        phrases.sort(key=lambda p: -len(p.keys))
        self.phrases = tuple(phrases)
        self._by_stem: dict[str, list[_Phrase]] = {}
        self._by_word: dict[str, list[_Phrase]] = {}
        for phrase in phrases:
            table = self._by_word if phrase.case_sensitive else self._by_stem
            table.setdefault(phrase.keys[0], []).append(phrase)
        vocabulary = frozenset(k for p in phrases if not p.case_sensitive for k in p.keys)
        self._vocabulary = vocabulary
        long_words = {w: k for w, k in long_words.items() if k in vocabulary}
        # Compounds: keyword stems an answer word may end with; keyword words it may begin
        # with; the first parts of a keyword word written with a hyphen ("semi-").
        self._tails = frozenset(long_words.values())
        self._heads = long_words
        # (From one letter: "m-RNA" for "mRNA", "e-waste" for "ewaste"; a join counts only
        # when the joined word is a keyword word, so "a-" never joins anything else.)
        self._join_heads = frozenset(word[:cut] for word in letter_words
                                     if len(word) <= COMPOUND_MAX_LETTERS
                                     for cut in range(1, len(word) - 1))
        # Slips: the long keyword words (singular) by their first letters, and the words
        # the rubric itself uses (an answer word the rubric knows is a real word, never a
        # slip of a keyword).
        self._edits: dict[str, list[tuple[str, str]]] = {}
        for word, key in long_words.items():
            word = _singular(word)
            if len(word) >= FUZZY_MIN_LETTERS:
                self._edits.setdefault(word[:FUZZY_SAME_PREFIX], []).append((word, key))
        texts = [rubric.question, *rubric.introduction.hints, *rubric.conclusion.hints]
        for dim in rubric.dimensions:
            texts += [dim.title, dim.advice, *(p.text for p in dim.points)]
        self._known = frozenset(re.findall(r"[^\W\d_]+", " ".join(texts).lower()))
        self._words: dict[str, str | tuple] = {}

    # ------------------------------------------------------------------ answer words

    def _word(self, word: str, key: str) -> str | tuple:
        """What one answer word is to this rubric (`_NOTHING`, its key, or (kind, keys,
        fuzzy)); cached per distinct word."""
        if len(self._words) >= WORD_CACHE_SIZE:
            self._words.clear()
        vocabulary = self._vocabulary
        if _is_number(key):
            keys = _number_keys(word, key)
            found = (_NUMBER_WORD, keys, False) if vocabulary.intersection(keys) else _NOTHING
        elif key in _CURRENCY_WORDS:
            found = (_CURRENCY_WORD, (key,) if key in vocabulary else (), False)
        elif key in vocabulary:
            found = key
        elif key[:1].isalpha():
            approximate = self._approximate(word, key)
            keys = () if approximate is None else (approximate,)
            if word.lower() in self._join_heads:
                found = (_JOIN_HEAD, keys, bool(keys))
            else:
                found = (_PLAIN, keys, True) if keys else _NOTHING
        else:
            found = _NOTHING
        self._words[word] = found
        return found

    def _approximate(self, word: str, key: str) -> str | None:
        """The keyword key an answer word that is no keyword word stands for, as a
        compound or with a slipped letter, or None."""
        if not _plain(word) or len(word) > COMPOUND_MAX_LETTERS:
            return None
        # A keyword at the end of the word, on stems ("photolithography": lithography; stems
        # keep "television" from ending in "vision"); the longest keyword part wins.
        tails = self._tails
        for cut in range(COMPOUND_MIN_REST, len(key) - COMPOUND_MIN_LETTERS + 1):
            if key[cut:] in tails and key[:cut] not in BOUND_PREFIXES:
                return key[cut:]
        # A keyword word at the start, as written ("policymaking": policy; on stems
        # "statement" would begin with "states").
        lowered = word.lower()
        for cut in range(len(lowered) - COMPOUND_MIN_REST, COMPOUND_MIN_LETTERS - 1, -1):
            head = self._heads.get(lowered[:cut])
            if head is not None:
                return head
        if len(lowered) < FUZZY_MIN_LETTERS or not self._edits or lowered in self._known:
            return None
        lowered = _singular(lowered)
        keys = {k for w, k in self._edits.get(lowered[:FUZZY_SAME_PREFIX], ())
                if _within_one_edit(w, lowered)}
        return keys.pop() if len(keys) == 1 else None

    @staticmethod
    def _between(sentence: Sentence, i: int) -> str:
        """The one character between words i and i+1, or "" when they are not neighbours
        with exactly one character between them."""
        spans = sentence.spans
        if i + 1 >= len(spans) or spans[i + 1][0] != spans[i][1] + 1:
            return ""
        return sentence.text[spans[i][1]]

    def _keyword_word(self, word: str) -> str | None:
        """The key of `word` when it is a word of the rubric's keywords."""
        joined = word_key(word, stem(word))
        return joined if joined in self._vocabulary else None

    def _hyphen_join(self, sentence: Sentence, i: int) -> str | None:
        """The key of words i and i+1 written as one ("semi-conductor"), when it is a
        keyword word."""
        words = sentence.words
        if self._between(sentence, i) != "-" or not words[i + 1].isalpha():
            return None
        return self._keyword_word(words[i] + words[i + 1].lower())

    def _broken_word(self, sentence: Sentence, i: int) -> str | None:
        """The key of words i and i+1 read as one word broken by a space ("coo ler", as text
        wrapped or taken from a PDF breaks it), when that is a keyword word of at least
        `BROKEN_MIN_LETTERS` and the first part is neither a function word nor a word the
        rubric itself uses ("in come" stays two words)."""
        if self._between(sentence, i) != " ":
            return None
        first, second = sentence.words[i], sentence.words[i + 1]
        if (not second.isalpha() or not first.isalpha() or not second.islower()
                or len(first) + len(second) < BROKEN_MIN_LETTERS):
            return None
        lowered = first.lower()
        if lowered in CLAUSE_FUNCTION_WORDS or lowered in self._known:
            return None
        return self._keyword_word(first + second)

    def _keys(self, sentence: Sentence) -> _Keys:
        """The sentence's words that can take part in a match, as keys; the words between
        them are left out (`_find` checks that a phrase's keys are neighbours)."""
        words, stems = sentence.words, sentence.stems
        cache = self._words
        out = _Keys()
        keys, positions = out.keys, out.pos
        skip = 0             # words already read with an earlier one ("semi-conductor", "U.N.")
        gap = 0              # 0: no gap since the last key; 1: articles only; 2: other words
        ampersand = "and" in self._vocabulary and "&" in sentence.text
        for i, word in enumerate(words):
            if skip:
                skip -= 1
                continue
            if ampersand and _ampersand_before(sentence.text, sentence.spans, i):
                out.add("and", i, i)               # "Jammu & Kashmir" is "Jammu and Kashmir"
                gap = 0
            before = len(keys)
            run = (_dotted_acronym(sentence.text, words, sentence.spans, i)
                   if len(word) == 1 else 0)
            if run:                                # "U.N." is "UN"
                acronym = "".join(words[i:i + run])
                key = word_key(acronym, stem(acronym))
                if key in self._vocabulary:
                    out.add(key, i, i + run)
                    skip = run - 1
                    gap = 0
                    continue
            percent = (_percent_words(words, i, out.end(before - 1) == i
                                      and _is_number(keys[-1]))
                       if before and PERCENT in self._vocabulary else 0)
            if percent:                            # "8 per cent" is "8%"
                out.add(PERCENT, i, i + percent)
                skip = percent - 1
                gap = 0
                continue
            info = cache.get(word)
            if info is None:
                info = self._word(word, word_key(word, stems[i]))
            if not info:
                pass
            elif info.__class__ is str:           # the common case: a keyword word
                keys.append(info)
                positions.append(i)
            else:
                kind, word_keys, is_fuzzy = info
                if kind == _PLAIN:
                    out.add(word_keys[0], i, i + 1, is_fuzzy)
                elif kind == _NUMBER_WORD:
                    # "Rs 76,000": the currency word has no key; the number's hit starts there
                    start = i - 1 if i and _currency_before(stems, words, i - 1) else i
                    for part in word_keys:
                        out.add(part, start, i + 1)
                    out.shared = out.shared or len(word_keys) > 1
                elif kind == _CURRENCY_WORD:
                    if keys and out.end(len(keys) - 1) == i and _currency_after(out, stems[i]):
                        out.widen_last(i + 1)     # "76,000 crore rupees": the hit spans it
                    elif word_keys and not _currency_before(stems, words, i):
                        out.add(word_keys[0], i, i + 1)
                else:
                    joined = self._hyphen_join(sentence, i)
                    broken = None if joined is not None else self._broken_word(sentence, i)
                    if joined is not None or broken is not None:
                        out.add(joined or broken, i, i + 2, broken is not None)
                        skip = 1
                    elif word_keys:
                        out.add(word_keys[0], i, i + 1, is_fuzzy)
            if len(keys) > before:
                if gap == 1:
                    out.bridged.add(before)       # only articles between: a phrase may span
                gap = 0
            elif gap < 2:
                gap = 1 if keys and word.lower() in ARTICLES else 2
        return out

    # ------------------------------------------------------------------ matching

    @staticmethod
    def _find(keys: _Keys, table: dict[str, list[_Phrase]], found: list) -> None:
        """Every (start, -end, -length, phrase, fuzzy) where a phrase of `table` matches."""
        sequence, positions, wide, fuzzy = keys.keys, keys.pos, keys.wide, keys.fuzzy
        bridged = keys.bridged
        count = len(sequence)
        for at in range(count):
            candidates = table.get(sequence[at])
            if candidates is None:
                continue
            for phrase in candidates:
                size = len(phrase.keys)
                last = at + size - 1
                if size > 1 and (last >= count or tuple(sequence[at:last + 1]) != phrase.keys
                                 or any(keys.start(j) > keys.end(j - 1) and j not in bridged
                                        for j in range(at + 1, last + 1))):
                    continue                      # not these keys, or words between them
                if wide:
                    start, end = keys.start(at), keys.end(last)
                else:
                    start, end = positions[at], positions[last] + 1
                found.append((start, -end, -size, phrase,
                              bool(fuzzy) and not fuzzy.isdisjoint(range(at, last + 1))))

    @staticmethod
    def _find_words(words: tuple[str, ...], table: dict[str, list[_Phrase]],
                    found: list) -> None:
        """The same for the case-sensitive phrases, on the words as written."""
        count = len(words)
        for at in range(count):
            candidates = table.get(words[at])
            if candidates is None:
                continue
            for phrase in candidates:
                end = at + len(phrase.keys)
                if end <= count and tuple(words[at:end]) == phrase.keys:
                    found.append((at, -end, -len(phrase.keys), phrase, False))

    def match(self, text: AnalysedText) -> tuple[KeywordHit, ...]:
        """Every occurrence of every form, without overlaps inside a sentence; a match
        credits each group that lists the matched form."""
        hits: list[KeywordHit] = []
        by_stem, by_word = self._by_stem, self._by_word
        for sentence in text.sentences:
            found: list = []
            if by_stem:
                keys = self._keys(sentence)
                if keys.keys:
                    self._find(keys, by_stem, found)
                    plain = _without_article_keys(keys)
                    if plain is not None:         # the rubric has articles among its keys
                        self._find(plain, by_stem, found)
                    if keys.wide or keys.shared or plain is not None:
                        found.sort(key=_ORDER)
            if by_word:
                self._find_words(sentence.words, by_word, found)
                found.sort(key=_ORDER)
            if not found:
                continue
            # Leftmost first, then the most words, then the most keys ("$17.7B" is the two
            # keys 17.7 and billion; `_find` lists them so): the first free span wins; any
            # other phrase of the very same span and length (another group's identical form)
            # is credited too.
            covered = 0                   # the words before this are taken
            chosen = None
            span: list[_Phrase] = []      # the phrases credited for the chosen span
            index = sentence.index
            for start, neg_end, neg_size, phrase, fuzzy in found:
                end = -neg_end
                if chosen != (start, end, neg_size):
                    if start < covered:
                        continue
                    chosen = (start, end, neg_size)
                    covered = end
                    span = [phrase]
                    for credit in phrase.credits:
                        hits.append(KeywordHit(credit.dimension_id, credit.term, credit.form,
                                               index, start, end, credit.weight, fuzzy))
                else:
                    credited = {c.group_index for p in span for c in p.credits}
                    span.append(phrase)
                    for credit in phrase.credits:
                        if credit.group_index not in credited:
                            hits.append(KeywordHit(credit.dimension_id, credit.term,
                                                   credit.form, index, start, end,
                                                   credit.weight, fuzzy))
        return tuple(hits)


def _without_article_keys(keys: _Keys) -> _Keys | None:
    """The keys with the articles among them left out and bridged over, or None when there
    are none: where the rubric has a form starting with one ("a third of claims"), an
    answer's articles are keys, and a phrase whose inner article was dropped still meets
    "appointment of a Chief Minister"."""
    if ARTICLES.isdisjoint(keys.keys):
        return None
    out = _Keys()
    out.shared = keys.shared
    previous = None            # the last original key index kept
    bridge = False             # only articles (or bridged gaps) since it
    for j, key in enumerate(keys.keys):
        joined = j > 0 and (keys.start(j) <= keys.end(j - 1) or j in keys.bridged)
        if key in ARTICLES:
            bridge = previous is not None and (joined if previous == j - 1 else bridge and joined)
            continue
        if previous is not None and ((previous == j - 1 and j in keys.bridged)
                                     or (previous != j - 1 and bridge and joined)):
            out.bridged.add(len(out.keys))
        out.add(key, keys.start(j), keys.end(j), j in keys.fuzzy)
        previous, bridge = j, False
    return out


def _ORDER(found: tuple) -> tuple:
    return found[:3]
