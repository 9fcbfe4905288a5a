"""Draft a rubric from a source article or a model answer, for a teacher to edit.

    clean the source -> sentences -> roles (challenge, way forward) -> TF-IDF + facets ->
    k-means, k chosen by silhouette -> per dimension: keyword groups, title, model points
    -> commented TOML

Pure: text in, TOML text out (no files, no clock, fixed random_state), so the same source
and question always give the same draft. The TOML is commented where the teacher should
look, and loads with `rubric.parse_rubric`; model points the check would flag as
near-duplicates are dropped before it is returned.

- Role: a sentence states a challenge or a way forward (cue words in its label, section
  heading or first word). Three or more sentences of a role make a dimension of their own,
  since Mains rubrics give those their own dimensions; the rest are clustered by topic.
- Features of a sentence for clustering (each block L2-normalised, weighted, normalised
  again): word uni/bigrams of stems and character 3-5-grams, as `similarity` uses, of the
  sentence and, at a lower weight, of its source line with its label ("Trade Imbalance:
  ..."); and facets, counts of words from a small lexicon of the angles a Mains answer is
  expected to cover (history, economy, security, ...), which let sentences that share an
  angle but no word fall together.
"""

from __future__ import annotations

import json
import math
import re
from collections import Counter
from dataclasses import dataclass, field

import numpy as np

from .directives import CONTRAST_WORDS, DIRECTIVES
from .errors import EvaluatorError

#: Weights of the feature blocks (see the module docstring); tuned on the India-Japan source
#: by reading the clusters, and kept round.
TEXT_WEIGHT = 1.0
CONTEXT_WEIGHT = 0.6       #: the sentence's whole source line, relative to the sentence
FACET_WEIGHT = 1.0
FACET_SHARE = 0.4          #: a cluster is named after a facet holding this share of its facet words
TWO_FACET_SHARE = 0.45     #: ... or after the two facets that hold this share together
WORDS_PER_DIMENSION = (45, 30)   #: a dimension takes 30-45 words of an answer: k range
K_LIMITS = (4, 8)
MIN_SENTENCES = 8

FACETS = {
    "history": """history historical ancient medieval civilisation civilizational culture
        cultural buddhism buddhist monk heritage treaty colonial century centuries tradition
        traditional saint saints""",
    "economy": """economy economic trade investment investor investors export exports import
        imports market markets tariff tariffs fdi oda loan loans aid finance financing
        assistance industry business companies growth gdp fiscal revenue tax inflation price
        prices wage wages employment jobs""",
    "infrastructure": """infrastructure connectivity metro rail train railway corridor project
        projects road roads port ports highway logistics""",
    "security": """security defence defense military army navy naval exercise exercises
        maritime ministerial declaration mast missile missiles weapons intelligence terrorism
        border borders""",
    "strategy": """strategic strategy geopolitics geopolitical indo-pacific pacific region
        regional china chinese quad balance balancing order navigation autonomy""",
    "technology": """technology technological digital semiconductor semiconductors chip chips
        space ai robotics quantum innovation cyber cybersecurity research startups""",
    "environment": """energy clean green hydrogen climate renewable environment environmental
        emissions water drought flood floods rainfall agriculture crops""",
    "diplomacy": """diplomatic diplomacy unsc g20 g7 global multilateral summit forum forums
        support bid seat presidency international""",
    "society": """people skill skills workers professionals education health student students
        exchange exchanges tourism language women poor poverty caste rural households""",
    "timeline": """visit visited visits summit summits upgrade upgraded upgrading elevated
        established establish began begun started signed milestone milestones decade decades
        evolution evolved""",
    "governance": """governance institution institutions institutional parliament constitution
        constitutional law legal court judiciary act rights federalism states centre""",
    "ethics": """ethics ethical integrity honesty accountability transparency values
        conscience duty dilemma whistleblower corruption""",
}
FACET_TITLES = {
    "history": "History and culture", "economy": "Economy and trade",
    "infrastructure": "Infrastructure and connectivity", "security": "Security and defence",
    "strategy": "Strategy and geopolitics", "technology": "Technology",
    "environment": "Energy and environment", "diplomacy": "Diplomacy and global support",
    "society": "Society and people", "governance": "Governance and institutions",
    "ethics": "Ethics and values", "timeline": "Evolution and milestones",
}
FACET_SHORT = {"history": "History", "economy": "Economy", "infrastructure": "Infrastructure",
               "security": "Security", "strategy": "Strategy", "technology": "Technology",
               "environment": "Environment", "diplomacy": "Diplomacy", "society": "Society",
               "governance": "Governance", "ethics": "Ethics", "timeline": "Evolution"}
_CHALLENGE_CUES = (" ".join(sorted(CONTRAST_WORDS)) + """ imbalance imbalances divergence
    divergences pressure pressures strain strains uneasy cautious barrier barriers obstacle
    obstacles bottleneck bottlenecks threat threats dependence""")
_FORWARD_CUES = """way forward deepen enhance strengthen collaborate expand build set launch
    complete revise promote increase accelerate improve ensure create establish adopt invest
    reform reforms foster encourage prioritise prioritize should next steps recommendations
    co-chair"""
_PRONOUN_START = re.compile(r"^(it|they|this|these|those|that|such|he|she|its|their)\b", re.I)
_TITLES = frozenset("""pm prime minister president minister chief secretary mr mrs ms dr shri
    smt sri""".split())
