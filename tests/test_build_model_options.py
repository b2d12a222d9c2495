"""scripts/build_model.py optimiser groups (layer-wise lr decay, frozen embeddings). Needs torch, which
only the training extras install (scripts/requirements-train.txt), so CI skips this file."""
from __future__ import annotations

import sys

import pytest
from scriptload import SCRIPTS, load_script

torch = pytest.importorskip("torch")
sys.path.insert(0, str(SCRIPTS))  # build_model imports its sibling scripts (thresholds, group_swap)
bm = load_script("build_model")

TINY = {"hidden_size": 8, "num_attention_heads": 2, "intermediate_size": 16, "num_hidden_layers": 3,
        "vocab_size": 50, "max_position_embeddings": 16, "type_vocab_size": 2, "hidden_dropout_prob": 0.1}


def _lr_of(groups: list[dict]) -> dict[int, float]:
    return {id(p): g["lr"] for g in groups for p in g["params"]}


def test_default_groups_are_the_shipped_recipe():
    model = bm.MiniLMClassifier(TINY)
    groups = bm.param_groups(model, 5e-5, 1e-3)
    assert [g["lr"] for g in groups] == [5e-5, 1e-3]
    assert {id(p) for p in groups[1]["params"]} == {id(model.head.weight), id(model.head.bias)}
    assert sum(len(g["params"]) for g in groups) == len(list(model.parameters()))


def test_layer_decay_lowers_the_lr_from_the_top_down():
    model = bm.MiniLMClassifier(TINY)
    lr = _lr_of(bm.param_groups(model, 5e-5, 1e-3, layer_decay=0.5))
    assert len(lr) == len(list(model.parameters()))  # every parameter in exactly one group
    assert lr[id(model.head.weight)] == 1e-3
    assert lr[id(model.layers[2].query.weight)] == pytest.approx(5e-5)
    assert lr[id(model.layers[1].inter.weight)] == pytest.approx(2.5e-5)
    assert lr[id(model.layers[0].ln2.bias)] == pytest.approx(1.25e-5)
    assert lr[id(model.word.weight)] == lr[id(model.ln.weight)] == pytest.approx(5e-5 * 0.5 ** 3)


def test_frozen_embeddings_are_left_out_and_stay_fixed():
    torch.manual_seed(0)
    model = bm.MiniLMClassifier(TINY)
    model.freeze_embeddings()
    before = model.word.weight.detach().clone()
    groups = bm.param_groups(model, 1e-2, 1e-2, layer_decay=0.8)
    lr = _lr_of(groups)
    assert not {id(model.word.weight), id(model.pos.weight), id(model.typ.weight)} & set(lr)
    assert id(model.ln.weight) in lr
    opt = torch.optim.AdamW(groups, weight_decay=0.01)
    ids = torch.randint(0, 50, (4, 6))
    model(ids, torch.ones_like(ids), torch.zeros_like(ids)).sum().backward()
    opt.step()
    assert torch.equal(model.word.weight, before)
    assert not torch.equal(model.layers[0].query.weight.grad, torch.zeros_like(model.layers[0].query.weight))
