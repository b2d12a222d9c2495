#!/usr/bin/env python
"""Re-lay out the int8 graph for speed without changing a single output bit (issue 24, point 11).

    python scripts/graph_layout.py models/model.onnx [--out OUT.onnx]

quantize_dynamic and torch's exporter leave three kinds of waste in a BERT graph:

* Q, K and V are three MatMulIntegers on one quantised input. onnxruntime fuses a quantised MatMul
  into DynamicQuantizeMatMul only when the quantisation has one consumer, so Q, K and V ran as
  three MatMulIntegerToFloat beside a separate DynamicQuantizeLinear. The weights are quantised per
  output column, so the three matrices are laid side by side with their columns' scales and zero
  points: one [hidden, 3*hidden] product whose every column is the same integer sum times the same
  scale as before, then a Split.
* Every Reshape around attention gets its target shape from Shape -> Gather -> Unsqueeze -> Concat
  of the input's own sizes, run on every pass. A constant target with 0 ("copy this dimension")
  says the same thing.
* The attention itself (Transposes, two MatMuls, the scale, the mask, Softmax) becomes one
  com.microsoft MultiHeadAttention with the same scale and the same -10000 mask filter.

The rewrite is checked, not assumed: ``verify`` runs both graphs on token ids of several batch sizes
and lengths, padded rows included, and ``main`` (and the model build) writes nothing unless every
logit is bit for bit the same. Model 0.5.2: 1,205 nodes -> 490, identical logits also on 300 load
posts; one pass on one thread here 2.68 -> 2.34 ms at 4 tokens, 4.10 -> 3.78 at 12, 6.46 -> 6.11 at
24, 10.91 -> 10.62 at 48. Through the service (model 0.5.0, scripts/bench.py's load, 6 rounds taken
in turns) 134.7 -> 138.0 checks a second: the passes themselves are int8 GEMMs (63% of a pass),
which no layout makes cheaper.
"""
from __future__ import annotations

import argparse
import hashlib
import json
import sys
from collections import defaultdict
from pathlib import Path

import numpy as np
import onnx
from onnx import helper, numpy_helper


class Graph:
    """Indexes over an ONNX graph that the rewrites keep up to date."""

    def __init__(self, model: onnx.ModelProto):
        self.model = model
        self.graph = model.graph
        self.inits = {i.name: i for i in self.graph.initializer}
        # the rewrites add and remove other nodes, never Constant ones (prune drops dead ones last),
        # so this index stays right and a lookup does not walk the graph
        self._constants = {n.output[0]: n for n in self.graph.node if n.op_type == "Constant"}

    def producers(self) -> dict[str, onnx.NodeProto]:
        return {out: n for n in self.graph.node for out in n.output}

    def consumers(self) -> dict[str, list[onnx.NodeProto]]:
        users: dict[str, list[onnx.NodeProto]] = defaultdict(list)
        for n in self.graph.node:
            for name in n.input:
                users[name].append(n)
        return users

    def constant(self, name: str) -> np.ndarray | None:
        """The value of an initializer or a Constant node's output, else None."""
        if name in self.inits:
            return numpy_helper.to_array(self.inits[name])
        node = self._constants.get(name)
        return None if node is None else numpy_helper.to_array(node.attribute[0].t)

    def add_initializer(self, name: str, value: np.ndarray) -> str:
        tensor = numpy_helper.from_array(value, name)
        self.graph.initializer.append(tensor)
        self.inits[name] = tensor
        return name

    def prune(self) -> int:
        """Drop nodes whose outputs nobody reads, and initializers no node reads; returns nodes dropped."""
        wanted = {o.name for o in self.graph.output}
        dropped = 0
        while True:
            used = wanted | {i for n in self.graph.node for i in n.input}
            dead = [n for n in self.graph.node if not any(o in used for o in n.output)]
            if not dead:
                break
            for n in dead:
                self.graph.node.remove(n)
            dropped += len(dead)
        used = {i for n in self.graph.node for i in n.input}
        for init in [i for i in self.graph.initializer if i.name not in used]:
            self.graph.initializer.remove(init)
            del self.inits[init.name]
        return dropped