_GENERIC_ACRONYMS = frozenset("""PM CM MP MLA MLAS US USA UK AD BC CE BCE FY IT RD OK TV
    NO""".split())
_FUNCTION = frozenset("of and the for on in to at by with a an de".split())
_WEAK = frozenset("""like including include includes such also etc via per new key major top
    many several various two one example instance case cases way ways well synergy""".split())
_MONTHS = frozenset("""january february march april may june july august september october
    november december jan feb mar apr jun jul aug sep sept oct nov dec""".split())


class DraftError(EvaluatorError, ValueError):
    """A rubric cannot be drafted from this source."""


@dataclass
class _Sentence:
    text: str          #: the sentence as it reads in the source (label removed)
    label: str         #: "Trade Imbalance and Market Access" of "Label: text" lines
    section: str       #: the last heading above it
    line: str          #: its whole source line, for context
    role: str = ""     #: "challenge", "forward" or ""


@dataclass
class _Group:
    term: str
    variants: list[str] = field(default_factory=list)
    case_sensitive: bool = False
    kind: str = ""     #: acronym, phrase, term, figure
    score: float = 0.0


@dataclass
class _Dimension:
    dimension_id: str
    title: str
    role: str
    sentences: list[int]
    top_terms: list[str]
    keywords: list[_Group]
    points: list[str]
    weight: float = 1.0
    generic: bool = False
    facet: str = ""


# ----------------------------------------------------------------------------- public


def draft_rubric(source_text: str, question: str, marks: int = 15, words: int | None = None,
                 rubric_id: str = "draft", *, source_name: str = "",
                 random_state: int = 0) -> str:
    """Commented rubric TOML drafted from `source_text` for `question`."""
    from .directives import detect_directive
    from .lint import expected_words

    question = " ".join(question.split())
    if not question:
        raise DraftError("the question is empty")
    if words is None:
        expected = expected_words(marks)
        words = expected[0] if expected else 15 * marks
    sentences = source_sentences(source_text, question)
    if len(sentences) < MIN_SENTENCES:
        raise DraftError(f"the source has {len(sentences)} usable sentences after cleaning; "
                         f"a draft needs at least {MIN_SENTENCES}")
    directive = detect_directive(question)
    dimensions = _dimensions(sentences, question, words, random_state)
    if directive and DIRECTIVES[directive].both_sides and not any(
            d.role == "challenge" for d in dimensions):
        dimensions.append(_generic_challenges(dimensions))
    text = _render(rubric_id, question, directive, marks, words, dimensions, source_name,
                   len(sentences))
    return _drop_near_duplicates(text, rubric_id, dimensions, question, directive, marks,
                                 words, source_name, len(sentences))


# ----------------------------------------------------------------------------- cleaning

_BOILERPLATE = [re.compile(p, re.I) for p in (
    r"copyright|\u00a9|\(c\)\s*\d{4}|all rights? reserved|infringement",
    r"^\s*(picture|image|photo|graphic|figure)s?\s*(courtesy|credit|source)",
    r"^\s*(source|sources|reference|references|tags?|image|picture|photo|credits?)\s*[:|-]",
    r"^\s*(read more|also read|click here|subscribe|download|share this|follow us|"
    r"related (posts?|articles?))\b",
    r"^\s*(practice|mains|prelims|model|previous year)\s+(question|answer)s?\b",
    r"^\s*(q\s*[.:)]|question\s*[:.])",
    r"^\s*(https?://|www\.)\S*\s*$",
)]
_LABEL = re.compile(r"^([A-Za-z0-9][^:]{0,70}?):\s+(\S.*)$")
_YEARS = re.compile(r"^\d{3,4}s?(\s*[-\u2013]\s*\d{2,4}s?)?$")


def clean_source(source_text: str, question: str) -> list[tuple[str, str, str]]:
    """(label, body, section) of each content line: boilerplate, headings, the practice
    question and word-count markers removed."""
    from .reading import normalise
    from .similarity import content_stems
    from .text import count_words

    text = normalise(source_text)
    question_stems = set(content_stems(question))
    kept, section = [], ""
    for raw in text.splitlines():
        line = raw.strip().strip("|").strip()
        if not line or count_words(line) < 3 and not line.endswith(":"):
            if line:
                section = line.rstrip(":")
            continue
        if any(p.search(line) for p in _BOILERPLATE):
            continue
        stems = set(content_stems(line))
        if question_stems and len(stems & question_stems) >= 0.8 * len(question_stems) and (
                len(stems) <= 1.6 * len(question_stems)):
            continue                                   # the question itself, restated
        if re.search(r"\b\d{2,4}\s*words?\b", line) and count_words(line) <= 12:
            continue                                   # "250 words" markers
        line = re.sub(r"^#+\s*", "", line)
        if (not line.rstrip().endswith((".", "?", "!", '"', ")"))
                and count_words(line) <= 8 and not _LABEL.match(line)):
            section = line.rstrip(":")                 # a heading
            continue
        found = _LABEL.match(line)
        label, body = (found.group(1).strip(), found.group(2).strip()) if found else ("", line)
        if found and count_words(label) > 9:
            label, body = "", line
        kept.append((label, body, section))
    return kept


