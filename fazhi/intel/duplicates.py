"""Near-duplicate transcripts of different persons (rule ZN-BL-01 笔录雷同), never all pairs.

1. **Boilerplate is learned from the corpus.** A transcript is cut into segments (sentences,
   and the fields of its header lines). A segment whose normalised form (half-width, digits
   collapsed)
   recurs in at least ``max(MIN_DF, DF_FRACTION × transcripts)`` transcripts is boilerplate —
   rights notices, standard questions, closing formulas; a header field (``时间:``, ``被询问人:``
   …) whose label starts a line in that many transcripts is boilerplate with its value. The
   learned set is stored (``BoilerplateSentence``) under a content-hashed version.
2. **What remains is signed**: MinHash (``datasketch``, ``NUM_PERM`` permutations) over
   its character ``SHINGLE``-grams. The signature is split into ``BANDS`` bands of ``ROWS`` rows
   — the banding datasketch's ``MinHashLSH`` chooses for a Jaccard threshold of
   ``LSH_THRESHOLD`` — and every band's hash is stored in an indexed table
   (``TranscriptBand``): the LSH index persists, so a new transcript is one indexed look-up.
   Beside the bands, the sketch keys of its rare sentences (``SK_BAND``): candidates for copies
   whose edits pulled the Jaccard down.
3. **Candidates are verified**: two transcripts sharing a band or ``SK_MIN_SHARED`` rare
   sentence keys, of different persons, are a match when the exact Jaccard of their shingle
   sets reaches the rule's ``min_jaccard`` or their sentence alignment ``min_alignment``.

``sync_index`` brings the index up to date (signing only new or changed transcripts),
``rebuild`` relearns the boilerplate and re-signs everything (``fazhi intel rebuild``),
``check_transcript`` checks one transcript against the index, ``find_matches`` lists the
verified pairs (all, or those involving given transcripts) for the patrol.
"""

from __future__ import annotations

import hashlib
import itertools
import math
import re
import time
import tomllib
from collections import Counter
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from difflib import SequenceMatcher
from functools import cache
from typing import Any, NamedTuple

import numpy as np
from datasketch import MinHash
from datasketch.lsh import _optimal_param
from datasketch.minhash import _fmix
from django.db import connection, transaction
from django.db.models import F, Q, QuerySet
from django.utils import timezone

from fazhi.intel import lexicon
from fazhi.intel.models import (
    BoilerplateSentence,
    BoilerplateVersion,
    TranscriptBand,
    TranscriptPairScore,
    TranscriptSignature,
)
from fazhi.records import models as m

NUM_PERM = 128
SEED = 1
SHINGLE = 5
LSH_THRESHOLD = 0.7
BANDS, ROWS = _optimal_param(LSH_THRESHOLD, NUM_PERM, 0.5, 0.5)  # (14, 9)
MIN_DF = 5
DF_FRACTION = 0.05
# Below this many shingles what remains of a transcript says too little to judge: not indexed.
MIN_SHINGLES = 40
# Shared passages shorter than this many characters are not shown as evidence.
MIN_PASSAGE = 8
_CHUNK = 1000
VERIFY_BATCH = 20_000  # candidate pairs verified together (their texts and signatures in memory)
# The lowest ``min_jaccard`` setting a pack may give ZN-BL-01: below it unrelated statements on
# one subject start to align (the hand-written set's non-copies reach 0.14).
MIN_SCORE = 0.3
# What a signature is made of; part of the boilerplate version, so that signatures made
# otherwise are re-signed (``sync_index`` rebuilds when the stored version is not this one's).
SCHEME = "norm5+seed+synonyms+stock2+clauses/4+turns3"
# Sentence alignment: a sentence of one transcript is matched when its character bigrams and
# those of some sentence of the other agree at this Dice coefficient or more; sentences shorter
# than ALIGN_MIN_CHARS (答:没有) say nothing about copying and are left out.
ALIGN_DICE = 0.6
ALIGN_MIN_CHARS = 6
# Stock sentences: a sentence whose near-twins (other names, amounts, a word changed) stand in
# STOCK_DF or more transcripts of the corpus is how officers of this store say things, not
# evidence that one statement was copied from another; the alignment leaves it out, and a pair
# with fewer than ALIGN_MIN_KEPT characters of other sentences on either side is not aligned at
# all. Near-twins are found by a sketch of each sentence: SKETCH_BANDS keys, each the MinHash of
# its character bigrams under SKETCH_ROWS permutations (two sentences whose bigram sets agree at
# Jaccard J share a key with probability 1 − (1 − J²)⁴: 0.94 at J = 0.8, 0.18 at J = 0.3). The
# keys held by STOCK_DF or more transcripts are learned with the boilerplate and stored beside
# it (``BoilerplateSentence`` rows whose text is STOCK_PREFIX + key).
SKETCH_BANDS = 4
SKETCH_ROWS = 2
STOCK_DF = MIN_DF
STOCK_PREFIX = "≈"
# A sentence is stock when at least STOCK_MIN_KEYS of its SKETCH_BANDS keys are stock keys: one
# key is shared by chance by short clauses of one genre (their bigrams agree at J ≈ 0.4 one time
# in two: "他让我下载了一个叫…的APP" in five statements about five different scams), two only by
# near-twins (J = 0.8: 0.86; J = 0.4: 0.12). Until issue 17's fourth pass: one key.
STOCK_MIN_KEYS = 2
ALIGN_MIN_KEPT = 40
# Candidates beyond the LSH bands: rare sentence sketches. A copy whose Jaccard an edit pulled
# below the LSH threshold still keeps most of its sentences near-twins of the original's (the
# sentence alignment's premise), and those near-twins share sketch keys. Each sentence the
# alignment can match (ALIGN_MIN_CHARS or longer, not stock) is indexed by the first
# SK_INDEX_KEYS of its SKETCH_BANDS keys, as rows of band SK_BAND (two sentences whose bigram
# sets agree at Jaccard J share one with probability 1 − (1 − J²)²: 0.87 at J = 0.8, 0.44 at
# 0.5; a statement has about 14 such keys). A pair is a candidate when it shares at least
# SK_MIN_SHARED keys, each held by at most SK_MAX_DF transcripts. Stock sentences (how a store's
# officers phrase things, learned with the boilerplate) never make keys, so statements composed
# from a common stock make no candidates however many sentences they share; rare content does.
# (Until issue 17's third pass: winnowed 23-character fingerprints with a 30 % share, which a
# reworded copy with a name changed in every sentence did not reach.)
SK_BAND = 1002
SK_INDEX_KEYS = 2
SK_MIN_SHARED = 2
SK_MAX_DF = 50
# A pair sharing an LSH band is a candidate only when its stored MinHash signatures agree on at
# least BAND_MIN_ESTIMATE of their values (the estimated Jaccard). The bands are drawn for a
# Jaccard of LSH_THRESHOLD, and by chance they also join pairs far below it: a county of 17,680
# generated statements made 980 band pairs, and chance pairs grow with the square of the store
# (a province's 1.77 M statements, every pair verified by signing both texts again, did not
# finish in an hour). Checking the stored signatures costs a comparison of 128 numbers per pair.
# What the floor can lose is small: a pair at the floor's Jaccard shares a band with probability
# 1 − (1 − 0.55⁹)¹⁴ ≈ 0.063, so the bands seldom proposed such a pair before; a pair at the
# bands' own LSH_THRESHOLD (0.7) estimates below 0.55 with probability ≈ 1e-4 (128 values, a
# standard error of 0.04); and a copy whose edits pulled its Jaccard low is found by its rare
# sentences (the sketch keys). At 0.45 (session 9) a generated county kept 188 of its 980 band
# pairs, of which 16 were copies: about 1.9 M pairs to verify on a province; at 0.55 it keeps
# 26, the 16 copies among them.
BAND_MIN_ESTIMATE = 0.55