def _single(users: dict[str, list[onnx.NodeProto]], name: str, op: str) -> onnx.NodeProto | None:
    nodes = users.get(name, [])
    return nodes[0] if len(nodes) == 1 and nodes[0].op_type == op else None


def _dequant_chain(g: Graph, users, mmi: onnx.NodeProto):
    """MatMulInteger -> Cast -> Mul(scales) -> Add(bias): the chain quantize_dynamic writes per
    MatMul, with the per-column weight, zero point, scale and bias as initializers; or None."""
    a, w, a_zp, w_zp = mmi.input
    cast = _single(users, mmi.output[0], "Cast")
    mul = cast and _single(users, cast.output[0], "Mul")
    add = mul and _single(users, mul.output[0], "Add")
    if not (cast and mul and add) or w not in g.inits or w_zp not in g.inits:
        return None
    scale_mul_out = [i for i in mul.input if i != cast.output[0]][0]
    scale_mul = g.producers().get(scale_mul_out)
    if scale_mul is None or scale_mul.op_type != "Mul":
        return None
    w_scale = [i for i in scale_mul.input if i in g.inits]
    a_scale = [i for i in scale_mul.input if i not in g.inits]
    bias = [i for i in add.input if i in g.inits]
    if len(w_scale) != 1 or len(a_scale) != 1 or len(bias) != 1:
        return None
    columns = g.inits[w].dims[1]
    if any(list(g.inits[n].dims) != [columns] for n in (w_zp, w_scale[0], bias[0])):
        return None  # per-tensor weights: columns could not keep their own scale side by side
    return {"mmi": mmi, "cast": cast, "mul": mul, "add": add, "scale_mul": scale_mul, "w": w, "w_zp": w_zp,
            "w_scale": w_scale[0], "a_scale": a_scale[0], "bias": bias[0], "bias_first": add.input[0] == bias[0],
            "scale_first": scale_mul.input[0] == a_scale[0], "cast_first": mul.input[0] == cast.output[0]}


def merge_shared_input_matmuls(g: Graph) -> int:
    """Q, K, V (any MatMulIntegers on one quantised input with per-column weights) -> one product and
    a Split. Returns how many groups were merged."""
    users = g.consumers()
    groups: dict[tuple[str, str], list[dict]] = defaultdict(list)
    for node in g.graph.node:
        if node.op_type == "MatMulInteger" and len(node.input) == 4:
            chain = _dequant_chain(g, users, node)
            if chain is not None:
                groups[(node.input[0], node.input[2])].append(chain)
    merged = 0
    for (a, a_zp), chains in groups.items():
        if len(chains) < 2 or len({c["a_scale"] for c in chains}) != 1:
            continue
        first = chains[0]
        # the operand order of each float op is kept, so every output element is computed as before
        if len({(c["bias_first"], c["scale_first"], c["cast_first"]) for c in chains}) != 1:
            continue
        stem = first["mmi"].name + "_merged"
        cat = lambda key, axis: np.concatenate([g.constant(c[key]) for c in chains], axis=axis)  # noqa: E731
        w = g.add_initializer(stem + "_W", cat("w", 1))
        w_zp = g.add_initializer(stem + "_W_zero_point", cat("w_zp", 0))
        w_scale = g.add_initializer(stem + "_W_scale", cat("w_scale", 0))
        bias = g.add_initializer(stem + "_bias", cat("bias", 0))
        sizes = g.add_initializer(stem + "_split", np.array([g.inits[c["w"]].dims[1] for c in chains], np.int64))
        scale_in = [first["a_scale"], w_scale] if first["scale_first"] else [w_scale, first["a_scale"]]
        nodes = [
            helper.make_node("Mul", scale_in, [stem + "_scales"], name=stem + "_scales_mul"),
            helper.make_node("MatMulInteger", [a, w, a_zp, w_zp], [stem + "_int"], name=stem),
            helper.make_node("Cast", [stem + "_int"], [stem + "_float"], name=stem + "_cast",
                             to=onnx.TensorProto.FLOAT),
            helper.make_node("Mul", [stem + "_float", stem + "_scales"] if first["cast_first"]
                             else [stem + "_scales", stem + "_float"], [stem + "_scaled"], name=stem + "_mul"),
            helper.make_node("Add", [bias, stem + "_scaled"] if first["bias_first"]
                             else [stem + "_scaled", bias], [stem + "_biased"], name=stem + "_add"),
            helper.make_node("Split", [stem + "_biased", sizes], [c["add"].output[0] for c in chains],
                             name=stem + "_split", axis=-1),
        ]
        position = min(list(g.graph.node).index(c["scale_mul"]) for c in chains)
        for c in chains:
            for key in ("mmi", "cast", "mul", "add", "scale_mul"):
                g.graph.node.remove(c[key])
        for offset, node in enumerate(nodes):
            g.graph.node.insert(position + offset, node)
        merged += 1
        users = g.consumers()
    return merged