def source_sentences(source_text: str, question: str) -> list[_Sentence]:
    """The sentences worth clustering, with their line, label, section and role."""
    from .text import count_words, split_sentences

    result = []
    for label, body, section in clean_source(source_text, question):
        line = f"{label}: {body}" if label else body
        for piece in split_sentences(body):
            if count_words(piece) >= 5:
                result.append(_Sentence(piece, label, section, line))
    for sentence in result:
        sentence.role = _role(sentence)
    return result


def _role(sentence: _Sentence) -> str:
    from .text import stems_of

    challenge = set(stems_of(_CHALLENGE_CUES))
    forward = set(stems_of(_FORWARD_CUES))
    label = stems_of(sentence.label)
    section = stems_of(sentence.section)
    first = stems_of(sentence.text)[:1]
    if set(section) & challenge or set(label) & challenge:
        return "challenge"
    if set(section) & {"forward", "recommend", "suggest", "reform"} or (
            label and label[0] in forward) or set(first) & forward or (
            re.search(r"\b(should|must|need to|needs to)\b", sentence.text, re.I)
            and not set(stems_of(sentence.text)) & challenge):
        return "forward"
    return ""


# ----------------------------------------------------------------------------- clustering


def _features(sentences: list[_Sentence]):
    """Sentence vectors: text (sentence + its source line) and facets; see the docstring."""
    import scipy.sparse as sp
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.preprocessing import normalize

    from .similarity import background_sentences, word_features

    texts = [s.text for s in sentences]
    lines = [s.line for s in sentences]
    corpus = texts + list(background_sentences())
    words = TfidfVectorizer(analyzer=word_features, sublinear_tf=True).fit(corpus)
    chars = TfidfVectorizer(analyzer="char_wb", ngram_range=(3, 5), sublinear_tf=True).fit(corpus)

    def vectors(items):
        return normalize(sp.hstack([math.sqrt(0.7) * normalize(words.transform(items)),
                                    math.sqrt(0.3) * normalize(chars.transform(items))]).tocsr())

    text_part = normalize(vectors(texts) + CONTEXT_WEIGHT * vectors(lines))
    facets = normalize(np.sqrt(facet_counts(sentences)))
    matrix = normalize(sp.hstack([TEXT_WEIGHT * text_part,
                                  FACET_WEIGHT * sp.csr_matrix(facets)]).tocsr())
    return matrix, words


def facet_counts(sentences: list[_Sentence]) -> np.ndarray:
    """(sentences, facets) counts of facet words in each sentence and its label."""
    from .text import stems_of

    lexicon = _facet_stems()
    rows = []
    for s in sentences:
        text = f"{s.label} {s.text}"
        stems = set(stems_of(text))
        row = [len(stems & words) for words in lexicon.values()]
        row[list(lexicon).index("timeline")] += min(2, len(re.findall(r"\b(?:1[89]|20)\d\d\b",
                                                                       text)))
        rows.append(row)
    return np.array(rows, dtype=float)


def _facet_stems() -> dict[str, set[str]]:
    from .text import stems_of

    return {name: set(stems_of(words)) for name, words in FACETS.items()}