_SEGMENT = re.compile(r"[^。！？!?\s\u3000][^。！？!?\n\u3000]*[。！？!?]*")
_FIELD = re.compile(r"^([^\W\d_]{1,8})[:：]")
_LINE_LABEL = re.compile(r"^([^\W\d_]{1,8})[:：]", re.M)
_DIGITS = re.compile(r"\d+")
_NOT_FIELDS = {"问", "答"}
# A label that starts this many lines of one transcript is a speaker's turn, not a header field:
# a header names 被询问人 once, a statement written as "民警：… / 被询问人：…" turn by turn starts
# every answer with it (issue 17, ninth pass: the seventh writer's frames; with 被询问人 a seed
# field, every answer was dropped as boilerplate and the statement was left with nothing to sign).
TURN_LINES = 3
# Compared text: punctuation and spaces dropped, runs of digits and Chinese numerals one "0"
# (a copy with its amounts, dates and counts changed is still a copy).
_NOISE = re.compile(r"[\W_]+")
_NUMERAL = re.compile(r"[0-9〇零一二两三四五六七八九十百千万亿]+")

_P = np.uint64(0x100000001B3)
_MIX1 = np.uint64(0xFF51AFD7ED558CCD)
_MIX2 = np.uint64(0xC4CEB9FE1A85EC53)
_TEMPLATE = MinHash(num_perm=NUM_PERM, seed=SEED, scheme="affine32")
_PERM_A, _PERM_B = (np.asarray(p, dtype=np.uint32) for p in _TEMPLATE.permutations)


# ---------------------------------------------------------------------------------------------
# Segments and boilerplate


class Segment(NamedTuple):
    start: int
    end: int
    key: str  # normalised sentence, or "label:*" for a header field
    is_field: bool


_HALF = {code: code - 0xFEE0 for code in range(0xFF01, 0xFF5F)}


def fold(text: str) -> str:
    """Full-width ASCII → half-width, one character for one (offsets stay valid)."""
    if len(text) < 64:
        return text.translate(_HALF)
    # a whole 笔录 in numpy: str.translate looks each character up in a dict, five times slower
    codes = np.frombuffer(text.encode("utf-32-le"), dtype="<u4")
    wide = (codes >= 0xFF01) & (codes <= 0xFF5E)
    if not wide.any():
        return text
    codes = codes.copy()
    codes[wide] -= 0xFEE0
    return codes.tobytes().decode("utf-32-le")


def segments(text: str, folded: str | None = None) -> list[Segment]:
    """Sentences of ``text``; a segment at the start of a line (or after an ideographic space)
    of the form ``label：value`` is a header field, keyed by its label. Keys fold full-width
    ASCII to half-width and collapse digit runs to "0" (dates and numbers vary, forms do not)."""
    if folded is None:
        folded = fold(text)
    starts = Counter(m.group(1) for m in _LINE_LABEL.finditer(folded))
    turns = {label for label, lines in starts.items() if lines >= TURN_LINES}
    out: list[Segment] = []
    for match in _SEGMENT.finditer(folded):
        start, end = match.span()
        if folded[end - 1].isspace():
            end = start + len(match.group().rstrip())
        key = _DIGITS.sub("0", folded[start:end])
        if start == 0 or folded[start - 1] in "\n\u3000":
            field_match = _FIELD.match(key)
            label = field_match.group(1) if field_match else ""
            if field_match and label not in _NOT_FIELDS and label not in turns:
                out.append(Segment(start, end, label + ":*", True))
                continue
        out.append(Segment(start, end, key, False))
    return out


# The units of the alignment and of the sentence sketches: clauses. Where one writer ends a
# sentence another puts a comma (一逗到底), or cuts one sentence in two; clauses are the same
# either way. A clause keeps its 问/答 prefix (the colon does not cut).
# A clause is stock when its own sketch or its whole sentence's is (a template sentence with
# slots filled in differently has clauses that differ, and is stock all the same).
_UNIT_END = re.compile(r"[，,；;。！？!?\n]+")


def is_stock(own: Sequence[int], parent: Sequence[int], stock: frozenset[int]) -> bool:
    """Whether a clause (its own sketch keys, its whole sentence's) is a stock sentence of the
    store: ``STOCK_MIN_KEYS`` of either sketch's keys are stock keys."""
    return len(stock.intersection(own)) >= STOCK_MIN_KEYS or not stock.isdisjoint(parent)


def units(segment: str) -> list[str]:
    """The normalised clauses of a folded segment (sentence)."""
    seed = load_seed()
    done = seed.clauses.get(segment)
    if done is None:
        if len(seed.clauses) >= _CACHED:
            seed.clauses.clear()
        done = seed.clauses[segment] = [
            x for x in (normalise(part) for part in _UNIT_END.split(segment)) if x
        ]
    return list(done)


def digest_of(key: str) -> str:
    return hashlib.md5(key.encode(), usedforsecurity=False).hexdigest()


# Sentences recur across a store (the 笔录 formulas above all): their normal forms and sketches
# are kept in memory, bounded, so that learning and signing a province compute each once.
_CACHED = 200_000


def normalise(text: str) -> str:
    """The text as compared: folded, synonyms of the seed file's [synonyms] as one word, without
    punctuation or spaces, numbers as "0"."""
    seed = load_seed()
    done = seed.normalised.get(text)
    if done is None:
        if len(seed.normalised) >= _CACHED:
            seed.normalised.clear()
        done = _NUMERAL.sub("0", _NOISE.sub("", seed.fold_synonyms(fold(text))))
        seed.normalised[text] = done
    return done


@dataclass(frozen=True)
class Seed:
    """The seed boilerplate (``lexicons/boilerplate.toml``): header labels and formula patterns
    that are boilerplate whatever the corpus's size."""

    fields: frozenset[str]  # "label:*" keys
    pattern: re.Pattern[str] | None
    digest: str
    synonyms: dict[str, str] = field(default_factory=dict)  # variant -> canonical word
    synonym_pattern: re.Pattern[str] | None = None
    # normal forms computed under this seed (``normalise``): a new seed starts an empty one
    normalised: dict[str, str] = field(default_factory=dict, compare=False, repr=False)
    clauses: dict[str, list[str]] = field(default_factory=dict, compare=False, repr=False)

    def fold_synonyms(self, text: str) -> str:
        if self.synonym_pattern is None:
            return text
        return self.synonym_pattern.sub(lambda m: self.synonyms[m.group()], text)

    def matches(self, key: str) -> bool:
        return key in self.fields or (self.pattern is not None and bool(self.pattern.search(key)))


@cache
def load_seed() -> Seed:
    """Read and check the seed file (an override in ``FAZHI_LEXICON_DIR`` replaces it)."""
    override = lexicon.lexicon_dir()
    path = override / "boilerplate.toml" if override is not None else None
    if path is None or not path.exists():
        path = lexicon.PACKAGED / "boilerplate.toml"
    raw = path.read_bytes()
    data = tomllib.loads(raw.decode("utf-8"))
    labels = lexicon.words_of(data, "fields", "labels", path.name)
    patterns = lexicon.words_of(data, "sentences", "patterns", path.name)
    for number, pattern in enumerate(patterns, 1):
        try:
            re.compile(pattern)
        except re.error as exc:
            raise ValueError(
                f"词库文件 {path.name}：[sentences] patterns 第 {number} 条有误：{exc}"
            ) from exc
    joined = re.compile("|".join(f"(?:{p})" for p in patterns)) if patterns else None
    digest = hashlib.sha1(raw, usedforsecurity=False).hexdigest()[:12]
    synonyms: dict[str, str] = {}
    for canonical in data.get("synonyms", {}):
        words = lexicon.words_of(data, "synonyms", canonical, path.name)
        for variant in words:
            if variant in synonyms and synonyms[variant] != canonical:
                raise ValueError(
                    f"词库文件 {path.name}：[synonyms] “{variant}”同时归入“{synonyms[variant]}”"
                    f"和“{canonical}”"
                )
            synonyms[variant] = canonical
    ordered = sorted(synonyms, key=len, reverse=True)
    synonym_pattern = re.compile("|".join(map(re.escape, ordered))) if ordered else None
    return Seed(frozenset(f"{label}:*" for label in labels), joined, digest, synonyms,
                synonym_pattern)  # fmt: skip


