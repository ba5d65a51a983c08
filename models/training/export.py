"""Export the trained models to ONNX with their cards, and the Java/PyTorch parity fixture.

    /usr/bin/python3 models/training/export.py --backbone RUN/best.pt --refiner RUN_R/refiner.pt \
        --threshold T --out models/reference --fixture models/src/test/resources/parity

Writes segmenter/refiner/ensembler .onnx + .card.json. The fixture is a synthetic frame
(generated here, not from CamVid) with PyTorch's coarse logits, selection, refined and
fused logits and labels, which the Java test must reproduce through ONNX Runtime.
"""
import argparse, json, os
import numpy as np
import torch
from PIL import Image

from sparseseg_train.data import CLASSES, COLOURS, MEAN, STD
from sparseseg_train.features import coarse_logits, select_mask, point_features, upsample
from sparseseg_train.nets import SegNetLite, PointRefiner, GatedEnsembler, NUM_CLASSES

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


def write_bin(path, arr, dtype):
    np.ascontiguousarray(arr, dtype=dtype).astype(np.dtype(dtype).newbyteorder("<")).tofile(path)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--backbone", required=True)
    ap.add_argument("--refiner", required=True)
    ap.add_argument("--threshold", type=float, required=True)
    ap.add_argument("--out", required=True)
    ap.add_argument("--fixture", required=True)
    ap.add_argument("--provenance", default=None, help="JSON with training commands, times and val figures per model")
    a = ap.parse_args()
    os.makedirs(a.out, exist_ok=True); os.makedirs(a.fixture, exist_ok=True)
    prov = json.load(open(a.provenance)) if a.provenance else {}

    seg = SegNetLite(); seg.load_state_dict(torch.load(a.backbone)); seg.eval()
    ck = torch.load(a.refiner)
    assert ck["kind"] == "point", "only the point-head refiner is exported"
    nfeat = len(ck["dilations"]) * ck["patch"] ** 2 * 3 + 2
    ref = PointRefiner(nfeat, ck["hidden"]); ref.load_state_dict(ck["refiner"]); ref.eval()
    ens = GatedEnsembler(); ens.load_state_dict(ck["ensembler"]); ens.eval()

    torch.onnx.export(seg, torch.zeros(1, 3, 180, 240), os.path.join(a.out, "segmenter.onnx"),
                      input_names=["image"], output_names=["logits"], opset_version=OPSET,
                      dynamic_axes={"image": {0: "batch", 2: "height", 3: "width"},
                                    "logits": {0: "batch", 2: "grid_height", 3: "grid_width"}})
    n = 7
    torch.onnx.export(ref, (torch.zeros(n, nfeat), torch.zeros(n, NUM_CLASSES)), os.path.join(a.out, "refiner.onnx"),
                      input_names=["features", "coarse_logits"], output_names=["refined_logits"], opset_version=OPSET,
                      dynamic_axes={"features": {0: "N"}, "coarse_logits": {0: "N"}, "refined_logits": {0: "N"}})
    torch.onnx.export(ens, (torch.zeros(n, NUM_CLASSES), torch.zeros(n, NUM_CLASSES)), os.path.join(a.out, "ensembler.onnx"),
                      input_names=["coarse_logits", "refined_logits"], output_names=["logits"], opset_version=OPSET,
                      dynamic_axes={"coarse_logits": {0: "N"}, "refined_logits": {0: "N"}, "logits": {0: "N"}})

    common = {"classes": classes()}
    cards = {
        "segmenter": {"name": "sparseseg-camvid-segmenter", "role": "segmenter", "onnx": "segmenter.onnx",
                      "mean": list(MEAN), "std": list(STD), "output_stride": 4,
                      "input": "RGB in [0,1], normalised (v - mean) / std, NCHW, any height and width; "
                               "shrink by area averaging (PyTorch interpolate mode=area)", **common},
        "refiner": {"name": "sparseseg-camvid-refiner", "role": "refiner", "onnx": "refiner.onnx",
                    "coarse_scale": ck["scale"], "entropy_threshold": a.threshold,
                    "patch_size": ck["patch"], "patch_dilations": list(ck["dilations"]),
                    "feature_count": nfeat, "hidden": ck["hidden"], **common},
        "ensembler": {"name": "sparseseg-camvid-ensembler", "role": "ensembler", "onnx": "ensembler.onnx", **common},
    }
    for name, card in cards.items():
        card.update({k: v for k, v in prov.get(name, {}).items()})
        with open(os.path.join(a.out, f"{name}.card.json"), "w") as f:
            json.dump(card, f, indent=1)

    # Parity fixture.
    img = synthetic_frame()
    H, W = img.shape[:2]
    Image.fromarray(img).save(os.path.join(a.fixture, "frame.png"))
    with torch.no_grad():
        lg = coarse_logits(seg, img, ck["scale"])
        mask, _ = select_mask(lg, H, W, a.threshold)
        idx = torch.nonzero(mask.reshape(-1)).squeeze(1)
        feats, l1 = point_features(img, lg, idx, ck["patch"], ck["dilations"])
        l2 = ref(feats, l1)
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
                   "scale": ck["scale"], "threshold": a.threshold, "selected": int(idx.numel()),
                   "feature_count": nfeat}, f, indent=1)
    print(f"exported to {a.out}; fixture {W}x{H}, {idx.numel()} pixels selected")


if __name__ == "__main__":
    main()