def k_range(words: int, sentence_count: int, fixed: int = 0) -> range:
    """How many topic dimensions to try: an answer of `words` develops one dimension per
    30-45 words, within 4..8 in all; `fixed` dimensions (challenges, way forward) are
    already set, and each topic needs two source sentences at least."""
    low = min(max(round(words / WORDS_PER_DIMENSION[0]), K_LIMITS[0]), K_LIMITS[1]) - fixed
    high = min(max(round(words / WORDS_PER_DIMENSION[1]), K_LIMITS[0]), K_LIMITS[1]) - fixed
    high = max(2, min(high, sentence_count // 2))
    low = max(2, min(low, high))
    return range(low, high + 1)


def cluster(matrix, ks: range, random_state: int = 0) -> tuple[np.ndarray, dict[int, float]]:
    """k-means labels for the k in `ks` with the best cosine silhouette, and every k's
    silhouette. Clusters are numbered in the order they first appear in the source."""
    from sklearn.cluster import KMeans
    from sklearn.metrics import silhouette_score

    best, best_score, scores = None, -2.0, {}
    for k in ks:
        if k >= matrix.shape[0]:
            break
        labels = KMeans(n_clusters=k, n_init=20, random_state=random_state).fit_predict(matrix)
        if len(set(labels)) < 2:
            continue
        scores[k] = float(silhouette_score(matrix, labels, metric="cosine"))
        if scores[k] > best_score + 1e-9:
            best, best_score = labels, scores[k]
    if best is None:
        best = np.zeros(matrix.shape[0], dtype=int)
    order: dict[int, int] = {}
    for label in best:
        order.setdefault(int(label), len(order))
    return np.array([order[int(label)] for label in best]), scores


def _dimensions(sentences, question, words, random_state) -> list[_Dimension]:
    """Challenge and way-forward sentences make their own dimensions (when there are three
    or more); the rest are clustered by topic."""
    matrix, _ = _features(sentences)
    groups: list[tuple[str, list[int]]] = []
    roles = {"challenge": [], "forward": []}
    for i, s in enumerate(sentences):
        if s.role in roles:
            roles[s.role].append(i)
    fixed = [role for role, members in roles.items() if len(members) >= 3]
    topical = [i for i, s in enumerate(sentences) if s.role not in fixed]
    labels, _ = cluster(matrix[topical], k_range(words, len(topical), len(fixed)),
                        random_state)
    for number in range(labels.max() + 1):
        groups.append(("", [topical[j] for j in range(len(topical)) if labels[j] == number]))
    groups += [(role, roles[role]) for role in fixed]
    counts = facet_counts(sentences)
    names = list(FACETS)
    dimensions = []
    for role, members in groups:
        centroid = np.asarray(matrix[members].mean(axis=0)).ravel()
        closeness = [float(matrix[i].toarray().ravel() @ centroid) for i in members]
        ordered = [i for _, i in sorted(zip(closeness, members), key=lambda p: -p[0])]
        mass = counts[members].sum(axis=0)
        ranked = [names[j] for j in np.argsort(-mass, kind="stable")]
        facet = ""
        if mass.sum() and mass.max() >= FACET_SHARE * mass.sum():
            facet = ranked[0]
        elif mass.sum() and np.sort(mass)[-2:].sum() >= TWO_FACET_SHARE * mass.sum():
            facet = "+".join(ranked[:2])
        dimensions.append(_Dimension("", "", role, ordered, [], [], [], facet=facet))
    _choose_keywords(dimensions, sentences, question)
    word_matrix = _word_matrix(sentences)
    used: set[str] = set()
    for dim in dimensions:
        dim.title = _title(dim)
        dim.dimension_id = _unique_id(_slug(dim), used)
        dim.points = _choose_points(dim, sentences, word_matrix)
    return [d for d in dimensions if d.keywords and d.points]


def _word_matrix(sentences):
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.preprocessing import normalize

    from .similarity import background_sentences, word_features

    texts = [s.text for s in sentences]
    vectoriser = TfidfVectorizer(analyzer=word_features, sublinear_tf=True).fit(
        texts + list(background_sentences()))
    return normalize(vectoriser.transform(texts))


def _title(dim: _Dimension) -> str:
    """"Economy and trade: CEPA, investment and trade deficit" from the facet and the top
    keyword terms."""
    terms = [g.term for g in sorted(dim.keywords, key=lambda g: -g.score)
             if g.kind != "figure"][:3]
    dim.top_terms = terms
    listed = (", ".join(terms[:-1]) + " and " + terms[-1]) if len(terms) > 1 else (
        terms[0] if terms else "")
    head = {"challenge": "Challenges", "forward": "Way forward"}.get(dim.role) or (
        FACET_TITLES.get(dim.facet, "") if "+" not in dim.facet else
        " and ".join(FACET_SHORT[f] for f in dim.facet.split("+")).capitalize())
    if head and listed:
        return f"{head}: {listed}"
    return head or (listed[:1].upper() + listed[1:]) or "Other points"


def _slug(dim: _Dimension) -> str:
    if dim.role == "challenge":
        return "challenges"
    if dim.role == "forward":
        return "way-forward"
    if dim.facet:
        return dim.facet.replace("+", "-")
    words = re.findall(r"[a-z0-9]+", " ".join(dim.top_terms).lower())
    return "-".join([w for w in words if w not in _FUNCTION][:3]) or "dimension"


def _unique_id(base: str, used: set[str]) -> str:
    candidate, number = base, 2
    while candidate in used:
        candidate, number = f"{base}-{number}", number + 1
    used.add(candidate)
    return candidate


# ----------------------------------------------------------------------------- keywords

_PAREN = re.compile(r"\(([^()]{1,80})\)")
_ACRONYM = re.compile(r"^(?=(?:.*[A-Z]){2})[A-Z][A-Z0-9&]{1,7}s?$")
_TOKEN = re.compile(r"[$\u20b9]?[A-Za-z0-9][A-Za-z0-9'&+.-]*[A-Za-z0-9%]|[A-Za-z0-9]")
_NUMBER = re.compile(r"^(?:[$\u20b9]?\d[\d,.]*(?:%|[A-Za-z]{1,2})?)$")
_YEAR_OR_FIGURE = re.compile(r"^(?:1[0-9]{3}|20[0-9]{2}|[$\u20b9]\d[\d,.]*[A-Za-z]{0,2}|"
                             r"\d[\d,.]*%|\d{1,3}(?:\.\d+)?\s?(?:bn|B|billion|crore|lakh))$")


def _tokens(text: str) -> list[tuple[str, int, int]]:
    """(token, start, end); trailing dots of abbreviations and sentence ends removed."""
    found = []
    for m in _TOKEN.finditer(text):
        token = m.group().rstrip(".")
        if token:
            found.append((token, m.start(), m.start() + len(token)))
    return found


def _initials_match(words: list[str], acronym: str) -> bool:
    """Do the words spell the acronym ("Free and Open Indo-Pacific" -> FOIP)?"""
    letters = [c for c in acronym.upper() if c.isalpha()]

    def match(w: int, a: int) -> bool:
        if w == len(words):
            return a == len(letters)
        word = words[w]
        steps = set()
        if word.lower() in _FUNCTION:
            steps.add(0)
        parts = [p for p in word.split("-") if p]
        initials = [p[0].upper() for p in parts]
        if letters[a:a + len(initials)] == initials:
            steps.add(len(initials))
        if parts and letters[a:a + 1] == [parts[0][0].upper()]:
            steps.add(1)
        return any(match(w + 1, a + n) for n in steps)

    return bool(words) and words[0].lower() not in _FUNCTION and match(0, 0)


def acronyms(text: str) -> list[tuple[str, str]]:
    """(short form, expansion) pairs written "Expansion (ACR)" or "ACR (Expansion)":
    "Free and Open Indo-Pacific (FOIP)", "Quadrilateral Security Dialogue (Quad)"."""
    found = []
    for match in _PAREN.finditer(text):
        inner = match.group(1).strip()
        before = [t for t, _, _ in _tokens(text[:match.start()])][-10:]
        if _ACRONYM.match(inner) or re.fullmatch(r"[A-Z][a-z]{2,5}", inner):
            for start in range(len(before) - 1, -1, -1):
                words = before[start:]
                prefix = (not inner.isupper() and len(words) >= 2
                          and words[0].lower().startswith(inner.lower())
                          and all(w[:1].isupper() or w.lower() in _FUNCTION for w in words))
                if (inner.isupper() and _initials_match(words, inner)) or prefix:
                    found.append((inner, " ".join(words)))
                    break
        elif before and _ACRONYM.match(before[-1]):
            words = [t for t, _, _ in _tokens(inner)]
            if _initials_match(words, before[-1]):
                found.append((before[-1], " ".join(words)))
    return found


def _subject_stems(question: str) -> set[str]:
    """Stems of the names in the question ("India", "Japan"): every answer uses them."""
    from .text import stem, tokenize

    words = tokenize(question)[0]
    return {stem(w) for i, w in enumerate(words) if i > 0 and w[:1].isupper()} | {"india"}


def _is_subject(token: str, subject: set[str]) -> bool:
    from .text import stem

    return all(any(stem(p).startswith(s) for s in subject) for p in token.split("-") if p)


def _phrases(text: str, subject: set[str], proper_words: set[str]) -> list[str]:
    """Names written with capitals ("Asia-Africa Growth Corridor", "Yoshiro Mori") and quoted
    phrases, without leading subject names and titles, and never across punctuation. A
    capital that only starts the sentence does not make a name unless the word is written
    with a capital inside a sentence somewhere in the source (`proper_words`)."""
    found = []
    for quoted in re.findall(r'"([^"]{3,80})"', text):
        words = quoted.split()
        while words and _is_subject(words[0], subject):
            words = words[1:]
        found.append(" ".join(words))
    tokens = _tokens(text)
    run: list[tuple[str, int]] = []

    def flush():
        while run and run[-1][0].lower() in _FUNCTION:
            run.pop()
        while run and (run[0][0].lower() in _FUNCTION | _TITLES | _MONTHS
                       or _is_subject(run[0][0], subject) or run[0][0][:1].isdigit()
                       or run[0][0].upper() in _GENERIC_ACRONYMS
                       or run[0][1] == 0 and run[0][0] not in proper_words):
            run.pop(0)
        if 2 <= len(run) <= 6:
            found.append(" ".join(t for t, _ in run))
        run.clear()

    previous_end = None
    for position, (token, start, end) in enumerate(tokens):
        gap = text[previous_end:start] if previous_end is not None else ""
        previous_end = end
        if run and (gap.strip() or token.upper() in _GENERIC_ACRONYMS):
            flush()
        capital = token[:1].isupper() or (run and re.fullmatch(r"\d{4}", token))
        if capital:
            run.append((token, position))
        elif run and token.lower() in {"of", "on", "for"}:
            run.append((token, position))
        else:
            flush()
    flush()
    return [p for p in dict.fromkeys(found) if 2 <= len(p.split()) <= 6]


def _label_phrases(label: str, subject: set[str]) -> list[str]:
    """"Trade Imbalance and Market Access" -> ["Trade Imbalance", "Market Access"]."""
    from .text import stems_of

    forward = set(stems_of(_FORWARD_CUES))
    found = []
    label = re.sub(r"\([^)]*\)", " ", label)
    for piece in re.split(r"\s*(?:,|&|\band\b|/)\s*", label):
        words = piece.split()
        while words and (stems_of(words[0])[:1] and stems_of(words[0])[0] in forward
                         or _is_subject(words[0], subject)):
            words = words[1:]
        if 2 <= len(words) <= 4 and not _YEARS.match(" ".join(words)):
            found.append(" ".join(words))
    return found


def _surface_bigrams(sentences: list[_Sentence]) -> tuple[dict[str, str], Counter]:
    """Stem bigram -> its spelling in the source ("indo pacif" -> "Indo-Pacific"), and how
    often each occurs; only pairs of content words with nothing but a space or a hyphen
    between them."""
    from .similarity import content_stems

    spelled: dict[str, Counter] = {}
    counts: Counter = Counter()
    for s in sentences:
        tokens = _tokens(s.text)
        for token, start, end in tokens:
            parts = token.split("-")
            stems = content_stems(token)
            if len(parts) == 2 and len(stems) == 2 and all(p[:1].isalpha() for p in parts):
                key = f"{stems[0]} {stems[1]}"
                spelled.setdefault(key, Counter())[token] += 1
                counts[key] += 1
        for (w1, a1, e1), (w2, a2, e2) in zip(tokens, tokens[1:]):
            if s.text[e1:a2] not in (" ", "-"):
                continue
            if w1.endswith("ed") or w2.endswith("ed") or "-" in w1 or "-" in w2:
                continue
            st1, st2 = content_stems(w1), content_stems(w2)
            if len(st1) != 1 or len(st2) != 1 or w1[:1].isdigit() or w2[:1].isdigit():
                continue
            key = f"{st1[0]} {st2[0]}"
            form = s.text[a1:e2]
            if not (form.isupper() or "-" in form or w2[:1].isupper() and w1[:1].isupper()):
                form = form.lower()
            spelled.setdefault(key, Counter())[form] += 1
            counts[key] += 1
    return {k: c.most_common(1)[0][0] for k, c in spelled.items()}, counts


def _choose_keywords(dimensions: list[_Dimension], sentences: list[_Sentence],
                     question: str) -> None:
    """Keyword groups for each dimension: acronyms with their expansions, named phrases,
    label phrases, frequent two-word terms and distinctive words; years and figures become
    variants of the group named nearest to them. Each form is used once in the whole rubric
    (no shared or colliding keywords), and the question's own words are left out."""
    from .lint import form_key
    from .similarity import content_stems
    from .text import tokenize

    subject = _subject_stems(question)
    avoid = set(content_stems(question)) | subject
    where = {i: d for d, dim in enumerate(dimensions) for i in dim.sentences}
    expansions: dict[str, str] = {}
    for s in sentences:
        for short, long in acronyms(s.line):
            expansions.setdefault(short.upper(), long)
    lower_words = {w for s in sentences for w in tokenize(s.text)[0] if w.islower()}
    proper_words = {t for s in sentences for t, start, _ in _tokens(s.text)[1:]
                    if t[:1].isupper()}
    facet_words = set().union(*_facet_stems().values())
    bigram_forms, bigram_counts = _surface_bigrams(sentences)
    unigram_forms: dict[str, Counter] = {}
    counts: dict[tuple[str, str], Counter] = {}
    spelled: dict[tuple[str, str], str] = {}

    def add(kind: str, form: str, d: int, amount: float = 1.0):
        key = (kind, " ".join(form_key(form, False)))
        if key[1] and not set(key[1].split()) <= avoid:
            counts.setdefault(key, Counter())[d] += amount
            spelled.setdefault(key, form)

    labelled: set[str] = set()
    for i, s in enumerate(sentences):
        d = where.get(i)
        if d is None:
            continue
        seen_here = set()
        for token, _, _ in _tokens(f"{s.label} {s.text}"):
            parts = [token] + token.split("-")
            for part in parts:
                if part in seen_here:
                    continue
                if (_ACRONYM.match(part) or part.upper() in expansions and part[:1].isupper()) \
                        and part.upper() not in _GENERIC_ACRONYMS \
                        and not _is_subject(part, subject):
                    seen_here.add(part)
                    add("acronym", part, d)
        plain = s.text
        for short, long in acronyms(s.text):
            plain = plain.replace(long, ", ").replace(f"({short})", ", ")
        for phrase in _phrases(plain, subject, proper_words):
            add("phrase", phrase, d)
        if s.line not in labelled:
            labelled.add(s.line)
            for phrase in _label_phrases(s.label, subject):
                add("label", phrase, d, 0.5)
        stems = content_stems(s.text)
        for key in {f"{a} {b}" for a, b in zip(stems, stems[1:])} & set(bigram_forms):
            if bigram_counts[key] >= 2 and not set(key.split()) & (_WEAK_STEMS() | subject):
                add("bigram", bigram_forms[key], d)
        for word in tokenize(s.text)[0]:
            st = content_stems(word)
            if len(st) == 1 and len(word) >= 5 and not word[:1].isdigit():
                unigram_forms.setdefault(st[0], Counter())[word if word[1:].islower() and
                                                          word[:1].isupper() and
                                                          word.lower() not in lower_words
                                                          else word.lower()] += 1
        proper = {content_stems(t)[0] for t, _, _ in _tokens(s.text)[1:]
                  if t[:1].isupper() and len(content_stems(t)) == 1}
        for st in set(stems) - avoid - _WEAK_STEMS():
            if len(st) >= 4 and not st[:1].isdigit() and (st in facet_words or st in proper):
                add("term", st, d)
    totals = {key: sum(per.values()) for key, per in counts.items()}
    bonus = {"acronym": 3.0, "phrase": 2.2, "label": 1.2, "bigram": 1.6, "term": 1.0}
    taken: list[tuple[str, ...]] = []

    for d, dim in enumerate(dimensions):
        candidates = []
        for key, per in counts.items():
            kind = key[0]
            inside = per.get(d, 0.0)
            if inside <= 0 or max(sorted(per), key=per.get) != d:
                continue
            share = inside / totals[key]
            if kind == "term" and (inside < 2 or share < 0.6):
                continue
            candidates.append((bonus[kind] * share * (1 + math.log(inside)), kind, key))
        candidates.sort(key=lambda c: (-c[0], c[2]))
        limit = max(4, min(7, len(dim.sentences) + 2))
        groups: list[_Group] = []
        for score, kind, key in candidates:
            if len(groups) >= limit:
                break
            if kind == "term":
                forms = unigram_forms.get(key[1])
                if not forms:
                    continue
                form = forms.most_common(1)[0][0]
            else:
                form = spelled[key]
            stems = " " + " ".join(form_key(form, False)) + " "
            if any(stems in " " + " ".join(form_key(f, False)) + " " or
                   " " + " ".join(form_key(f, False)) + " " in stems
                   for g in groups for f in [g.term, *g.variants]):
                continue                      # part of a chosen phrase, or contains one
            if form_key(form, False) in taken:
                continue
            group = _Group(form, kind=kind, score=score)
            if kind == "acronym":
                group.term = form if form.isupper() or form[1:].islower() else form.upper()
                group.case_sensitive = form.lower() in _stop_words()
                long = expansions.get(form.upper())
                if long and form_key(long, False) not in taken:
                    group.variants.append(long)
            groups.append(group)
            taken.extend(form_key(f, False) for f in [group.term, *group.variants])
        if len(groups) < 3:                   # a small cluster: its own longer words
            for i in dim.sentences:
                for word in tokenize(sentences[i].text)[0]:
                    st = content_stems(word)
                    if (len(groups) >= 3 or len(st) != 1 or len(word) < 5 or st[0] in avoid
                            or st[0] in _WEAK_STEMS() or word[:1].isdigit()
                            or (st[0],) in taken):
                        continue
                    form = word if word[:1].isupper() and word in proper_words else word.lower()
                    groups.append(_Group(form, kind="term", score=0.1))
                    taken.append((st[0],))
        _attach_figures(groups, [sentences[i] for i in dim.sentences], taken)
        dim.keywords = groups


def _attach_figures(groups: list[_Group], members: list[_Sentence], taken: list) -> None:
    """Years and figures become variants of the group named nearest to them in a sentence."""
    from .lint import form_key

    for s in members:
        places = []
        for group in groups:
            for form in [group.term, *group.variants]:
                for m in re.finditer(rf"(?<![\w-]){re.escape(form)}(?![\w-])", s.text, re.I):
                    places.append((m.start(), m.end(), group))
        if not places:
            continue
        for token, start, end in _tokens(s.text):
            if not _YEAR_OR_FIGURE.match(token):
                continue
            key = form_key(token, False)
            if not key or key in taken:
                continue
            distance, owner = min(((min(abs(start - e), abs(a - end)), g)
                                   for a, e, g in places), key=lambda p: p[0])
            if distance <= 60:
                owner.variants.append(token)
                taken.append(key)


def _WEAK_STEMS() -> frozenset[str]:
    from .text import stems_of

    return frozenset(stems_of(" ".join(_WEAK | _MONTHS)))


def _stop_words() -> frozenset[str]:
    from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS

    return ENGLISH_STOP_WORDS


# ----------------------------------------------------------------------------- points


def _choose_points(dim: _Dimension, sentences: list[_Sentence], word_matrix) -> list[str]:
    """The most central self-contained sentences of the dimension, lightly cleaned."""
    from .text import count_words

    wanted = min(4, max(2, math.ceil(len(dim.sentences) / 3)))
    chosen: list[int] = []
    for i in dim.sentences:
        s = sentences[i]
        if _PRONOUN_START.match(s.text) or not 7 <= count_words(s.text) <= 45:
            continue
        if any(float(word_matrix[i].toarray().ravel() @ word_matrix[j].toarray().ravel()) > 0.5
               for j in chosen):
            continue
        chosen.append(i)
        if len(chosen) == wanted:
            break
    if not chosen:
        chosen = dim.sentences[:1]
    return [clean_point(sentences[i]) for i in chosen]


def clean_point(sentence: _Sentence) -> str:
    """A source sentence made into a model point: year labels kept, quotes and list
    markers dropped, one space, a capital and a full stop."""
    text = sentence.text.strip()
    text = re.sub(r'"', "", text)
    text = re.sub(r"\)\s*\(", ") (", text)
    text = re.sub(r"^(for example|e\.g\.|similarly|also|moreover|further|furthermore),?\s+",
                  "", text, flags=re.I)
    label = sentence.label
    if label and _YEARS.match(label) and not re.search(r"\d{4}", text):
        text = f"In {label}, {text}"
    text = " ".join(text.split())
    text = text[:1].upper() + text[1:]
    if not text.endswith((".", "?", "!")):
        text = text.rstrip(";:,") + "."
    return text


# ----------------------------------------------------------------------------- generic parts


def _generic_challenges(dimensions: list[_Dimension]) -> _Dimension:
    used = {d.dimension_id for d in dimensions}
    return _Dimension(
        _unique_id("challenges", used), "Challenges and limitations", "challenge", [], [],
        [_Group("challenges", ["challenge", "limitations", "limitation", "concerns",
                               "constraints"]),
         _Group("however", ["although", "despite", "on the other hand"]),
         _Group("gaps", ["gap", "shortfall", "shortfalls", "bottlenecks"])],
        ["The answer should weigh the achievements against the challenges and limitations "
         "that remain.",
         "Gaps in implementation, funding and coordination limit the results on the ground."],
        generic=True)


# ----------------------------------------------------------------------------- TOML


def _s(value: str) -> str:
    """A TOML basic string (JSON's escapes are valid TOML)."""
    clean = "".join(ch for ch in value if ch >= " " and ch != "\x7f")
    return json.dumps(clean, ensure_ascii=False)


def _list(values) -> str:
    return "[" + ", ".join(_s(v) for v in values) + "]"


def _render(rubric_id, question, directive, marks, words, dimensions, source_name,
            sentence_count) -> str:
    from .lint import expected_words

    name = directive or "discuss"
    spec = DIRECTIVES[name]
    out = [
        "# Draft rubric made by `evaluate rubric draft`"
        + (f" from {source_name}" if source_name else "") + ".",
        f"# {len(dimensions)} dimensions from {sentence_count} source sentences, grouped by "
        "TF-IDF and k-means.",
        "#",
        "# TEACHER: review every part before marking answers with it:",
        "#   - dimensions: rename titles, merge or split dimensions, delete what the question",
        "#     does not ask for, and add what the source lacks;",
        "#   - keywords: delete generic words, add the spellings, acronyms and names",
        "#     candidates use; each form belongs to one group only;",
        "#   - points: each is one claim an ideal answer makes; the drafted points are",
        "#     lightly cleaned source sentences: rewrite them in your own words;",
        "#   - weights: all 1.0; raise the dimensions the question is really about;",
        "#   - then run: evaluate rubric check <this file>",
        "",
        f"id = {_s(rubric_id)}",
        f"question = {_s(question)}",
    ]
    if directive:
        out.append(f"directive = {_s(directive)}              # read from the question: "
                   f"{spec.asks}")
    else:
        out.append(f"directive = {_s(name)}   # TEACHER: no directive word found in the "
                   "question; 'discuss' assumed")
    expected = expected_words(marks)
    note = "" if not expected or expected[0] <= words <= expected[1] else \
        f"   # TEACHER: UPSC asks {expected[0]} words for {marks} marks"
    out += [f"word_limit = {words}{note}", f"max_marks = {marks}",
            '# paper = "GS-II"                   # TEACHER: set the paper (GS-I..GS-IV, Essay)',
            '# topic = ""']
    if source_name:
        out.append(f"source = {_s('Drafted from ' + source_name + '; facts to be restated')}")
    out += ["", "[introduction]", "hints = ["]
    intro = ["Frame the question in one or two sentences and state the line the answer "
             "takes.",
             f"The directive is '{name.replace('-', ' ')}': {spec.asks}"]
    out += [f"  {_s(h)}," for h in intro] + ["]"]
    out.append(f"terms = {_list(_question_terms(question))}   # TEACHER: words an "
               "introduction that frames the question uses")
    out += ["", "[conclusion]", "hints = ["]
    ending = ["End with a way forward: two or three specific steps, not a slogan."]
    if spec.judgement:
        ending.append("Close with a reasoned verdict that answers the question directly.")
    if spec.both_sides:
        ending.append("Weigh the gains against the limits before concluding.")
    out += [f"  {_s(h)}," for h in ending] + ["]"]
    out.append('terms = ["way forward", "going forward", "should", "must", "future", '
               '"therefore"]')
    for dim in dimensions:
        out += ["", "# " + "-" * 75]
        if dim.generic:
            out += ["# TEACHER: generic placeholder: the directive asks for both sides but the "
                    "source",
                    "# has no sentences on challenges. Replace these keywords and points "
                    "with the real ones."]
        else:
            out.append(f"# Drafted from {len(dim.sentences)} source sentence"
                       f"{'s' if len(dim.sentences) != 1 else ''}; top terms: "
                       f"{', '.join(dim.top_terms) or '-'}. TEACHER: check the title and "
                       "the advice.")
        out += ["[[dimensions]]", f"id = {_s(dim.dimension_id)}", f"title = {_s(dim.title)}",
                f"weight = {dim.weight:.1f}", f"advice = {_s(_advice(dim))}"]
        for group in dim.keywords:
            out += ["", "  [[dimensions.keywords]]", f"  term = {_s(group.term)}"]
            if group.variants:
                out.append(f"  variants = {_list(group.variants)}")
            if group.case_sensitive:
                out.append("  case_sensitive = true")
        for point in dim.points:
            out += ["", "  [[dimensions.points]]", f"  text = {_s(point)}"]
    return "\n".join(out) + "\n"


def _question_terms(question: str) -> list[str]:
    from .similarity import content_stems
    from .text import tokenize

    seen, terms = set(), []
    for word in tokenize(question)[0]:
        stems = content_stems(word)
        if not stems or stems[0] in seen or word.lower() in {d.split("-")[-1] for d in
                                                             DIRECTIVES}:
            continue
        seen.add(stems[0])
        terms.append(word if word[:1].isupper() and word.lower() != word else word.lower())
    return terms[:12]


def _advice(dim: _Dimension) -> str:
    examples = [g.term for g in dim.keywords[:3]]
    if dim.generic:
        return ("Weigh the other side: name two or three concrete challenges or limits, "
                "with evidence.")
    listed = (", ".join(examples[:-1]) + " and " + examples[-1]) if len(examples) > 1 else (
        examples[0] if examples else "")
    subject = dim.title[:1].lower() + dim.title[1:] if not dim.title[:2].isupper() else dim.title
    return f"Add {subject}, with specifics such as {listed}."


def _drop_near_duplicates(text, rubric_id, dimensions, question, directive, marks, words,
                          source_name, sentence_count) -> str:
    """Re-render without model points the check would flag as near-duplicates."""
    from pathlib import Path

    from .lint import near_duplicate_pairs
    from .rubric import parse_rubric

    for _ in range(5):
        rubric = parse_rubric(text, path=Path(f"{rubric_id}.toml"))
        pairs = near_duplicate_pairs(rubric)
        if not pairs:
            return text
        places = [(d, p) for d, dim in enumerate(dimensions) for p in range(len(dim.points))]
        drop = {places[j] for _, j, _ in pairs}
        for d, dim in enumerate(dimensions):
            keep = [p for n, p in enumerate(dim.points) if (d, n) not in drop]
            dim.points = keep or dim.points[:1]
        text = _render(rubric_id, question, directive, marks, words, dimensions, source_name,
                       sentence_count)
    return text
