"""Probabilities for the nine categories, per chunk and per text.

A text's score for a category is the higher of its best chunk (sentences, and
windows of sentences longer than the model window) and the post read as a whole
(in model-sized windows). Chunks localise a violation; the whole post catches
the ones that need two sentences together, such as sarcasm that sets up a
contrast ("No water in the office for a week. The minister opened a fountain.").
Measured on validation: adding the whole-post score raised violation recall from
0.809 to 0.835 at the same benign false-positive rate. That is the scoring the
product ships, so evaluation and threshold calibration must use
``Classifier.probabilities`` too. Piece results are cached by their text: while
an officer types, the sentence being typed and the whole post are the new work.
The cache is partitioned by client (``_ClientCaches``): a check never reuses, nor
evicts, what another client's checks put there.
"""

from __future__ import annotations

import sys
import threading
from contextlib import nullcontext
from collections import OrderedDict
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable, Sequence

import numpy as np

from .modelinfo import ModelInfo, default_model_dir
from .segment import Chunk, split_chunks
from .session import InferenceSession
from .tokenize import TextEncoder

# int8 activations are quantised per session run, over the whole batch, so a chunk scored beside
# others differs from the same chunk scored alone (measured: up to 0.05 with model 0.2.0, 0.12 with
# 0.4.0, and padding partners move it too). Every piece is therefore scored in a run of its own: a
# piece's score is a pure function of its text, the cache is exact, and a result depends on its
# request alone (CONTRACT "A result"), however it is sent. Batching 8 a run was ~10% faster per text.


@dataclass(frozen=True)
class TextScores:
    """The scores of one text: per category overall, and per chunk for explanations."""

    labels: tuple[str, ...]
    overall: np.ndarray                 # [labels]
    chunks: tuple[Chunk, ...]           # the chunks scored: none when the post was screened
    chunk_scores: np.ndarray            # [chunks, labels]
    whole: np.ndarray | None = None     # [labels], the post read as a whole (posts of 2+ chunks)


# A work budget per text (issue 24, point 1). Segmentation is linear, but model passes were not
# bounded: 20,000 characters of distinct one-word sentences made 619 passes (18 s here beside a
# training job), distinct short violating sentences 756 passes plus their explanations. A post
# whose chunks and whole-post windows would take more than MAX_PASSES_PER_TEXT passes is read in
# model-sized windows only (the whole-post windows become its chunks): every character is still
# read, in about tokens / 94 passes (45 for 20,000 characters of words). Officers' posts stay far
# below the budget (a 280-character post takes 2-5 passes; a 2,000-character one about 25).
MAX_PASSES_PER_TEXT = 64
# A request with more new passes than this is heavy; heavy requests run one at a time, so however
# many arrive together, the others' checks keep the second core and a server thread.
HEAVY_PASSES = 16


# The screen (issue 24, point 11): a post of two or more chunks costs its chunk passes plus its
# whole-post windows, about twice its tokens. When every whole-post score is below SCREEN_FRACTION
# of the lowest score that could raise a finding for that category, the chunks are not scored. At
# 0.3, with model 0.5.1 and its thresholds, that skipped the chunks of 597 of 1,416 multi-chunk
# posts of the training-allowed validation split (1,269 of 3,118 chunk passes) and changed 5
# decisions (1 right warning lost, 4 false alarms dropped); on the real-text benchmark's validation
# half, 144 of 330 posts (382 of 853 chunk passes), 1 right warning lost, 4 false alarms dropped.
# Model 0.5.2: 592 of 1,528 validation posts, 6 decisions (2 lost, 4 false alarms dropped); benchmark
# 131 of 330, 3 (no right warning lost). At 0.5 the losses grow (0.5.2: 3 and 5 right warnings lost).
# What it saves depends on the model: of 218 multi-chunk office posts of scripts/bench.py's load,
# 0.5.1 screens 198 and 0.5.2 132 (its self_promotion scores sit higher on such posts).
SCREEN_FRACTION = 0.3

# The cache is capped by bytes, not entries: capped at 4,096 entries, 8,000 long texts pushed the
# service to 834 MB and never gave it back. A piece costs its text, its nine scores and the dict's
# bookkeeping (~200 bytes measured with tracemalloc).
CACHE_BYTES = 16 * 1024 * 1024
_ENTRY_OVERHEAD = 200


