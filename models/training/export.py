"""Export the trained models to ONNX with their cards, and the Java/PyTorch parity fixture.

    /usr/bin/python3 models/training/export.py --backbone RUN/best.pt --refiner RUN_R/refiner.pt \
        --threshold T --out models/reference --fixture models/src/test/resources/parity

Writes segmenter/refiner/ensembler .onnx + .card.json. The fixture is a synthetic frame
(generated here, not from CamVid) with PyTorch's coarse logits, selection, refined and
fused logits and labels, which the Java test must reproduce through ONNX Runtime.
"""
import argparse, json, os, shutil
import numpy as np
import torch
from PIL import Image

from sparseseg_train.data import CLASSES, COLOURS, MEAN, STD
from sparseseg_train.features import coarse_logits, select_mask, point_features, upsample, neighbours, feature_count
from sparseseg_train.nets import SegNetLite, build_refiner, build_ensembler, NUM_CLASSES
from sparseseg_train.onnx_weights import segnet_from_onnx

# The segmenter card's input_multiple: SegNetLite's deepest stride.
INPUT_MULTIPLE = 32

OPSET = 13


def classes():
    return [{"id": i, "name": n, "color": list(c)} for i, (n, c) in enumerate(zip(CLASSES, COLOURS))]


def synthetic_frame(seed=1234, w=96, h=72):
    """A street-like toy scene: grey sky, dark road, coloured boxes, noise."""
    rng = np.random.default_rng(seed)
    img = np.zeros((h, w, 3), np.float32)
    yy = np.linspace(0, 1, h)[:, None]
    img[:] = (150 + 60 * (1 - yy))[..., None]
    img[h // 2:] = np.array([90, 70, 95], np.float32)
    for _ in range(6):
        x0, y0 = rng.integers(0, w - 10), rng.integers(h // 4, h - 10)
        img[y0:y0 + rng.integers(6, 24), x0:x0 + rng.integers(4, 30)] = rng.integers(0, 255, 3)
    img += rng.normal(0, 6, img.shape)
    return np.clip(img, 0, 255).astype(np.uint8)


class ForeignSegmenter(torch.nn.Module):
    """A stand-in for a third-party segmentation model: other input name, stride 8, no
    normalisation. Random weights; it only proves the engine is not tied to our backbone."""

    def __init__(self):
        super().__init__()
        torch.manual_seed(3)
        self.conv = torch.nn.Conv2d(3, NUM_CLASSES, 8, stride=8)

    def forward(self, x):
        return self.conv(x)


def write_bin(path, arr, dtype):
    np.ascontiguousarray(arr, dtype=dtype).astype(np.dtype(dtype).newbyteorder("<")).tofile(path)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--backbone", required=True, help="checkpoint (.pt) or an exported segmenter.onnx, copied as is")
    ap.add_argument("--refiner", required=True)
    ap.add_argument("--threshold", type=float, required=True)
    ap.add_argument("--out", required=True)
    ap.add_argument("--fixture", required=True)
    ap.add_argument("--provenance", default=None, help="JSON with training commands, times and val figures per model")
    ap.add_argument("--coarse-scale", type=float, default=None,
                    help="operating coarse scale for the refiner card and the fixture (default: the checkpoint's "
                         "first training scale); must be one the refiner was trained at")
    ap.add_argument("--name", default="sparseseg-camvid", help="prefix of the cards' model names")
    a = ap.parse_args()
    os.makedirs(a.out, exist_ok=True); os.makedirs(a.fixture, exist_ok=True)
    prov = json.load(open(a.provenance)) if a.provenance else {}

    from_onnx = a.backbone.endswith(".onnx")
    if from_onnx:
        seg = segnet_from_onnx(a.backbone)
    else:
        seg = SegNetLite(); seg.load_state_dict(torch.load(a.backbone)); seg.eval()

    def export_segmenter(model, path):
        torch.onnx.export(model, torch.zeros(1, 3, 180, 240), path,
                          input_names=["image"], output_names=["logits"], opset_version=OPSET,
                          dynamic_axes={"image": {0: "batch", 2: "height", 3: "width"},
                                        "logits": {0: "batch", 2: "grid_height", 3: "grid_width"}})
    ck = torch.load(a.refiner)
    if a.coarse_scale is not None:
        if a.coarse_scale not in ck.get("scales", [ck["scale"]]):
            ap.error(f"--coarse-scale {a.coarse_scale}: the refiner was trained at {ck.get('scales', [ck['scale']])}")
        ck["scale"] = a.coarse_scale
    summary = ck.get("cell_summary", False)
    nfeat = feature_count(ck["patch"], ck["dilations"], summary)
    sparse_conv = ck["kind"] == "sparseconv"
    ref = build_refiner(ck["kind"], nfeat, ck["hidden"], summary)
    ref.load_state_dict(ck["refiner"]); ref.eval()
    ens_kind = ck.get("ensembler_kind", "mlp")
    ens = build_ensembler(ens_kind, ck.get("ens_hidden", 32))
    ens.load_state_dict(ck["ensembler"]); ens.eval()

    seg_out = os.path.join(a.out, "segmenter.onnx")
    if not from_onnx:
        export_segmenter(seg, seg_out)
    elif os.path.abspath(a.backbone) != os.path.abspath(seg_out):
        shutil.copyfile(a.backbone, seg_out)
    n = 7
    ref_args = (torch.zeros(n, nfeat), torch.zeros(n, NUM_CLASSES))
    ref_inputs = ["features", "coarse_logits"]
    if sparse_conv:
        ref_args += (torch.full((n, 9), n, dtype=torch.long),)
        ref_inputs.append("neighbours")
    torch.onnx.export(ref, ref_args, os.path.join(a.out, "refiner.onnx"),
                      input_names=ref_inputs, output_names=["refined_logits"], opset_version=OPSET,
                      dynamic_axes={**{k: {0: "N"} for k in ref_inputs}, "refined_logits": {0: "N"}})
    torch.onnx.export(ens, (torch.zeros(n, NUM_CLASSES), torch.zeros(n, NUM_CLASSES)), os.path.join(a.out, "ensembler.onnx"),
                      input_names=["coarse_logits", "refined_logits"], output_names=["logits"], opset_version=OPSET,
                      dynamic_axes={"coarse_logits": {0: "N"}, "refined_logits": {0: "N"}, "logits": {0: "N"}})

    common = {"classes": classes()}
    # input_multiple: SegNetLite adds each decoder level to the one below upsampled to its size, so
    # sides that are not multiples of its stride (32) misalign them; the engine rounds to it.
    seg_common = {"role": "segmenter", "mean": list(MEAN), "std": list(STD), "output_stride": 4,
                  "input_multiple": INPUT_MULTIPLE,
                  "input": "RGB in [0,1], normalised (v - mean) / std, NCHW, any height and width, best at "
                           "multiples of input_multiple (the engine rounds scaled sides to them); "
                           "shrink by area averaging (PyTorch interpolate mode=area)", **common}
    cards = {
        "segmenter": {"name": f"{a.name}-segmenter", "onnx": "segmenter.onnx", **seg_common},
        "refiner": {"name": f"{a.name}-refiner", "role": "refiner", "onnx": "refiner.onnx", "kind": ck["kind"],
                    "coarse_scale": ck["scale"], "entropy_threshold": a.threshold,
                    "selection_grid_factor": ck.get("grid_factor", 1),
                    "patch_size": ck["patch"], "patch_dilations": list(ck["dilations"]),
                    "cell_summary": summary, "feature_count": nfeat, "hidden": ck["hidden"], **common},
        "ensembler": {"name": f"{a.name}-ensembler", "role": "ensembler", "onnx": "ensembler.onnx",
                      "kind": ens_kind, "hidden": ck.get("ens_hidden", 32), **common},
    }
    for name, card in cards.items():
        card.update({k: v for k, v in prov.get(name, {}).items()})
        with open(os.path.join(a.out, f"{name}.card.json"), "w") as f:
            json.dump(card, f, indent=1)

    # A foreign coarse model for the engine's tests.
    foreign_dir = os.path.join(a.fixture, "..", "foreign")
    os.makedirs(foreign_dir, exist_ok=True)
    torch.onnx.export(ForeignSegmenter().eval(), torch.zeros(1, 3, 64, 64), os.path.join(foreign_dir, "foreign.onnx"),
                      input_names=["input.1"], output_names=["out"], opset_version=OPSET,
                      dynamic_axes={"input.1": {0: "b", 2: "h", 3: "w"}, "out": {0: "b", 2: "gh", 3: "gw"}})
    with open(os.path.join(foreign_dir, "segmenter.card.json"), "w") as f:
        json.dump({"name": "foreign-stride8", "role": "segmenter", "onnx": "foreign.onnx",
                   "mean": [0, 0, 0], "std": [1, 1, 1], **common}, f, indent=1)

    # Parity fixture.
    img = synthetic_frame()
    H, W = img.shape[:2]
    Image.fromarray(img).save(os.path.join(a.fixture, "frame.png"))
    with torch.no_grad():
        # At the frame's exact scaled size (multiple 1): ParityTest serves the fixture so.
        lg = coarse_logits(seg, img, ck["scale"])
        mask, _ = select_mask(lg, H, W, a.threshold, ck.get("grid_factor", 1))
        idx = torch.nonzero(mask.reshape(-1)).squeeze(1)
        feats, l1 = point_features(img, lg, idx, ck["patch"], ck["dilations"], summary)
        l2 = ref(feats, l1, neighbours(idx, H, W)) if sparse_conv else ref(feats, l1)
        fused = ens(l1, l2)
        labels = upsample(lg, H, W).argmax(0).reshape(-1)
        labels[idx] = fused.argmax(1)
    write_bin(os.path.join(a.fixture, "coarse_logits.f32"), lg.numpy(), np.float32)
    write_bin(os.path.join(a.fixture, "selected.i32"), idx.numpy(), np.int32)
    write_bin(os.path.join(a.fixture, "features.f32"), feats.numpy(), np.float32)
    write_bin(os.path.join(a.fixture, "refined_logits.f32"), l2.numpy(), np.float32)
    write_bin(os.path.join(a.fixture, "fused_logits.f32"), fused.numpy(), np.float32)
    write_bin(os.path.join(a.fixture, "labels.u8"), labels.numpy(), np.uint8)
    with open(os.path.join(a.fixture, "parity.json"), "w") as f:
        json.dump({"width": W, "height": H, "classes": NUM_CLASSES, "grid": list(lg.shape[1:]),
                   "scale": ck["scale"], "threshold": a.threshold, "grid_factor": ck.get("grid_factor", 1),
                   "selected": int(idx.numel()),
                   "feature_count": nfeat}, f, indent=1)
    print(f"exported to {a.out}; fixture {W}x{H}, {idx.numel()} pixels selected")


if __name__ == "__main__":
    main()