def _dims(shapes: dict, name: str) -> list | None:
    """A tensor's inferred dimensions: ints where known, names ("batch", "sequence") where symbolic."""
    info = shapes.get(name)
    if info is None or not info.type.tensor_type.HasField("shape"):
        return None
    return [d.dim_value if d.HasField("dim_value") else (d.dim_param or None)
            for d in info.type.tensor_type.shape.dim]


def constant_reshape_targets(g: Graph) -> int:
    """A Reshape target built at run time as Concat(Unsqueeze(Gather(Shape(x), k)), ..., constants)
    becomes a constant: a dimension of x that shape inference knows is written as its value, one that
    is symbolic (batch, sequence) as 0 ("copy the Reshape input's dimension"), which is only allowed
    where the Reshape input has the same symbolic dimension at that position."""
    inferred = onnx.shape_inference.infer_shapes(g.model)
    shapes = {v.name: v for v in [*inferred.graph.value_info, *inferred.graph.input, *inferred.graph.output]}
    producers = g.producers()
    changed = 0
    for node in g.graph.node:
        concat = producers.get(node.input[1]) if node.op_type == "Reshape" else None
        if concat is None or concat.op_type != "Concat":
            continue
        source = _dims(shapes, node.input[0])
        target: list[int] = []
        for position, part in enumerate(concat.input):
            value = g.constant(part)
            if value is not None and value.size == 1 and int(value.reshape(-1)[0]) > 0:
                target.append(int(value.reshape(-1)[0]))
                continue
            unsqueeze = producers.get(part)
            gather = producers.get(unsqueeze.input[0]) if unsqueeze is not None and unsqueeze.op_type == "Unsqueeze" else None
            shape = producers.get(gather.input[0]) if gather is not None and gather.op_type == "Gather" else None
            index = g.constant(gather.input[1]) if shape is not None and shape.op_type == "Shape" else None
            dims = _dims(shapes, shape.input[0]) if index is not None and index.size == 1 else None
            if dims is None:
                break
            dim = dims[int(index)]
            if isinstance(dim, int) and dim > 0:
                target.append(dim)
            elif isinstance(dim, str) and source is not None and position < len(source) and source[position] == dim:
                target.append(0)
            else:
                break
        else:
            node.input[1] = g.add_initializer(node.name + "_target", np.array(target, np.int64))
            changed += 1
    return changed