class _LRUCache:
    def __init__(self, max_bytes: int):
        self._max_bytes = max_bytes
        self._bytes = 0
        self._items: OrderedDict[str, np.ndarray] = OrderedDict()
        self._lock = threading.Lock()

    @staticmethod
    def _cost(key: str, value: np.ndarray) -> int:
        return sys.getsizeof(key) + value.nbytes + _ENTRY_OVERHEAD

    def get(self, key: str) -> np.ndarray | None:
        with self._lock:
            value = self._items.get(key)
            if value is not None:
                self._items.move_to_end(key)
            return value

    def put(self, key: str, value: np.ndarray) -> None:
        cost = self._cost(key, value)
        if cost > self._max_bytes:
            return
        with self._lock:
            old = self._items.pop(key, None)
            if old is not None:
                self._bytes -= self._cost(key, old)
            self._items[key] = value
            self._bytes += cost
            while self._bytes > self._max_bytes:
                k, v = self._items.popitem(last=False)
                self._bytes -= self._cost(k, v)

    @property
    def bytes(self) -> int:
        return self._bytes

    def __len__(self) -> int:
        return len(self._items)


# The client a check is made for when the caller names none (the CLI, evaluation, tests).
LOCAL_CLIENT = "local"
# How many clients keep a cache partition at once. One shared cache told a client what another
# had typed: a piece someone had checked came back without its model pass (~10 ms less in
# elapsed_ms and wall time for a 180-character sentence here), and a second client guessed right
# 60 times in 60 (issue 24, point 4).
# So each client has its own partition and byte budget: another client's checks can neither be
# hit nor evict its entries, and the total stays the cache's cap. A client is an extension origin
# or the no-Origin callers (api.client_key), 2-3 in practice; any local process can make up
# moz-extension origins, so the partitions are capped too and the client not seen longest loses
# its own (which tells the newcomer nothing of what anyone typed).
CACHE_CLIENTS = 4


@dataclass
class CacheStats:
    """One client's cache partition: what it holds and how often it answered (never any text)."""

    entries: int = 0
    bytes: int = 0
    hits: int = 0
    misses: int = 0


class _ClientCaches:
    """One LRU partition per client, each capped at ``max_bytes // max_clients``."""

    def __init__(self, max_bytes: int, max_clients: int = CACHE_CLIENTS):
        self._max_clients = max(1, max_clients)
        self._client_bytes = max_bytes // self._max_clients
        self._parts: OrderedDict[str, tuple[_LRUCache, CacheStats]] = OrderedDict()
        self._lock = threading.Lock()

    def _part(self, client: str) -> tuple[_LRUCache, CacheStats]:
        with self._lock:
            part = self._parts.get(client)
            if part is None:
                part = self._parts[client] = (_LRUCache(self._client_bytes), CacheStats())
                while len(self._parts) > self._max_clients:
                    self._parts.popitem(last=False)
            else:
                self._parts.move_to_end(client)
            return part

    def get(self, client: str, key: str) -> np.ndarray | None:
        cache, stats = self._part(client)
        value = cache.get(key)
        with self._lock:
            if value is None:
                stats.misses += 1
            else:
                stats.hits += 1
        return value

    def put(self, client: str, key: str, value: np.ndarray) -> None:
        self._part(client)[0].put(key, value)

    def stats(self, client: str) -> CacheStats:
        with self._lock:
            part = self._parts.get(client)
            if part is None:
                return CacheStats()
            cache, stats = part
            return CacheStats(len(cache), cache.bytes, stats.hits, stats.misses)


