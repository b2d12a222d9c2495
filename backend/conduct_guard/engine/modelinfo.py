"""Model metadata: one frozen record read from ``model.json`` beside the model.

Everything the engine needs to know about a model lives in that file, and it is
checked completely at load time so that a broken install fails at start with a
message naming the file, never later in the middle of a check.
"""

from __future__ import annotations

import hashlib
import json
import os
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Mapping

from .. import PACKAGE_DIR
from ..categories import CATEGORIES

METADATA_FILE = "model.json"
MODEL_DIR_ENV = "CONDUCT_GUARD_MODEL_DIR"


class ModelError(Exception):
    """The model files are missing or broken; the message names the file."""


@dataclass(frozen=True)
class ModelInfo:
    name: str
    version: str
    directory: Path
    model_file: str
    tokenizer_file: str
    labels: tuple[str, ...]
    max_length: int
    pad_id: int
    output: str
    activation: str
    thresholds: Mapping[str, float] = field(default_factory=dict)
    sha256: str | None = None

    @property
    def model_path(self) -> Path:
        return self.directory / self.model_file

    @property
    def tokenizer_path(self) -> Path:
        return self.directory / self.tokenizer_file

    def public(self) -> dict:
        """What the API and CLI show of the model."""
        return {"name": self.name, "version": self.version}

    @classmethod
    def load(cls, directory: str | os.PathLike, model_file: str | None = None,
             verify_checksum: bool = False) -> "ModelInfo":
        directory = Path(directory)
        meta_path = directory / METADATA_FILE
        try:
            raw = json.loads(meta_path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            raise ModelError(f"{meta_path}: model metadata file is missing") from None
        except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
            raise ModelError(f"{meta_path}: cannot read model metadata: {exc}") from None
        if not isinstance(raw, dict):
            raise ModelError(f"{meta_path}: expected a JSON object")

        def need(key: str, kind: type):
            if key not in raw:
                raise ModelError(f"{meta_path}: field '{key}' is missing")
            value = raw[key]
            if not isinstance(value, kind) or isinstance(value, bool) and kind is not bool:
                raise ModelError(f"{meta_path}: field '{key}' must be {kind.__name__}")
            return value

        labels = tuple(need("labels", list))
        if sorted(labels) != sorted(CATEGORIES) or len(labels) != len(CATEGORIES):
            raise ModelError(f"{meta_path}: field 'labels' must list the nine category ids once each")
        max_length = need("max_length", int)
        if not 8 <= max_length <= 512:
            raise ModelError(f"{meta_path}: field 'max_length' must be between 8 and 512")
        pad_id = raw.get("pad_id", 0)  # BERT vocabularies pad with 0; e5's (XLM-R) pads with 1
        if isinstance(pad_id, bool) or not isinstance(pad_id, int) or pad_id < 0:
            raise ModelError(f"{meta_path}: field 'pad_id' must be a non-negative integer")
        activation = raw.get("activation", "sigmoid")
        if activation not in ("sigmoid", "none"):
            raise ModelError(f"{meta_path}: field 'activation' must be 'sigmoid' or 'none'")
        thresholds = raw.get("thresholds", {})
        if not isinstance(thresholds, dict):
            raise ModelError(f"{meta_path}: field 'thresholds' must be an object")
        for label in labels:
            value = thresholds.setdefault(label, 0.5)
            if isinstance(value, bool) or not isinstance(value, (int, float)) or not 0.0 < value < 1.0:
                raise ModelError(f"{meta_path}: field 'thresholds.{label}' must be a number in (0, 1)")
        unknown = set(thresholds) - set(labels)
        if unknown:
            raise ModelError(f"{meta_path}: field 'thresholds' names unknown labels {sorted(unknown)}")

        info = cls(
            name=need("name", str),
            version=need("version", str),
            directory=directory,
            model_file=model_file or need("file", str),
            tokenizer_file=raw.get("tokenizer", "tokenizer.json"),
            labels=labels,
            max_length=max_length,
            pad_id=pad_id,
            output=raw.get("output", "logits"),
            activation=activation,
            thresholds={k: float(v) for k, v in thresholds.items()},
            sha256=raw.get("sha256"),
        )
        for path in (info.model_path, info.tokenizer_path):
            if not path.is_file():
                raise ModelError(f"{path}: model file is missing")
        if verify_checksum and info.sha256 and model_file is None:
            digest = hashlib.sha256(info.model_path.read_bytes()).hexdigest()
            if digest != info.sha256:
                raise ModelError(f"{info.model_path}: checksum does not match {meta_path} (corrupt or replaced)")
        return info


def default_model_dir() -> Path:
    """Where the shipped model is: env override, a source checkout, or the installed data files."""
    override = os.environ.get(MODEL_DIR_ENV)
    if override:
        return Path(override)
    checkout = PACKAGE_DIR.parents[1] / "models"  # source checkout: ROOT/backend/conduct_guard
    candidates = [
        checkout,
        Path(sys.prefix) / "share" / "conduct-guard" / "models",
        Path(sys.base_prefix) / "share" / "conduct-guard" / "models",
    ]
    for candidate in candidates:
        if (candidate / METADATA_FILE).is_file():
            return candidate
    return checkout