def _attention_mask_filter(g: Graph, producers, bias: str) -> tuple[str, float] | None:
    """(the graph input of the 0/1 attention mask, c) when ``bias`` is (1 - float(mask)) * c, unsqueezed to
    [batch, 1, 1, keys]: exactly what MultiHeadAttention adds for a key_padding_mask with mask_filter_value c."""
    mul = producers.get(bias)
    if mul is None or mul.op_type != "Mul":
        return None
    factors = [g.constant(i) for i in mul.input]
    if sum(f is not None for f in factors) != 1:
        return None
    c = next(f for f in factors if f is not None)
    node = producers.get(next(i for i, f in zip(mul.input, factors) if f is None))
    axes = []
    while node is not None and node.op_type == "Unsqueeze":
        axes.append(g.constant(node.input[1]))
        node = producers.get(node.input[0])
    if sorted(int(a.reshape(-1)[0]) for a in axes if a is not None) != [1, 2] or len(axes) != 2:
        return None
    if node is None or node.op_type != "Sub" or g.constant(node.input[0]) is None \
            or float(g.constant(node.input[0]).reshape(-1)[0]) != 1.0:
        return None
    cast = producers.get(node.input[1])
    inputs = {i.name for i in g.graph.input}
    if cast is None or cast.op_type != "Cast" or cast.input[0] not in inputs or c.size != 1:
        return None
    return cast.input[0], float(c.reshape(-1)[0])


def fuse_attention(g: Graph) -> int:
    """Reshape/Transpose -> MatMul -> Div -> Add(mask) -> Softmax -> MatMul -> Transpose -> Reshape, the
    attention that torch's exporter writes, becomes one com.microsoft MultiHeadAttention on the
    projected Q, K and V with the mask as key_padding_mask (same scale, same -10000 filter).
    onnxruntime already ran it as FusedMatMul with the same scale, so the sums are the same."""
    producers, users = g.producers(), g.consumers()

    def head_split(name: str, perm: list[int]):
        t = producers.get(name)
        if t is None or t.op_type != "Transpose" or list(t.attribute[0].ints) != perm:
            return None
        r = producers.get(t.input[0])
        target = g.constant(r.input[1]) if r is not None and r.op_type == "Reshape" else None
        if target is None or target.size != 4 or list(target[:2]) != [0, 0]:
            return None
        return r.input[0], int(target[2]), int(target[3]), [t, r]

    mask_casts: dict[str, str] = {}
    fused = 0
    for softmax in [n for n in g.graph.node if n.op_type == "Softmax"]:
        add = producers.get(softmax.input[0])
        if add is None or add.op_type != "Add":
            continue
        div = next((producers.get(i) for i in add.input if producers.get(i) is not None
                    and producers[i].op_type == "Div"), None)
        if div is None:
            continue
        mask = _attention_mask_filter(g, producers, next(i for i in add.input if i != div.output[0]))
        d = g.constant(div.input[1])
        scores = producers.get(div.input[0])
        if mask is None or d is None or d.size != 1 or scores is None or scores.op_type != "MatMul":
            continue
        q, k = head_split(scores.input[0], [0, 2, 1, 3]), head_split(scores.input[1], [0, 2, 3, 1])
        after = _single(users, softmax.output[0], "MatMul")
        v = head_split(after.input[1], [0, 2, 1, 3]) if after is not None else None
        merge = _single(users, after.output[0], "Transpose") if after is not None else None
        out = _single(users, merge.output[0], "Reshape") if merge is not None else None
        if not (q and k and v and out) or list(merge.attribute[0].ints) != [0, 2, 1, 3] \
                or len({x[1:3] for x in (q, k, v)}) != 1:
            continue
        heads = q[1]
        mask_input, filter_value = mask
        if mask_input not in mask_casts:
            mask_casts[mask_input] = mask_input + "_int32"
            g.graph.node.insert(0, helper.make_node("Cast", [mask_input], [mask_casts[mask_input]],
                                                    name=mask_input + "_int32", to=onnx.TensorProto.INT32))
        attention = helper.make_node(
            "MultiHeadAttention", [q[0], k[0], v[0], "", mask_casts[mask_input]], [out.output[0]],
            name=out.name + "_attention", domain="com.microsoft", num_heads=heads,
            scale=float(np.float32(1.0) / np.float32(d.reshape(-1)[0])), mask_filter_value=filter_value)
        g.graph.node.insert(list(g.graph.node).index(out), attention)
        for node in [out, merge, after, softmax, add, div, scores, *q[3], *k[3], *v[3]]:
            if node in g.graph.node:
                g.graph.node.remove(node)
        fused += 1
        producers, users = g.producers(), g.consumers()
    if fused and not any(o.domain == "com.microsoft" for o in g.model.opset_import):
        g.model.opset_import.append(helper.make_operatorsetid("com.microsoft", 1))
    return fused