@dataclass(frozen=True)
class Boilerplate:
    version: str
    keys: frozenset[str]
    seed: Seed | None = None
    # the stored set was learned under another scheme or seed: re-learn and re-sign
    stale: bool = False
    # sketch keys of the store's stock sentences (left out of the alignment)
    stock: frozenset[int] = frozenset()

    def is_boilerplate(self, key: str) -> bool:
        return key in self.keys or (self.seed is not None and self.seed.matches(key))

    def kept(self, text: str) -> Kept:
        """The text without its boilerplate segments, with the map back to ``text``."""
        folded = fold(text)
        parts: list[str] = []
        spans: list[tuple[int, int]] = []  # (kept start, original start) per kept segment
        length = 0
        for seg in segments(text, folded):
            if self.is_boilerplate(seg.key):
                continue
            spans.append((length, seg.start))
            parts.append(folded[seg.start : seg.end])
            length += seg.end - seg.start
        return Kept("".join(parts), tuple(spans))


@dataclass(frozen=True)
class Kept:
    text: str
    spans: tuple[tuple[int, int], ...]

    def sentences(self) -> list[tuple[str, list[str]]]:
        """The kept segments, normalised, each with its normalised clauses (the units of the
        sentence alignment)."""
        bounds = [s for s, _ in self.spans] + [len(self.text)]
        return [(normalise(self.text[a:b]), units(self.text[a:b]))
                for a, b in itertools.pairwise(bounds)]  # fmt: skip

    def original(self, start: int, end: int) -> list[tuple[int, int]]:
        """The ranges of the original text that the kept range [start, end) came from."""
        out: list[tuple[int, int]] = []
        bounds = [s for s, _ in self.spans] + [len(self.text)]
        for i, (kept_start, orig_start) in enumerate(self.spans):
            kept_end = bounds[i + 1]
            low, high = max(start, kept_start), min(end, kept_end)
            if low < high:
                out.append((orig_start + low - kept_start, orig_start + high - kept_start))
        return out


def learn_boilerplate(texts: Iterable[str]) -> tuple[int, int, dict[str, tuple[str, int]]]:
    """``(corpus size, min_df, {digest: (segment key, document frequency)})`` of the segments
    that recur in at least ``max(MIN_DF, DF_FRACTION × corpus)`` transcripts, and of the sentence
    sketch keys held by at least ``STOCK_DF`` (stock sentences, keyed ``STOCK_PREFIX`` + key)."""
    df: Counter[str] = Counter()
    sketch_df: Counter[int] = Counter()
    n = 0
    for text in texts:
        n += 1
        folded = fold(text)
        found = segments(text, folded)
        df.update({seg.key for seg in found})
        sentences = [
            u
            for seg in found
            if not seg.is_field
            for u in (normalise(folded[seg.start : seg.end]), *units(folded[seg.start : seg.end]))
        ]
        sketch_df.update(
            {k for keys in sketches([x for x in sentences if len(x) >= ALIGN_MIN_CHARS])
             for k in keys}
        )  # fmt: skip
    threshold = max(MIN_DF, math.ceil(DF_FRACTION * n))
    learned: dict[str, tuple[str, int]] = {}
    for key, count in df.items():
        if count >= threshold:
            digest = digest_of(key)
            learned[digest] = (key, count)
    for sketch, count in sketch_df.items():
        if count >= STOCK_DF:
            key = f"{STOCK_PREFIX}{sketch}"
            learned[digest_of(key)] = (key, count)
    return n, threshold, learned


def boilerplate_of(version: str, keys: Iterable[str], stale: bool = False) -> Boilerplate:
    """The boilerplate of learned keys: segment keys, and stock sentence sketches."""
    segment_keys: set[str] = set()
    stock: set[int] = set()
    for key in keys:
        if key.startswith(STOCK_PREFIX):
            stock.add(int(key[len(STOCK_PREFIX) :]))
        else:
            segment_keys.add(key)
    return Boilerplate(version, frozenset(segment_keys), load_seed(), stale, frozenset(stock))


def version_of(digests: Iterable[str]) -> str:
    """The hash of a learned set, the seed file and the signing scheme."""
    joined = "\n".join([SCHEME, load_seed().digest, *sorted(digests)]).encode()
    return hashlib.sha1(joined, usedforsecurity=False).hexdigest()[:16]


_loaded: dict[tuple[str, str], Boilerplate] = {}


def current_boilerplate() -> Boilerplate | None:
    """The stored boilerplate (kept in memory per version and seed file: the version is a hash
    of its content, so an incremental check reads one row, not the learned set)."""
    latest = BoilerplateVersion.objects.order_by("-learned_at", "-id").values("version").first()
    if latest is None:
        return None
    version = latest["version"]
    cache_key = (version, load_seed().digest)
    if cache_key in _loaded:
        return _loaded[cache_key]
    rows = BoilerplateSentence.objects.filter(version=version).values_list("digest", "text")
    digests = [d for d, _ in rows]
    boilerplate = boilerplate_of(version, (t for _, t in rows), version_of(digests) != version)
    _loaded.clear()
    _loaded[cache_key] = boilerplate
    return boilerplate


# ---------------------------------------------------------------------------------------------
# Shingles and signatures


def shingle_hashes(text: str, size: int = SHINGLE) -> np.ndarray:
    """The distinct 64-bit hashes of the character ``size``-grams of ``text`` (sorted)."""
    codes = np.frombuffer(text.encode("utf-32-le"), dtype="<u4").astype(np.uint64)
    n = len(codes) - size + 1
    if n <= 0:
        return np.empty(0, dtype=np.uint64)
    h = np.zeros(n, dtype=np.uint64)
    for j in range(size):
        h = h * _P + codes[j : j + n]
    h ^= h >> np.uint64(33)
    h *= _MIX1
    h ^= h >> np.uint64(29)
    h *= _MIX2
    h ^= h >> np.uint64(32)
    return np.unique(h)


def jaccard(a: np.ndarray, b: np.ndarray) -> float:
    if len(a) == 0 and len(b) == 0:
        return 0.0
    common = len(np.intersect1d(a, b, assume_unique=True))
    return common / (len(a) + len(b) - common)


def minhash_values(hashes: np.ndarray) -> np.ndarray:
    """The MinHash signature of the shingle hashes: exactly what datasketch's ``MinHash``
    (scheme affine32, ``SEED``) computes with ``update_batch`` of their upper 32 bits, done in one
    numpy expression (datasketch hashes each value through a Python call; a test pins the two
    together)."""
    if len(hashes) == 0:
        return np.asarray(_TEMPLATE.hashvalues, dtype=np.uint32).copy()
    hv = _fmix((hashes >> np.uint64(32)).astype(np.uint32).reshape(-1, 1), 32)
    phv = hv * _PERM_A + _PERM_B  # wraps modulo 2^32, as datasketch's affine32 does
    return np.asarray(phv.min(axis=0), dtype=np.uint32)


