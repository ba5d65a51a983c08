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


def unfold_batchnorm(model, batches):
    """Give the batch norms of a segnet_from_onnx model real statistics, for fine-tuning.

    After loading, each BatchNorm2d is the identity plus a bias (mean 0, variance 1), which
    is right for inference but not for training: in train mode a batch norm normalises by
    the batch's statistics and would change the network's function at the first step.
    Here every batch norm's input statistics (mean mu, variance var per channel) are
    measured over `batches` (normalised inputs [B,3,h,w], in eval mode, so each layer sees
    the inputs the loaded network gives it) and the batch norm is rewritten as
    running_mean = mu, running_var = var, weight = sqrt(var + eps), bias = mu + bias: in
    eval mode exactly the same function, in train mode the same up to the batch's
    deviation from these statistics."""
    bns = [m for m in model.modules() if isinstance(m, nn.BatchNorm2d)]
    sums = {id(m): [0.0, 0.0, 0] for m in bns}

    def hook(mod, inp, _out):
        x = inp[0].detach().double()
        s = sums[id(mod)]
        s[0] = s[0] + x.sum(dim=(0, 2, 3))
        s[1] = s[1] + (x * x).sum(dim=(0, 2, 3))
        s[2] += x.numel() // x.shape[1]

    handles = [m.register_forward_hook(hook) for m in bns]
    was_training = model.training
    model.eval()
    with torch.no_grad():
        for x in batches:
            model(x)
    for h in handles:
        h.remove()
    with torch.no_grad():
        for m in bns:
            s1, s2, n = sums[id(m)]
            mu = s1 / n
            var = (s2 / n - mu * mu).clamp(min=0)
            m.bias.add_(mu.float())
            m.running_mean.copy_(mu.float())
            m.running_var.copy_(var.float())
            m.weight.copy_((var + m.eps).sqrt().float())
    model.train(was_training)
    return model
