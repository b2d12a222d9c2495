"""The ONNX Runtime session: the only module that imports onnxruntime."""

from __future__ import annotations

from pathlib import Path
from typing import Mapping

import numpy as np
import onnxruntime as ort

from .modelinfo import ModelError

# onnxruntime may record a device id and usage events under the user's cache folder (measured on
# 1.31 here); nothing about an officer's use of this tool may be written anywhere, so it is off.
if hasattr(ort, "disable_telemetry_events"):
    ort.disable_telemetry_events()


class InferenceSession:
    """One CPU session; its inputs are fed by the names the graph declares.

    One intra-op thread by default: measured here, one thread is stable while
    two vary twofold between runs, and the service's request threads already
    run model passes side by side (below).

    One session serves all of waitress's request threads: run() releases the GIL
    and onnxruntime's CPU provider runs concurrent calls in parallel, without a
    lock (measured with 0.5.0: two threads calling run() were both runnable in 99%
    of 1 ms samples, checker.check in 94%). A pool of two sessions gained nothing
    under the same load (25.2 vs 26.8 checks/s, scripts/bench.py --load-only) and
    cost 57 MiB more (265 MiB after load, over the 250 MiB budget; a shared env
    allocator or no prepacking did not change that: the weights are per session).
    """

    def __init__(self, path: Path, output: str = "logits", threads: int = 1):
        options = ort.SessionOptions()
        options.intra_op_num_threads = threads
        options.inter_op_num_threads = 1
        options.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
        options.log_severity_level = 3
        try:
            self._session = ort.InferenceSession(str(path), sess_options=options,
                                                 providers=["CPUExecutionProvider"])
        except Exception as exc:  # onnxruntime raises its own Fail/InvalidGraph types
            raise ModelError(f"{path}: cannot load ONNX model: {exc}") from None
        self.input_names = tuple(i.name for i in self._session.get_inputs())
        outputs = [o.name for o in self._session.get_outputs()]
        if output not in outputs:
            raise ModelError(f"{path}: model has no output '{output}' (it has {outputs})")
        self._output = output
        self._path = path

    def run(self, features: Mapping[str, np.ndarray]) -> np.ndarray:
        missing = [name for name in self.input_names if name not in features]
        if missing:
            raise ModelError(f"{self._path}: model wants inputs {missing} that the tokenizer does not give")
        feed = {name: features[name] for name in self.input_names}
        return self._session.run([self._output], feed)[0]