def sentence_sketch(sentence: str) -> tuple[int, ...]:
    """The ``SKETCH_BANDS`` keys of a normalised sentence (``sketches``, for one)."""
    return sketches([sentence])[0]


_SKETCHED: dict[str, tuple[int, ...]] = {}  # sketch keys by sentence (constants only: no seed)
_BAND_SALT = np.arange(1, SKETCH_BANDS + 1, dtype=np.uint64) * np.uint64(0x9E3779B97F4A7C15)


def sketches(sentences: Sequence[str]) -> list[tuple[int, ...]]:
    """The ``SKETCH_BANDS`` keys of each normalised sentence: each key mixes ``SKETCH_ROWS``
    MinHash values of the sentence's distinct character bigrams (under the first permutations
    of the transcripts' MinHash). All sentences of a transcript in one numpy pass; a sentence
    of fewer than two characters has none."""
    out: list[tuple[int, ...]] = [()] * len(sentences)
    wanted: list[int] = []
    for i, x in enumerate(sentences):
        if len(x) >= 2:
            known = _SKETCHED.get(x)
            if known is None:
                wanted.append(i)
            else:
                out[i] = known
    if not wanted:
        return out
    joined = "".join(sentences[i] for i in wanted)
    codes = np.frombuffer(joined.encode("utf-32-le"), dtype="<u4").astype(np.uint64)
    h = codes[:-1] * _P + codes[1:]
    h ^= h >> np.uint64(33)
    h *= _MIX1
    h ^= h >> np.uint64(29)
    h *= _MIX2
    h ^= h >> np.uint64(32)
    n = SKETCH_BANDS * SKETCH_ROWS
    hv = _fmix((h >> np.uint64(32)).astype(np.uint32).reshape(-1, 1), 32)
    values = np.asarray(hv * _PERM_A[:n] + _PERM_B[:n], dtype=np.uint32)
    starts = np.cumsum([0] + [len(sentences[i]) for i in wanted[:-1]])
    # the bigram that straddles two sentences belongs to neither
    values[starts[1:] - 1] = np.iinfo(np.uint32).max
    mins = np.minimum.reduceat(values, starts, axis=0).astype(np.uint64)
    rows = mins.reshape(len(wanted), SKETCH_BANDS, SKETCH_ROWS)
    key = (rows[:, :, 0] << np.uint64(32)) | rows[:, :, 1]
    key ^= _BAND_SALT
    key ^= key >> np.uint64(33)
    key *= _MIX1
    key ^= key >> np.uint64(29)
    key *= _MIX2
    key ^= key >> np.uint64(32)
    if len(_SKETCHED) + len(wanted) > _CACHED:
        _SKETCHED.clear()
    for row, i in enumerate(wanted):
        out[i] = _SKETCHED[sentences[i]] = tuple(key[row].view(np.int64).tolist())
    return out


def minhash_of(values: np.ndarray) -> MinHash:
    """A datasketch ``MinHash`` holding a signature (for its estimators and ``MinHashLSH``)."""
    return MinHash(
        seed=SEED, hashvalues=values, permutations=_TEMPLATE.permutations, scheme="affine32"
    )


def band_keys(hashvalues: np.ndarray) -> list[int]:
    values = np.asarray(hashvalues, dtype="<u4")
    keys = []
    for band in range(BANDS):
        chunk = values[band * ROWS : (band + 1) * ROWS].tobytes()
        digest = hashlib.blake2b(chunk, digest_size=8).digest()
        keys.append(int.from_bytes(digest, "little", signed=True))
    return keys


@dataclass
class Signed:
    transcript_id: str
    hashes: np.ndarray  # distinct 64-bit shingle hashes of the normalised kept text, sorted
    minhash: np.ndarray  # NUM_PERM uint32 values
    kept: Kept
    # the normalised sentences long enough to weigh, each with its SKETCH_BANDS sketch keys
    # (clause, its sketch keys, its whole sentence's sketch keys, the sentence is a question)
    sentences: list[tuple[str, tuple[int, ...], tuple[int, ...], bool]] = field(
        default_factory=list
    )
    # the index keys of its rare sentences (SK_INDEX_KEYS sketch keys of each), sorted
    sentence_keys: list[int] = field(default_factory=list)

    @property
    def indexed(self) -> bool:
        return len(self.hashes) >= MIN_SHINGLES


def sign(transcript_id: str, text: str, boilerplate: Boilerplate) -> Signed:
    kept = boilerplate.kept(text)
    compared = normalise(kept.text)
    hashes = shingle_hashes(compared)
    whole: list[str] = []
    clauses: list[tuple[str, int]] = []  # (clause, index of its sentence in whole)
    for sentence, parts in kept.sentences():
        whole.append(sentence)
        clauses.extend((c, len(whole) - 1) for c in parts if len(c) >= ALIGN_MIN_CHARS)
    sketched = sketches(whole + [c for c, _ in clauses])
    sketched_whole, sketched_clauses = sketched[: len(whole)], sketched[len(whole) :]
    units_ = [
        (c, own, sketched_whole[i], whole[i].startswith("问"))
        for (c, i), own in zip(clauses, sketched_clauses, strict=True)
    ]
    stock = boilerplate.stock
    keys = sorted({key for _, own, parent, _ in units_
                   if not is_stock(own, parent, stock)
                   for key in own[:SK_INDEX_KEYS]})  # fmt: skip
    return Signed(transcript_id, hashes, minhash_values(hashes), kept, units_, keys)


def index_rows(signed: Signed) -> list[tuple[int, int]]:
    """``(band, key)`` rows of a transcript in the index: its MinHash bands and the keys of its
    rare sentences."""
    if not signed.indexed:
        return []
    rows = list(enumerate(band_keys(signed.minhash)))
    rows.extend((SK_BAND, key) for key in signed.sentence_keys)
    return rows


def _bigrams(sentence: str) -> frozenset[str]:
    return frozenset(sentence[i : i + 2] for i in range(len(sentence) - 1))


def _cover(mine: list[tuple[int, frozenset[str] | None]], theirs: list[frozenset[str]]) -> float:
    """The share of ``mine``'s characters in sentences that some sentence of ``theirs``
    matches (bigram Dice ≥ ``ALIGN_DICE``), whatever the order; a stock sentence (``None``)
    counts in the whole and is never matched."""
    total = sum(n for n, _ in mine)
    if not total:
        return 0.0
    aligned = 0
    for n, grams in mine:
        if grams is None:
            continue
        for other in theirs:
            common = len(grams & other)
            if 2 * common >= ALIGN_DICE * (len(grams) + len(other)):
                aligned += n
                break
    return aligned / total


def _sentences(signed: Signed, stock: frozenset[int]) -> list[tuple[int, frozenset[str] | None]]:
    """The sentences of a transcript the alignment weighs (long enough), each with its bigrams,
    or ``None`` for a stock answer; a stock question (问…) is the officer's way of asking and
    no part of the statement, so it is left out altogether."""
    out: list[tuple[int, frozenset[str] | None]] = []
    for clause, own, parent, question in signed.sentences:
        if not is_stock(own, parent, stock):
            out.append((len(clause), _bigrams(clause)))
        elif not question:
            out.append((len(clause), None))
    return out