def relayout(model: onnx.ModelProto) -> tuple[onnx.ModelProto, dict]:
    g = Graph(model)
    report = {"nodes_before": len(g.graph.node), "matmul_groups_merged": merge_shared_input_matmuls(g),
              "reshapes_constant": constant_reshape_targets(g)}
    report["attention_fused"] = fuse_attention(g)
    report["nodes_dropped"] = g.prune()
    report["nodes_after"] = len(g.graph.node)
    onnx.checker.check_model(model)
    return model, report


def verify(before: Path, after: Path, seed: int = 0) -> float:
    """Both graphs on random token ids of several batch sizes and lengths (with padding); the largest
    absolute difference in their logits (0.0 means bit for bit)."""
    import onnxruntime as ort

    options = ort.SessionOptions()
    options.intra_op_num_threads = 1
    sessions = [ort.InferenceSession(str(p), options, providers=["CPUExecutionProvider"]) for p in (before, after)]
    names = {i.name for i in sessions[0].get_inputs()}
    rng = np.random.default_rng(seed)
    worst = 0.0
    for batch, length in [(1, 1), (1, 2), (1, 7), (1, 16), (1, 30), (1, 63), (1, 128), (2, 19), (3, 64), (8, 33)]:
        ids = rng.integers(3, 5000, (batch, length)).astype(np.int64)
        mask = np.ones_like(ids)
        for row in range(1, batch):  # shorter rows padded, as the scorer never does but a caller may
            mask[row, length - row:] = 0
        feed = {k: v for k, v in {"input_ids": ids, "attention_mask": mask,
                                  "token_type_ids": np.zeros_like(ids)}.items() if k in names}
        outs = [s.run(None, feed)[0] for s in sessions]
        worst = max(worst, float(np.abs(outs[0] - outs[1]).max()))
    return worst


def write_verified(source: Path, out: Path) -> dict:
    """Re-lays out ``source`` into ``out`` (which may be ``source``) only if every logit stays the same;
    raises ValueError (and writes nothing) otherwise. Returns the rewrite's report."""
    model, report = relayout(onnx.load(str(source)))
    tmp = out.with_name(out.name + ".relayout.tmp")
    onnx.save(model, str(tmp))
    report["max_abs_logit_difference"] = worst = verify(source, tmp)
    if worst != 0.0:
        tmp.unlink()
        raise ValueError(f"{source}: the re-laid-out graph differs (max |difference| {worst}); nothing written")
    tmp.replace(out)
    return report


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("model", type=Path)
    ap.add_argument("--out", type=Path, help="where to write (default: over the input, once verified)")
    args = ap.parse_args(argv)
    out = args.out or args.model
    try:
        report = write_verified(args.model, out)
    except ValueError as exc:
        print(exc, file=sys.stderr)
        return 1
    print(report)
    # a model directory stays loadable: its model.json names the file and its checksum
    meta = out.with_name("model.json")
    if meta.exists():
        info = json.loads(meta.read_text())
        if info.get("file") == out.name and "sha256" in info:
            info["sha256"] = hashlib.sha256(out.read_bytes()).hexdigest()
            meta.write_text(json.dumps(info, indent=2) + "\n")
            print(f"{meta}: sha256 updated")
    return 0


if __name__ == "__main__":
    sys.exit(main())
