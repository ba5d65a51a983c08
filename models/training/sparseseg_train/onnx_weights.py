"""Rebuild a SegNetLite from its exported ONNX file, so that refiner training and export
need only the committed segmenter.onnx, not the training checkpoint.

The export folded every BatchNorm into the convolution before it (the Conv nodes carry a
bias). Loading puts each folded weight and bias back into its Conv2d and turns the
BatchNorm after it into the identity plus that bias, which computes the same function.
ONNX node names carry the module path ("/s8/s8.1/a/a.0/Conv" is module s8.1.a.0).
"""
import onnx
import torch
import torch.nn as nn
from onnx import numpy_helper

from .nets import SegNetLite


def module_path(node_name):
    """"/s4/s4.0/s4.0.0/Conv" -> "s4.0.0", "/s8/s8.1/a/a.0/Conv" -> "s8.1.a.0": a scope that
    extends the one before it by ".i" is that module's child i, any other is an attribute."""
    full, prev = [], None
    for p in node_name.strip("/").split("/")[:-1]:
        full.append(p[len(prev) + 1:] if prev and p.startswith(prev + ".") else p)
        prev = p
    return ".".join(full)


def segnet_from_onnx(path):
    graph = onnx.load(path).graph
    weights = {t.name: torch.from_numpy(numpy_helper.to_array(t).copy()) for t in graph.initializer}
    model = SegNetLite()
    modules = dict(model.named_modules())
    convs = {n for n, m in modules.items() if isinstance(m, nn.Conv2d)}
    loaded = set()
    for node in graph.node:
        if node.op_type != "Conv":
            continue
        name = module_path(node.name)
        conv = modules.get(name)
        if not isinstance(conv, nn.Conv2d):
            raise ValueError(f"{path}: Conv node {node.name} maps to {name}, not a Conv2d of SegNetLite")
        w, b = weights[node.input[1]], weights[node.input[2]]
        if w.shape != conv.weight.shape:
            raise ValueError(f"{path}: {name} weight {tuple(w.shape)}, SegNetLite has {tuple(conv.weight.shape)}")
        with torch.no_grad():
            conv.weight.copy_(w)
            if conv.bias is not None:
                conv.bias.copy_(b)
            else:
                parent, idx = name.rsplit(".", 1)
                bn = modules[f"{parent}.{int(idx) + 1}"]
                if not isinstance(bn, nn.BatchNorm2d):
                    raise ValueError(f"{path}: no BatchNorm after {name}")
                bn.running_mean.zero_()
                bn.running_var.fill_(1.0)
                bn.weight.fill_((1.0 + bn.eps) ** 0.5)
                bn.bias.copy_(b)
        loaded.add(name)
    if loaded != convs:
        raise ValueError(f"{path}: convolutions not in the file: {sorted(convs - loaded)}")
    return model.eval()