def alignment(a: Signed, b: Signed, stock: frozenset[int] = frozenset()) -> float:
    """Sentence-level alignment: the smaller of the two shares of characters that lie in a
    sentence matched in the other transcript. It holds when sentences are reordered, a word or
    a name in each is changed, or one or two are reworded, inserted or dropped — the edits that
    pull the shingle Jaccard of a short statement far down. The store's ``stock`` answers (how
    its people are made to say things) count in the whole but are never matched, so two
    statements composed of stock with a rare sentence or two in common stay apart; its stock
    questions are left out; 0 when fewer than ``ALIGN_MIN_KEPT`` characters of other sentences
    remain on either side."""
    sa, sb = _sentences(a, stock), _sentences(b, stock)
    own_a = [g for _, g in sa if g is not None]
    own_b = [g for _, g in sb if g is not None]
    kept_a = sum(n for n, g in sa if g is not None)
    kept_b = sum(n for n, g in sb if g is not None)
    if min(kept_a, kept_b) < ALIGN_MIN_KEPT:
        return 0.0
    return min(_cover(sa, own_b), _cover(sb, own_a))


def similarity(a: Signed, b: Signed, stock: frozenset[int] = frozenset()) -> tuple[float, float]:
    """``(jaccard, alignment)`` of two signed transcripts."""
    return jaccard(a.hashes, b.hashes), alignment(a, b, stock)


def verdict(j: float, al: float, min_jaccard: float, min_alignment: float) -> float | None:
    """The score of a pair that holds (the Jaccard, or the alignment when only it reaches its
    threshold), ``None`` otherwise. ``min_alignment`` 0 leaves the alignment out."""
    if j >= min_jaccard:
        return j
    if min_alignment > 0 and al >= min_alignment:
        return al
    return None


def _store(
    signed: list[Signed], changed: dict[str, datetime], version: str, *, fresh: bool = False
) -> None:
    """Write the signatures and band keys of ``signed`` (replacing earlier ones unless the
    index was just emptied: ``fresh``)."""
    # only transcripts signed before have rows to replace: after ``learn`` emptied the index
    # (a province's first patrol) none has, and the deletes were a quarter of the signing parts
    ids = [] if fresh else list(
        TranscriptSignature.objects.filter(transcript_id__in=[s.transcript_id for s in signed])
        .values_list("transcript_id", flat=True)
    )  # fmt: skip
    if ids:
        TranscriptBand.objects.filter(transcript_id__in=ids).delete()
        TranscriptSignature.objects.filter(transcript_id__in=ids).delete()
        # their pairs' scores no longer hold (the signature stamps would tell, but a pair that
        # stops being a candidate would keep its stale row forever)
        TranscriptPairScore.objects.filter(Q(a_id__in=ids) | Q(b_id__in=ids)).delete()
    now = timezone.now()
    prep = TranscriptSignature._meta.get_field("changed_at")
    stamp = prep.get_db_prep_save(now, connection)
    signatures = [
        (s.transcript_id, version, s.minhash.astype("<u4").tobytes(), len(s.hashes),
         prep.get_db_prep_save(changed[s.transcript_id], connection), stamp)
        for s in signed
    ]  # fmt: skip
    bands = [(s.transcript_id, band, key) for s in signed for band, key in index_rows(s)]
    sig_table = connection.ops.quote_name(TranscriptSignature._meta.db_table)
    sig_columns = "transcript_id, version, minhash, shingle_count, source_changed_at, changed_at"
    band_table = _band_table()
    band_columns = f"transcript_id, band, {_KEY}"
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # COPY: a city's 2.4 million band rows in seconds rather than minutes of INSERTs
            raw = cursor.cursor
            for table, columns, rows in (
                (sig_table, sig_columns, signatures),
                (band_table, band_columns, bands),
            ):
                with raw.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
                    for row in rows:
                        copy.write_row(row)
            return
        # plain executemany: model instances cost more than the signing itself at this volume
        cursor.executemany(
            f"INSERT INTO {sig_table} ({sig_columns}) VALUES (%s, %s, %s, %s, %s, %s)",
            signatures,
        )
        cursor.executemany(f"INSERT INTO {band_table} ({band_columns}) VALUES (%s, %s, %s)", bands)


def _sign_ids(ids: Sequence[str], boilerplate: Boilerplate, *, fresh: bool = False) -> int:
    for start in range(0, len(ids), _CHUNK):
        chunk = ids[start : start + _CHUNK]
        rows = m.Transcript.objects.filter(pk__in=chunk).values_list("pk", "text", "changed_at")
        signed = [sign(pk, text, boilerplate) for pk, text, _ in rows]
        changed = {pk: at for pk, _, at in rows}
        _store(signed, changed, boilerplate.version, fresh=fresh)
    return len(ids)


def _texts() -> Iterator[str]:
    yield from m.Transcript.objects.order_by().values_list("text", flat=True).iterator(2000)


@dataclass
class BuildReport:
    version: str
    corpus: int
    min_df: int
    boilerplate: int
    signed: int
    seconds: float
    timings: dict[str, float] = field(default_factory=dict)
    stock: int = 0  # sketch keys of stock sentences learned


def learn() -> BuildReport:
    """Relearn the boilerplate from the whole corpus, store it as the current version and empty
    the index: the first half of ``rebuild``, which a fanned-out patrol runs as a part of its
    own before signing each county's transcripts in parts (``sign_stale``)."""
    clock = time.perf_counter()
    corpus, min_df, learned = learn_boilerplate(_texts())
    version = version_of(learned)
    with transaction.atomic():
        BoilerplateVersion.objects.exclude(version=version).delete()
        BoilerplateSentence.objects.exclude(version=version).delete()
        BoilerplateVersion.objects.filter(version=version).delete()
        BoilerplateSentence.objects.filter(version=version).delete()
        BoilerplateSentence.objects.bulk_create(
            [
                BoilerplateSentence(version=version, digest=d, text=key, document_frequency=df)
                for d, (key, df) in learned.items()
            ],
            batch_size=_CHUNK,
        )
        stock = sum(1 for key, _ in learned.values() if key.startswith(STOCK_PREFIX))
        BoilerplateVersion.objects.create(
            version=version, corpus_size=corpus, min_df=min_df, sentences=len(learned) - stock
        )
        _clear_index()
    return BuildReport(
        version, corpus, min_df, len(learned) - stock, 0, round(time.perf_counter() - clock, 3),
        {"learn": round(time.perf_counter() - clock, 3)}, stock,
    )  # fmt: skip


def _clear_index() -> None:
    if connection.vendor == "postgresql":
        # a province's index is tens of millions of band rows: TRUNCATE (transactional in
        # PostgreSQL) instead of deleting them row by row
        tables = ", ".join(
            connection.ops.quote_name(t._meta.db_table)
            for t in (TranscriptBand, TranscriptSignature, TranscriptPairScore)
        )
        with connection.cursor() as cursor:
            cursor.execute(f"TRUNCATE {tables}")
        return
    TranscriptBand.objects.all().delete()
    TranscriptSignature.objects.all().delete()
    TranscriptPairScore.objects.all().delete()


def rebuild() -> BuildReport:
    """Relearn the boilerplate from the whole corpus and re-sign every transcript.
    Call through ``fazhi.intel.services.rebuild_index`` (audited)."""
    clock = time.perf_counter()
    with transaction.atomic():
        report = learn()
        learned_at = time.perf_counter()
        boilerplate = current_boilerplate()
        assert boilerplate is not None
        ids = list(m.Transcript.objects.order_by("pk").values_list("pk", flat=True))
        report.signed = _sign_ids(ids, boilerplate, fresh=True)
    done = time.perf_counter()
    report.seconds = round(done - clock, 3)
    report.timings["sign"] = round(done - learned_at, 3)
    return report


def _stale(boilerplate: Boilerplate, within: Q | None = None) -> list[QuerySet[Any]]:
    """The three kinds of stale transcripts (of ``within``, a condition on ``Transcript``): no
    signature, a signature older than the transcript, a signature of another version."""
    transcripts = (
        m.Transcript.objects.all() if within is None else m.Transcript.objects.filter(within)
    )
    return [
        transcripts.filter(signature__isnull=True),
        transcripts.filter(changed_at__gt=F("signature__source_changed_at")),
        transcripts.filter(signature__isnull=False).exclude(signature__version=boilerplate.version),
    ]