class Classifier:
    def __init__(self, info: ModelInfo, threads: int = 1, cache_bytes: int = CACHE_BYTES):
        self.info = info
        self.labels = info.labels
        self._encoder = TextEncoder(info.tokenizer_path, info.max_length, info.pad_id)
        self._session = InferenceSession(info.model_path, info.output, threads)
        self._cache = _ClientCaches(cache_bytes)
        self._heavy = threading.Lock()

    @classmethod
    def from_model_dir(cls, directory: str | Path | None = None, model_file: str | None = None,
                       threads: int = 1, cache_bytes: int = CACHE_BYTES,
                       verify_checksum: bool = False) -> "Classifier":
        info = ModelInfo.load(directory or default_model_dir(), model_file, verify_checksum)
        return cls(info, threads=threads, cache_bytes=cache_bytes)

    def warm_up(self) -> None:
        """One pass so the first officer's check does not pay for lazy initialisation."""
        self._infer(["Conduct Guard warm-up sentence."])

    # -- inference -----------------------------------------------------------

    def _infer(self, texts: Sequence[str]) -> np.ndarray:
        """Raw probabilities for texts that each fit the window, one text a run (see above)."""
        result = np.empty((len(texts), len(self.labels)), dtype=np.float32)
        for row, encoding in enumerate(self._encoder.encode(texts) if texts else []):
            logits = self._session.run(self._encoder.features([encoding]))
            if self.info.activation == "sigmoid":
                logits = 1.0 / (1.0 + np.exp(-logits))
            result[row] = logits[0]
        return result

    def _chunk_units(self, text: str, chunk: Chunk) -> list[tuple[int, int]]:
        return self._encoder.windows(text, chunk.start, chunk.end)

    def _whole_units(self, text: str, chunks: Sequence[Chunk]) -> list[tuple[int, int]]:
        """The post as a whole, in model-sized windows; none when it is a single chunk (its chunk
        already is the whole post)."""
        if len(chunks) < 2:
            return []
        return self._encoder.windows(text, chunks[0].start, chunks[-1].end)

    def cache_stats(self, client: str = LOCAL_CLIENT) -> CacheStats:
        """What ``client``'s cache partition holds and how often it answered."""
        return self._cache.stats(client)

    def _plan(self, text: str) -> tuple[list[Chunk], list[list[str]], list[str]]:
        """A text's chunks, each chunk's window pieces, and the whole post's window pieces."""
        chunks = split_chunks(text)
        chunk_spans = [self._chunk_units(text, c) for c in chunks]
        whole_spans = self._whole_units(text, chunks)
        if sum(map(len, chunk_spans)) + len(whole_spans) > MAX_PASSES_PER_TEXT:
            # over the work budget: the post's model windows are its chunks (and its whole);
            # a post of one chunk has its windows already
            windows = whole_spans or chunk_spans[0]
            chunks, chunk_spans, whole_spans = [Chunk(s, e) for s, e in windows], [[w] for w in windows], []
        return chunks, [[text[s:e] for s, e in spans] for spans in chunk_spans], [text[s:e] for s, e in whole_spans]

    def _score_pieces(self, pieces: Iterable[str], known: dict[str, np.ndarray], client: str) -> None:
        """Puts every piece's scores in ``known``: from ``client``'s cache, or one model pass each."""
        wanted: dict[str, None] = {}
        for piece in pieces:
            if piece in known or piece in wanted:
                continue
            cached = self._cache.get(client, piece)
            if cached is None:
                wanted[piece] = None
            else:
                known[piece] = cached
        fresh = list(wanted)
        with self._heavy if len(fresh) > HEAVY_PASSES else nullcontext():
            scored = self._infer(fresh)
        for piece, probs in zip(fresh, scored):
            known[piece] = probs
            self._cache.put(client, piece, probs)

    def score_many(self, texts: Iterable[str], client: str = LOCAL_CLIENT,
                   screen: Sequence[float] | None = None) -> list[TextScores]:
        """Score texts together: every uncached piece of every text is scored once, then shared.
        Only ``client``'s own cache partition is read and filled (see CACHE_CLIENTS).

        ``screen`` (per label, in the order of ``self.labels``): a post of two or more chunks whose
        whole-post scores are all below it is scored as a whole only (its chunks are not scored,
        ``TextScores.chunks`` is empty). The checker passes SCREEN_FRACTION of its thresholds."""
        texts = list(texts)
        plans = [self._plan(text) for text in texts]
        known: dict[str, np.ndarray] = {}  # by value: another thread may evict the cache meanwhile
        limit = None if screen is None else np.asarray(screen, dtype=np.float32)

        def best_window(pieces: list[str]) -> np.ndarray:
            return np.max([known[p] for p in pieces], axis=0)

        def screened_first(plan) -> bool:
            return limit is not None and bool(plan[2])

        # first the whole posts that may be screened, then every chunk still wanted
        self._score_pieces((p for plan in plans if screened_first(plan) for p in plan[2]), known, client)
        screened = [screened_first(plan) and bool((best_window(plan[2]) < limit).all()) for plan in plans]
        self._score_pieces((p for plan, skip in zip(plans, screened) if not skip
                            for piece_list in [*plan[1], plan[2]] for p in piece_list), known, client)

        results = []
        for (chunks, units, whole), skip in zip(plans, screened):
            if skip:
                chunks, units = [], []
            rows = [best_window(piece_list) for piece_list in units]
            chunk_scores = np.array(rows, dtype=np.float32).reshape(len(rows), len(self.labels))
            overall = chunk_scores.max(axis=0) if len(rows) else np.zeros(len(self.labels), np.float32)
            whole_scores = best_window(whole) if whole else None
            if whole_scores is not None:
                overall = np.maximum(overall, whole_scores)
            results.append(TextScores(self.labels, overall, tuple(chunks), chunk_scores, whole_scores))
        return results

    def score(self, text: str, client: str = LOCAL_CLIENT) -> TextScores:
        return self.score_many([text], client)[0]

    def probabilities(self, texts: Sequence[str], client: str = LOCAL_CLIENT) -> np.ndarray:
        """[len(texts), 9] text scores in the order of ``self.labels`` (what the product uses)."""
        if not texts:
            return np.zeros((0, len(self.labels)), dtype=np.float32)
        return np.stack([s.overall for s in self.score_many(texts, client)])

    def model_public(self) -> dict:
        return self.info.public()