def stale_ids(boilerplate: Boilerplate, within: Q | None = None) -> set[str]:
    """The transcripts (of ``within``) whose signature is missing, older than the transcript
    or of another boilerplate version."""
    stale: set[str] = set()
    for kind in _stale(boilerplate, within):
        stale.update(kind.values_list("pk", flat=True))
    return stale


@dataclass(frozen=True)
class IndexState:
    """What the index needs before ZN-BL-01 can match: the boilerplate learned (``learn``),
    and how many transcripts to sign (``stale``; every one when it must be learned)."""

    learn: bool
    stale: int


def index_state() -> IndexState:
    boilerplate = current_boilerplate()
    if boilerplate is None or boilerplate.stale:
        return IndexState(True, m.Transcript.objects.count())
    # counted in the database, not as a set of ids (1.77 M on a province's first patrol after
    # its import). A signature both older than its transcript and of another version counts
    # twice: the count only decides whether the signing is split, which an upper bound serves.
    return IndexState(False, sum(kind.count() for kind in _stale(boilerplate)))


def sign_stale(within: Q) -> int:
    """Sign the stale transcripts of one part of the store (``within``), under the current
    boilerplate: a fanned-out patrol's signing parts, one per county, after ``learn``."""
    boilerplate = current_boilerplate()
    if boilerplate is None:
        raise RuntimeError("the boilerplate is not learned: learn() first")
    return _sign_ids(sorted(stale_ids(boilerplate, within)), boilerplate)


def sync_index() -> dict[str, Any]:
    """Sign the transcripts that are new or changed since they were signed, drop the index rows
    of vanished transcripts; learn the boilerplate first if it never was."""
    boilerplate = current_boilerplate()
    if boilerplate is None or boilerplate.stale:
        report = rebuild()
        return {"rebuilt": True, "signed": report.signed}
    stale = stale_ids(boilerplate)
    vanished = list(
        TranscriptSignature.objects.exclude(
            transcript_id__in=m.Transcript.objects.values("pk")
        ).values_list("transcript_id", flat=True)
    )
    if vanished:
        for start in range(0, len(vanished), _CHUNK):
            chunk = vanished[start : start + _CHUNK]
            TranscriptBand.objects.filter(transcript_id__in=chunk).delete()
            TranscriptSignature.objects.filter(transcript_id__in=chunk).delete()
            TranscriptPairScore.objects.filter(Q(a_id__in=chunk) | Q(b_id__in=chunk)).delete()
    stale -= set(vanished)
    signed = _sign_ids(sorted(stale), boilerplate)
    return {"rebuilt": False, "signed": signed, "dropped": len(vanished)}


# ---------------------------------------------------------------------------------------------
# Candidates and matches


def _band_table() -> str:
    return connection.ops.quote_name(TranscriptBand._meta.db_table)


_KEY = '"key"'  # quoted: KEY is a keyword in some SQL dialects


def candidate_pairs(subjects: Iterable[str] | None = None) -> set[tuple[str, str]]:
    """Pairs ``(a, b)``, ``a < b``, of indexed transcripts sharing ``SK_MIN_SHARED`` rare
    sentence keys, or an LSH band with signatures that agree (``BAND_MIN_ESTIMATE``): all of
    them, or those involving ``subjects``."""
    table = _band_table()
    banded: set[tuple[str, str]] = set()
    sketched: set[tuple[str, str]] = set()
    # sentence keys held by 2..SK_MAX_DF transcripts; pairs sharing SK_MIN_SHARED of them
    rare = (
        f"SELECT {_KEY} FROM {table} WHERE band = %s GROUP BY {_KEY} "
        "HAVING COUNT(*) BETWEEN 2 AND %s"
    )
    shared = (
        f"SELECT a.transcript_id, b.transcript_id FROM {table} a "
        f"JOIN ({rare}) r ON a.{_KEY} = r.{_KEY} "
        f"JOIN {table} b ON b.band = a.band AND b.{_KEY} = a.{_KEY} "
        "AND a.transcript_id {op} b.transcript_id WHERE a.band = %s{where} "
        "GROUP BY a.transcript_id, b.transcript_id HAVING COUNT(*) >= %s"
    )
    with connection.cursor() as cursor:
        if subjects is None:
            cursor.execute(
                f"SELECT DISTINCT a.transcript_id, b.transcript_id FROM {table} a "
                f"JOIN {table} b ON a.band = b.band AND a.{_KEY} = b.{_KEY} "
                "AND a.transcript_id < b.transcript_id WHERE a.band < %s",
                [BANDS],
            )
            banded.update(cursor.fetchall())
            cursor.execute(
                shared.format(op="<", where=""), [SK_BAND, SK_MAX_DF, SK_BAND, SK_MIN_SHARED]
            )
            sketched.update(cursor.fetchall())
            return sketched | agreeing(banded - sketched)
        ids = sorted(set(subjects))
        for start in range(0, len(ids), _CHUNK):
            chunk = ids[start : start + _CHUNK]
            marks = ", ".join(["%s"] * len(chunk))
            cursor.execute(
                f"SELECT DISTINCT a.transcript_id, b.transcript_id FROM {table} a "
                f"JOIN {table} b ON a.band = b.band AND a.{_KEY} = b.{_KEY} "
                f"AND a.transcript_id <> b.transcript_id "
                f"WHERE a.band < %s AND a.transcript_id IN ({marks})",
                [BANDS, *chunk],
            )
            banded.update((min(a, b), max(a, b)) for a, b in cursor.fetchall())
            cursor.execute(
                shared.format(op="<>", where=f" AND a.transcript_id IN ({marks})"),
                [SK_BAND, SK_MAX_DF, SK_BAND, *chunk, SK_MIN_SHARED],
            )
            sketched.update((min(a, b), max(a, b)) for a, b in cursor.fetchall())
    return sketched | agreeing(banded - sketched)


def estimated_jaccard(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """The share of equal values of MinHash signatures, row by row (the Jaccard estimate)."""
    return np.asarray((a == b).mean(axis=-1))


def _stored_minhashes(ids: Sequence[str]) -> np.ndarray:
    """The stored signatures of ``ids``, one row each in their order (zeros where none)."""
    row = {tid: i for i, tid in enumerate(ids)}
    matrix = np.zeros((len(ids), NUM_PERM), dtype="<u4")
    for start in range(0, len(ids), _CHUNK):
        chunk = ids[start : start + _CHUNK]
        for tid, values in TranscriptSignature.objects.filter(transcript_id__in=chunk).values_list(
            "transcript_id", "minhash"
        ):
            matrix[row[tid]] = np.frombuffer(bytes(values), dtype="<u4")
    return matrix


_ESTIMATE_BATCH = 200_000  # pairs compared at once (200,000 × 128 bytes of comparisons)


def agreeing(pairs: set[tuple[str, str]]) -> set[tuple[str, str]]:
    """The band pairs whose stored signatures agree on ``BAND_MIN_ESTIMATE`` of their values."""
    if not pairs:
        return set()
    ids = sorted({t for pair in pairs for t in pair})
    row = {tid: i for i, tid in enumerate(ids)}
    matrix = _stored_minhashes(ids)
    ordered = sorted(pairs)
    kept: set[tuple[str, str]] = set()
    for start in range(0, len(ordered), _ESTIMATE_BATCH):
        part = ordered[start : start + _ESTIMATE_BATCH]
        left = np.fromiter((row[a] for a, _ in part), dtype=np.int64, count=len(part))
        right = np.fromiter((row[b] for _, b in part), dtype=np.int64, count=len(part))
        estimate = estimated_jaccard(matrix[left], matrix[right])
        kept.update(pair for pair, e in zip(part, estimate.tolist(), strict=True)
                    if e >= BAND_MIN_ESTIMATE)  # fmt: skip
    return kept


def _candidates_of(signed: Signed) -> list[str]:
    """The transcripts sharing ``SK_MIN_SHARED`` rare sentence keys with ``signed``, or an LSH
    band with a signature that agrees (``BAND_MIN_ESTIMATE``): one query, both look-ups on the
    (band, key) index, and the band partners' signatures. Its own rows are in the index too, so
    a key is rare when at most ``SK_MAX_DF`` transcripts hold it, this one included."""
    if not signed.indexed:
        return []
    table = _band_table()
    bands = " OR ".join([f"(band = %s AND {_KEY} = %s)"] * BANDS)
    params: list[Any] = [v for pair in enumerate(band_keys(signed.minhash)) for v in pair]
    sql = f"SELECT transcript_id, 0 FROM {table} WHERE ({bands}) AND transcript_id <> %s"
    params.append(signed.transcript_id)
    if signed.sentence_keys:
        marks = ", ".join(["%s"] * len(signed.sentence_keys))
        # the holders of this transcript's sentence keys with each key's count, in one pass
        sql += (
            f" UNION SELECT transcript_id, 1 FROM (SELECT transcript_id, COUNT(*) OVER "
            f"(PARTITION BY {_KEY}) AS holders FROM {table} "
            f"WHERE band = %s AND {_KEY} IN ({marks})) held "
            "WHERE holders <= %s AND transcript_id <> %s "
            "GROUP BY transcript_id HAVING COUNT(*) >= %s"
        )
        params.extend([SK_BAND, *signed.sentence_keys, SK_MAX_DF, signed.transcript_id,
                       SK_MIN_SHARED])  # fmt: skip
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        rows = cursor.fetchall()
    sketched = {tid for tid, source in rows if source == 1}
    banded = sorted({tid for tid, source in rows if source == 0} - sketched)
    if banded:
        estimate = estimated_jaccard(_stored_minhashes(banded), signed.minhash.astype("<u4"))
        sketched.update(t for t, e in zip(banded, estimate.tolist(), strict=True)
                        if e >= BAND_MIN_ESTIMATE)  # fmt: skip
    return sorted(sketched)


@dataclass(frozen=True)
class Info:
    id: str
    person_id: str
    person_name: str
    id_number: str | None
    case_id: str
    unit_id: str | None
    lead_officer_id: str | None
    kind: str
    started_at: datetime
    officers: tuple[str, ...]
    text: str


def _infos(ids: Iterable[str], with_officers: bool = True) -> dict[str, Info]:
    """The transcripts' details; ``with_officers`` False leaves the officers out (one query
    fewer: the incremental check shows none)."""
    wanted = sorted(set(ids))
    out: dict[str, Info] = {}
    officers: dict[str, list[str]] = {}
    for start in range(0, len(wanted), _CHUNK):
        chunk = wanted[start : start + _CHUNK]
        if with_officers:
            for tid, name in (
                m.TranscriptOfficer.objects.filter(transcript_id__in=chunk)
                .order_by("transcript_id", "position")
                .values_list("transcript_id", "officer__name")
            ):
                officers.setdefault(tid, []).append(name)
        rows = m.Transcript.objects.filter(pk__in=chunk).values_list(
            "pk", "person_id", "person__name", "person__id_number", "case_id", "case__unit_id",
            "case__lead_officer_id", "kind", "started_at", "text",
        )  # fmt: skip
        for pk, pid, pname, idn, cid, uid, oid, kind, started, text in rows:
            out[pk] = Info(pk, pid, pname, idn, cid, uid, oid, kind, started,
                           tuple(officers.get(pk, ())), text)  # fmt: skip
    return out


@dataclass(frozen=True)
class Match:
    transcript_id: str
    other_id: str
    jaccard: float
    # shared passages: (start, end) in this transcript's text, (start, end) in the other's
    passages: tuple[tuple[int, int, int, int], ...]


@dataclass(frozen=True)
class Pair:
    a: Info
    b: Info
    jaccard: float
    passages: tuple[tuple[int, int, int, int], ...]  # a-start, a-end, b-start, b-end

    def match_for(self, transcript_id: str) -> Match:
        if transcript_id == self.a.id:
            return Match(self.a.id, self.b.id, self.jaccard, self.passages)
        flipped = tuple((c, d, a, b) for a, b, c, d in self.passages)
        return Match(self.b.id, self.a.id, self.jaccard, flipped)


def different_persons(a: Info, b: Info) -> bool:
    if a.person_id == b.person_id:
        return False
    return not (a.id_number and b.id_number and a.id_number == b.id_number)


def shared_passages(a: Kept, b: Kept) -> tuple[tuple[int, int, int, int], ...]:
    """The passages the two kept texts share, as ranges of both original texts."""
    matcher = SequenceMatcher(None, a.text, b.text, autojunk=False)
    out: list[tuple[int, int, int, int]] = []
    a_bounds = [s for s, _ in a.spans]
    b_bounds = [s for s, _ in b.spans]
    for block in matcher.get_matching_blocks():
        if block.size < MIN_PASSAGE:
            continue
        # cut the block where either side's kept segments join, so that every piece is one
        # contiguous range of each original text
        cuts = {0, block.size}
        cuts.update(x - block.a for x in a_bounds if block.a < x < block.a + block.size)
        cuts.update(x - block.b for x in b_bounds if block.b < x < block.b + block.size)
        points = sorted(cuts)
        for low, high in itertools.pairwise(points):
            (sa, ea), (sb, eb) = (
                a.original(block.a + low, block.a + high)[0],
                b.original(block.b + low, block.b + high)[0],
            )
            out.append((sa, ea, sb, eb))
    return tuple(out)


def verify(
    pairs: Iterable[tuple[str, str]],
    boilerplate: Boilerplate,
    min_jaccard: float,
    min_alignment: float = 0.0,
    *,
    with_officers: bool = True,
) -> list[Pair]:
    """The candidate pairs that hold: different persons, exact Jaccard ≥ ``min_jaccard`` or
    (when ``min_alignment`` > 0) sentence alignment ≥ ``min_alignment``.

    A pair scored before from the signatures both transcripts have now is decided from its
    stored scores (``TranscriptPairScore``); only the pairs that hold are read and signed again
    (for their shared passages and the persons, who may have changed without the text). New
    pairs, re-signed ones, and pairs whose alignment the thresholds now need are scored, and
    their scores stored.

    In batches of ``VERIFY_BATCH`` pairs: the texts and signatures of every candidate at once
    grew past 10 GB on a province (1.77 M transcripts); a transcript in pairs of two batches is
    read and signed twice instead."""
    ordered = sorted(set(pairs))
    stored = stored_scores(ordered, boilerplate.version)
    scoring: list[tuple[str, str]] = []
    holding: list[tuple[str, str]] = []
    for pair in ordered:
        score = stored.get(pair)
        if score is None:
            scoring.append(pair)
            continue
        j, al = score
        if j < min_jaccard and min_alignment > 0 and al is None:
            scoring.append(pair)
        elif verdict(j, al or 0.0, min_jaccard, min_alignment) is not None:
            holding.append(pair)
    out: list[Pair] = []
    for todo, store in ((scoring, True), (holding, False)):
        for start in range(0, len(todo), VERIFY_BATCH):
            out += _verify_batch(todo[start : start + VERIFY_BATCH], boilerplate, min_jaccard,
                                 min_alignment, with_officers, store=store)  # fmt: skip
    return sorted(out, key=lambda p: (p.a.id, p.b.id))


# Above this many pairs the stored scores are read in one pass rather than by their first ids.
_WHOLE_SCAN = 50_000


def stored_scores(
    pairs: Sequence[tuple[str, str]], version: str
) -> dict[tuple[str, str], tuple[float, float | None]]:
    """``{pair: (jaccard, alignment or None)}`` of the ``pairs`` whose stored score was computed
    under ``version`` from the signatures both transcripts have now."""
    if not pairs:
        return {}
    wanted = set(pairs)
    rows = TranscriptPairScore.objects.filter(version=version).values_list(
        "a_id", "b_id", "a_signed_at", "b_signed_at", "jaccard", "alignment"
    )
    if len(wanted) > _WHOLE_SCAN:
        found = [r for r in rows.iterator(10_000) if (r[0], r[1]) in wanted]
    else:
        firsts = sorted({a for a, _ in wanted})
        found = []
        for start in range(0, len(firsts), _CHUNK):
            found += [r for r in rows.filter(a_id__in=firsts[start : start + _CHUNK])
                      if (r[0], r[1]) in wanted]  # fmt: skip
    signed_at = _signed_at({t for r in found for t in r[:2]})
    return {
        (a, b): (j, al)
        for a, b, a_at, b_at, j, al in found
        if signed_at.get(a) == a_at and signed_at.get(b) == b_at
    }


def _signed_at(ids: Iterable[str]) -> dict[str, datetime]:
    wanted = sorted(ids)
    out: dict[str, datetime] = {}
    for start in range(0, len(wanted), _CHUNK):
        out.update(
            TranscriptSignature.objects.filter(
                transcript_id__in=wanted[start : start + _CHUNK]
            ).values_list("transcript_id", "changed_at")
        )
    return out


def _store_scores(scores: list[tuple[str, str, float, float | None]], version: str) -> None:
    """Store the scores of pairs just computed, stamped with both signatures' times."""
    if not scores:
        return
    signed_at = _signed_at({t for a, b, _, _ in scores for t in (a, b)})
    rows = [
        TranscriptPairScore(a_id=a, b_id=b, version=version, a_signed_at=signed_at[a],
                            b_signed_at=signed_at[b], jaccard=j, alignment=al)
        for a, b, j, al in scores
        if a in signed_at and b in signed_at
    ]  # fmt: skip
    TranscriptPairScore.objects.bulk_create(
        rows,
        batch_size=_CHUNK,
        update_conflicts=True,
        unique_fields=["a", "b"],
        update_fields=["version", "a_signed_at", "b_signed_at", "jaccard", "alignment"],
    )


def _verify_batch(
    pairs: list[tuple[str, str]],
    boilerplate: Boilerplate,
    min_jaccard: float,
    min_alignment: float,
    with_officers: bool,
    *,
    store: bool = True,
) -> list[Pair]:
    infos = _infos((t for pair in pairs for t in pair), with_officers)
    signed: dict[str, Signed] = {}

    def signed_of(info: Info) -> Signed:
        if info.id not in signed:
            signed[info.id] = sign(info.id, info.text, boilerplate)
        return signed[info.id]

    out: list[Pair] = []
    scores: list[tuple[str, str, float, float | None]] = []
    for a_id, b_id in pairs:
        a, b = infos.get(a_id), infos.get(b_id)
        if a is None or b is None or not different_persons(a, b):
            continue
        sa, sb = signed_of(a), signed_of(b)
        if not (sa.indexed and sb.indexed):
            continue
        j = jaccard(sa.hashes, sb.hashes)
        # the alignment costs a sentence-by-sentence comparison: only when it can decide
        al = alignment(sa, sb, boilerplate.stock) if min_alignment > 0 and j < min_jaccard else None
        scores.append((a_id, b_id, j, al))
        score = verdict(j, al or 0.0, min_jaccard, min_alignment)
        if score is not None:
            out.append(Pair(a, b, round(score, 4), shared_passages(sa.kept, sb.kept)))
    if store:
        _store_scores(scores, boilerplate.version)
    return out


def find_matches(
    min_jaccard: float, subjects: Iterable[str] | None = None, min_alignment: float = 0.0
) -> list[Pair]:
    """The verified pairs: all of them, or those involving ``subjects``. Syncs the index."""
    sync_index()
    boilerplate = current_boilerplate()
    assert boilerplate is not None
    return verify(candidate_pairs(subjects), boilerplate, min_jaccard, min_alignment)


def check_transcript(
    transcript_id: str, min_jaccard: float = 0.6, min_alignment: float = 0.35
) -> list[Match]:
    """One transcript against the index (signing it first if it is new or changed)."""
    boilerplate = current_boilerplate()
    if boilerplate is None or boilerplate.stale:
        sync_index()
        boilerplate = current_boilerplate()
        assert boilerplate is not None
    row = (
        m.Transcript.objects.filter(pk=transcript_id)
        .values_list("text", "changed_at", "signature__version", "signature__source_changed_at")
        .first()
    )
    if row is None:
        raise m.Transcript.DoesNotExist(f"笔录 {transcript_id} 不存在")
    text, changed_at, version, source_changed_at = row
    me = sign(transcript_id, text, boilerplate)
    if (
        version != boilerplate.version
        or source_changed_at is None
        or changed_at > source_changed_at
    ):
        # index rows are written and removed together with their signature row (``_store``,
        # ``sync_index``'s vanished transcripts, ``rebuild``): with no signature row under this
        # id there are no index rows to replace, and the two deletes are skipped
        _store([me], {transcript_id: changed_at}, boilerplate.version, fresh=version is None)
    others = _candidates_of(me)
    pairs = verify(((min(transcript_id, o), max(transcript_id, o)) for o in others),
                   boilerplate, min_jaccard, min_alignment, with_officers=False)  # fmt: skip
    return sorted((pair.match_for(transcript_id) for pair in pairs), key=lambda x: -x.jaccard)


def score_corpus(
    texts: dict[str, str], pairs: Iterable[tuple[str, str]]
) -> dict[tuple[str, str], tuple[float, float]]:
    """The score ZN-BL-01 gives each pair of an in-memory corpus, exactly as the rule computes
    it (boilerplate learned from ``texts``, LSH candidates, exact verification), 0 for a pair
    that is not a candidate or is too short to judge. For measuring (``fazhi.intel.quality``)."""
    _, _, learned = learn_boilerplate(texts.values())
    boilerplate = boilerplate_of("eval", (key for key, _ in learned.values()))
    signed = {tid: sign(tid, text, boilerplate) for tid, text in texts.items()}
    bands = {tid: set(enumerate(band_keys(s.minhash))) for tid, s in signed.items() if s.indexed}
    holders: Counter[int] = Counter(k for tid in bands for k in signed[tid].sentence_keys)
    rare = {tid: {k for k in signed[tid].sentence_keys if holders[k] <= SK_MAX_DF} for tid in bands}
    out: dict[tuple[str, str], tuple[float, float]] = {}
    for a, b in pairs:
        if a not in bands or b not in bands:
            continue
        if len(rare[a] & rare[b]) >= SK_MIN_SHARED or (
            bands[a] & bands[b]
            and estimated_jaccard(signed[a].minhash, signed[b].minhash) >= BAND_MIN_ESTIMATE
        ):
            out[(a, b)] = similarity(signed[a], signed[b], boilerplate.stock)
    return out


__all__ = [
    "BANDS",
    "LSH_THRESHOLD",
    "NUM_PERM",
    "ROWS",
    "SHINGLE",
    "Boilerplate",
    "Match",
    "Pair",
    "candidate_pairs",
    "check_transcript",
    "current_boilerplate",
    "find_matches",
    "rebuild",
    "segments",
    "shingle_hashes",
    "sync_index",
]
