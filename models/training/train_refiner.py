"""Train the sparse refiner and the gated ensembler on the coarse model's selected pixels.

The backbone is frozen. For every train frame (and its mirror) the coarse logits at
--scale are computed once; pixels whose coarse cell entropy exceeds --train-threshold
are the training set, as in the paper (SparseRefine: docs/design.md section 2). The threshold for inference is then chosen on
val by a sweep (see --sweep), which prints mIoU and refined fraction per threshold.

    /usr/bin/python3 models/training/train_refiner.py --backbone models/reference/segmenter.onnx --out RUN_REFINER

--backbone takes a checkpoint of train_backbone.py or the exported segmenter.onnx.

One refiner can serve several coarse scales: --scales 0.5,0.25 collects training pixels
at each (the first is the operating scale written into the checkpoint; export.py
--coarse-scale picks another), --extra-data adds another dataset's train frames at
--extra-scales, and the val sweep reports, per scale and per selection grid factor of
--grid-factors, dense-full (scale 1), dense-low and sparse mIoU with the refined
fraction. For the camera-resolution set (camvid-hr, 960x720):

    /usr/bin/python3 models/training/train_refiner.py --backbone RUN/best.pt --data ../shared/datasets/camvid-hr \
        --scales 0.5,0.25 --grid-factors 1,2,4 --threads 1 --out RUN_REFINER
"""
import argparse, json, os, random, time
import numpy as np
import torch
import torch.nn.functional as F

from sparseseg_train.data import load_split, hold_out, default_root, confusion, miou, IGNORE
from sparseseg_train.features import coarse_logits, select_mask, point_features, neighbours, upsample, feature_count, \
    nearest_index, neighbour_cell_classes
from sparseseg_train.nets import SegNetLite, build_refiner, build_ensembler
from sparseseg_train.onnx_weights import segnet_from_onnx


def refine(refiner, kind, feats, l1, idx, H, W):
    if kind == "point":
        return refiner(feats, l1)
    return refiner(feats, l1, neighbours(idx, H, W))


def jitter(img, lab, rs, scale_range, light):
    """A random variant of a labelled frame: resized by a factor drawn from scale_range (labels
    by nearest neighbour), brightness and contrast jittered by up to +-light, maybe mirrored.
    With 50 labelled 960x720 frames the refiner sees few object sizes and exposures."""
    H, W = lab.shape
    s = rs.uniform(*scale_range)
    h, w = max(8, int(round(H * s))), max(8, int(round(W * s)))
    x = torch.from_numpy(np.ascontiguousarray(img)).permute(2, 0, 1).float().unsqueeze(0)
    x = F.interpolate(x, size=(h, w), mode="area") if s < 1 else \
        F.interpolate(x, size=(h, w), mode="bilinear", align_corners=False)
    gain = rs.uniform(1 - light, 1 + light)
    contrast = rs.uniform(1 - light, 1 + light)
    mean = x.mean()
    x = ((x - mean) * contrast + mean) * gain
    img = x.clamp(0, 255).round().byte()[0].permute(1, 2, 0).numpy()
    lab = lab[nearest_index(H, h).numpy()][:, nearest_index(W, w).numpy()]
    if rs.rand() < 0.5:
        img, lab = img[:, ::-1], lab[:, ::-1]
    return np.ascontiguousarray(img), np.ascontiguousarray(lab)


def variants(imgs, labs, flip, augment=0, rs=None, scale_range=(1, 1), light=0.0):
    """Each frame, its mirror (flip) and augment jittered copies."""
    for i in range(len(imgs)):
        yield imgs[i], labs[i]
        if flip:
            yield np.ascontiguousarray(imgs[i][:, ::-1]), np.ascontiguousarray(labs[i][:, ::-1])
        for _ in range(augment):
            yield jitter(imgs[i], labs[i], rs, scale_range, light)


def collect(model, frames, scale, threshold, patch, dilations, per_image, rng, grid_factor, cell_summary=False,
            multiple=1):
    """Per frame of `frames` ((image, labels) pairs, as variants() gives them): (features, coarse
    logits, labels, pixel idx) of selected, labelled pixels."""
    out = []
    for img, lab in frames:
        H, W = lab.shape
        lg = coarse_logits(model, img, scale, multiple)
        mask, _ = select_mask(lg, H, W, threshold, grid_factor)
        sel = mask.reshape(-1)
        if per_image:
            sel = sel & torch.from_numpy(lab.reshape(-1) != IGNORE)
        idx = torch.nonzero(sel).squeeze(1)
        if idx.numel() == 0:
            continue
        if per_image and idx.numel() > per_image:
            # A point head sees pixels independently, so a random subset per frame loses nothing.
            idx = torch.sort(idx[torch.randperm(idx.numel(), generator=rng)[:per_image]]).values
        feats, l1 = point_features(img, lg, idx, patch, dilations, cell_summary)
        y = torch.from_numpy(lab.reshape(-1).astype(np.int64))[idx]
        out.append((feats, l1, y, idx, H, W))
    return out


def evaluate(model, refiner, ensembler, kind, imgs, labs, scales, thresholds, patch, dilations, grid_factors,
             cell_summary=False, multiple=1):
    """Val confusions: dense-full (scale 1), and per coarse scale dense-low and sparse at each
    (grid factor, threshold), with the mean refined fraction per frame and the ceiling: the
    confusion had every selected pixel been refined to its label (what a better refiner could
    reach with that selection), and the boundary ceiling: the same for only the selected pixels
    whose label is the coarse class of one of the 4 cells they are interpolated from (what
    placing boundaries between the classes the coarse pass found can reach; the rest needs
    classes it got wrong recognised).

    Returns (full, {scale: low}, {(scale, gf, t): conf}, {(scale, gf, t): fraction},
    {(scale, gf, t): [ceiling conf, boundary ceiling conf]})."""
    keys = [(s, g, t) for s in scales for g in grid_factors for t in thresholds]
    confs = {k: np.zeros((11, 11), np.int64) for k in keys}
    ceilings = {k: np.zeros((2, 11, 11), np.int64) for k in keys}
    frac = {k: 0.0 for k in keys}
    low = {s: np.zeros((11, 11), np.int64) for s in scales}
    full = np.zeros((11, 11), np.int64)
    refiner.eval(); ensembler.eval()
    with torch.no_grad():
        for img, lab in zip(imgs, labs):
            H, W = lab.shape
            lab_flat = lab.reshape(-1)
            full += confusion(upsample(coarse_logits(model, img, 1.0, multiple), H, W).argmax(0).reshape(-1).numpy(), lab_flat)
            for s in scales:
                lg = coarse_logits(model, img, s, multiple)
                base = upsample(lg, H, W).argmax(0).reshape(-1)
                base_np = base.numpy()
                low[s] += confusion(base_np, lab_flat)
                in_neighbours = (neighbour_cell_classes(lg, H, W).numpy() == lab_flat).any(0)
                masks = {(g, t): select_mask(lg, H, W, t, g)[0].reshape(-1) for g in grid_factors for t in thresholds}
                if kind == "point":
                    # A point head refines each pixel on its own: refine the union of all selections
                    # once and read every (grid factor, threshold) off it; the same result as refining each.
                    union = torch.zeros(H * W, dtype=torch.bool)
                    for m in masks.values():
                        union |= m
                    refined = base.clone()
                    idx = torch.nonzero(union).squeeze(1)
                    if idx.numel() > 0:
                        feats, l1 = point_features(img, lg, idx, patch, dilations, cell_summary)
                        refined[idx] = ensembler(l1, refiner(feats, l1)).argmax(1)
                for (g, t), m in masks.items():
                    if kind == "point":
                        pred = torch.where(m, refined, base)
                    else:
                        idx = torch.nonzero(m).squeeze(1)
                        pred = base.clone()
                        if idx.numel() > 0:
                            feats, l1 = point_features(img, lg, idx, patch, dilations, cell_summary)
                            pred[idx] = ensembler(l1, refine(refiner, kind, feats, l1, idx, H, W)).argmax(1)
                    confs[(s, g, t)] += confusion(pred.numpy(), lab_flat)
                    ceilings[(s, g, t)][0] += confusion(np.where(m.numpy(), lab_flat, base_np), lab_flat)
                    ceilings[(s, g, t)][1] += confusion(np.where(m.numpy() & in_neighbours, lab_flat, base_np), lab_flat)
                    frac[(s, g, t)] += m.sum().item() / (H * W) / len(imgs)
    refiner.train(); ensembler.train()
    return full, low, confs, frac, ceilings


def report(name, full, low, confs, frac, ceilings):
    """Print and return the sweep of one val set."""
    out = {"dense_full_miou": miou(full)[0], "scales": {}}
    print(f"{name} dense-full (scale 1) mIoU {miou(full)[0]:.2f}")
    for s in low:
        entry = {"dense_low_miou": miou(low[s])[0], "sweep": []}
        print(f"{name} scale {s}: dense-low mIoU {miou(low[s])[0]:.2f}")
        for (s_, g, t), c in confs.items():
            if s_ != s:
                continue
            m, top, edge = miou(c)[0], miou(ceilings[(s_, g, t)][0])[0], miou(ceilings[(s_, g, t)][1])[0]
            entry["sweep"].append({"grid_factor": g, "threshold": t, "miou": m, "ceiling_miou": top,
                                   "boundary_ceiling_miou": edge, "refined_fraction": frac[(s_, g, t)]})
            print(f"{name} scale {s} grid factor {g} threshold {t:.3f}: mIoU {m:.2f} refined "
                  f"{100 * frac[(s_, g, t)]:.1f}% (ceiling {top:.2f}, boundaries only {edge:.2f})")
        out["scales"][str(s)] = entry
    return out


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--data", default=default_root())
    ap.add_argument("--backbone", required=True)
    ap.add_argument("--out", required=True)
    ap.add_argument("--kind", choices=["point", "sparseconv"], default="point")
    ap.add_argument("--scales", default="0.5",
                    help="coarse scales to collect training pixels at and to sweep on val (comma list; the first is "
                         "the operating scale written into the checkpoint)")
    ap.add_argument("--extra-data", default=None,
                    help="another dataset root (e.g. camvid at 480x360) whose train frames are added at --extra-scales "
                         "and whose val is swept at them as well (reported, not used for choosing)")
    ap.add_argument("--extra-scales", default="0.5")
    ap.add_argument("--extra-val-only", action="store_true", help="--extra-data: sweep its val only, train without it")
    ap.add_argument("--extra-per-image", type=int, default=0, help="pixels per --extra-data frame (0: --per-image)")
    ap.add_argument("--train-threshold", type=float, default=0.2)
    ap.add_argument("--grid-factor", type=int, default=1,
                    help="select training pixels on the coarse grid upsampled this many times (the checkpoint's factor)")
    ap.add_argument("--grid-factors", default=None, help="grid factors of the val sweep (comma list; default --grid-factor)")
    ap.add_argument("--patch", type=int, default=3)
    ap.add_argument("--dilations", default="1")
    ap.add_argument("--hidden", type=int, default=32)
    ap.add_argument("--summary", choices=["cells", "in-graph"], default="cells",
                    help="point head: the coarse softmax and entropy come interpolated from the cells, in the "
                         "features (cheap), or are computed per pixel inside the graph (sparseconv: always in-graph)")
    ap.add_argument("--ensembler", choices=["lean", "mlp"], default="lean",
                    help="lean: one gate from both logit vectors; mlp: gate over softmax and entropy plus a fuser MLP")
    ap.add_argument("--ens-hidden", type=int, default=8, help="hidden width of the ensembler's gate (and fuser)")
    ap.add_argument("--epochs", type=int, default=10)
    ap.add_argument("--per-image", type=int, default=8000, help="pixels sampled per frame (point head)")
    ap.add_argument("--sweep", default="0.05,0.1,0.2,0.3,0.4,0.5,0.6,0.8,1.0")
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--hold-out", default=None, metavar="SEQUENCE",
                    help="train without this CamVid sequence (e.g. 0006R0) and sweep its frames as well as val")
    ap.add_argument("--augment", type=int, default=0,
                    help="jittered copies of each --data train frame (size, brightness, contrast, mirror)")
    ap.add_argument("--augment-scales", default="0.75,1.25", help="--augment: range of the resize factor")
    ap.add_argument("--augment-light", type=float, default=0.2, help="--augment: brightness and contrast jitter")
    ap.add_argument("--input-multiple", type=int, default=1,
                    help="round the coarse input's sides to this multiple, as the engine does for a segmenter card "
                         "with input_multiple (the shipped refiners were trained at 1)")
    ap.add_argument("--limit", type=int, default=0, help="use only the first N frames of each split (smoke tests)")
    a = ap.parse_args()
    os.makedirs(a.out, exist_ok=True)
    torch.set_num_threads(a.threads)
    torch.manual_seed(a.seed); rng = random.Random(a.seed)
    gen = torch.Generator().manual_seed(a.seed)
    dil = tuple(int(d) for d in a.dilations.split(","))
    cell_summary = a.kind == "point" and a.summary == "cells"
    t0 = time.time()
    if a.backbone.endswith(".onnx"):
        model = segnet_from_onnx(a.backbone)
    else:
        model = SegNetLite(); model.load_state_dict(torch.load(a.backbone)); model.eval()
    (timgs, tlabs), (oimgs, olabs) = hold_out(*load_split(a.data, "train"), a.hold_out)
    vimgs, vlabs, _ = load_split(a.data, "val")
    if a.limit:
        timgs, tlabs, vimgs, vlabs = timgs[:a.limit], tlabs[:a.limit], vimgs[:a.limit], vlabs[:a.limit]
        oimgs, olabs = oimgs[:a.limit], olabs[:a.limit]
    scales = [float(v) for v in a.scales.split(",")]
    per_image = a.per_image if a.kind == "point" else 0
    frames = []
    aug_rs = np.random.RandomState(a.seed)
    aug_range = tuple(float(v) for v in a.augment_scales.split(","))
    for sc in scales:
        train = variants(timgs, tlabs, a.kind == "point", a.augment, aug_rs, aug_range, a.augment_light)
        frames += collect(model, train, sc, a.train_threshold, a.patch, dil, per_image, gen,
                          grid_factor=a.grid_factor, cell_summary=cell_summary, multiple=a.input_multiple)
    if a.extra_data:
        (eimgs, elabs), (eoimgs, eolabs) = hold_out(*load_split(a.extra_data, "train"), a.hold_out)
        evimgs, evlabs, _ = load_split(a.extra_data, "val")
        if a.limit:
            eimgs, elabs, evimgs, evlabs = eimgs[:a.limit], elabs[:a.limit], evimgs[:a.limit], evlabs[:a.limit]
            eoimgs, eolabs = eoimgs[:a.limit], eolabs[:a.limit]
        extra_scales = [float(v) for v in a.extra_scales.split(",")]
        for sc in ([] if a.extra_val_only else extra_scales):
            frames += collect(model, variants(eimgs, elabs, a.kind == "point"), sc, a.train_threshold, a.patch, dil,
                              (a.extra_per_image or a.per_image) if a.kind == "point" else 0, gen,
                              grid_factor=a.grid_factor, cell_summary=cell_summary, multiple=a.input_multiple)
    npx = sum(f[0].shape[0] for f in frames)
    print(f"collected {npx} selected pixels from {len(frames)} frames in {time.time() - t0:.0f}s", flush=True)
    nfeat = feature_count(a.patch, dil, cell_summary)
    refiner = build_refiner(a.kind, nfeat, a.hidden, cell_summary)
    ensembler = build_ensembler(a.ensembler, a.ens_hidden)
    counts = np.bincount(tlabs[tlabs != IGNORE].ravel(), minlength=11).astype(np.float64)
    weights = torch.tensor(1.0 / np.log(1.10 + counts / counts.sum()), dtype=torch.float32)
    params = list(refiner.parameters()) + list(ensembler.parameters())
    opt = torch.optim.Adam(params, lr=2e-3)
    if a.kind == "point":
        X = torch.cat([f[0] for f in frames]); L1 = torch.cat([f[1] for f in frames]); Y = torch.cat([f[2] for f in frames])
        steps_per_epoch = (X.shape[0] + 8191) // 8192
    else:
        steps_per_epoch = len(frames)
    sched = torch.optim.lr_scheduler.OneCycleLR(opt, max_lr=2e-3, total_steps=a.epochs * steps_per_epoch)
    for ep in range(a.epochs):
        tot = 0.0
        if a.kind == "point":
            perm = torch.randperm(X.shape[0])
            for s in range(steps_per_epoch):
                b = perm[s * 8192:(s + 1) * 8192]
                l2 = refiner(X[b], L1[b])
                fused = ensembler(L1[b], l2)
                loss = F.cross_entropy(l2, Y[b], weight=weights) + F.cross_entropy(fused, Y[b], weight=weights)
                opt.zero_grad(); loss.backward(); opt.step(); sched.step(); tot += loss.item()
        else:
            order = list(range(len(frames))); rng.shuffle(order)
            for i in order:
                feats, l1, y, idx, H, W = frames[i]
                l2 = refine(refiner, a.kind, feats, l1, idx, H, W)
                fused = ensembler(l1, l2)
                loss = F.cross_entropy(l2, y, weight=weights, ignore_index=IGNORE) + \
                    F.cross_entropy(fused, y, weight=weights, ignore_index=IGNORE)
                opt.zero_grad(); loss.backward(); opt.step(); sched.step(); tot += loss.item()
        print(f"epoch {ep + 1} loss {tot / steps_per_epoch:.4f} {time.time() - t0:.0f}s", flush=True)
    train_seconds = time.time() - t0
    thresholds = [float(t) for t in a.sweep.split(",")]
    grid_factors = [int(g) for g in (a.grid_factors or str(a.grid_factor)).split(",")]

    def sweep(name, imgs, labs, sweep_scales, sweep_grid_factors):
        return report(name, *evaluate(model, refiner, ensembler, a.kind, imgs, labs, sweep_scales, thresholds,
                                      a.patch, dil, sweep_grid_factors, cell_summary, a.input_multiple))

    result = {"args": vars(a), "train_seconds": train_seconds, "feature_count": nfeat,
              "val": sweep("main val", vimgs, vlabs, scales, grid_factors)}
    if a.extra_data:
        result["extra_val"] = sweep("extra val", evimgs, evlabs, extra_scales, [a.grid_factor])
    if len(oimgs):
        result["held_out"] = sweep("held-out " + a.hold_out, oimgs, olabs, scales, grid_factors)
    if a.extra_data and len(eoimgs):
        result["extra_held_out"] = sweep("extra held-out " + a.hold_out, eoimgs, eolabs, extra_scales, [a.grid_factor])
    result["seconds"] = time.time() - t0
    print(f"trained in {train_seconds:.0f}s, with the val sweeps {result['seconds']:.0f}s")
    torch.save({"refiner": refiner.state_dict(), "ensembler": ensembler.state_dict(), "kind": a.kind,
                "hidden": a.hidden, "cell_summary": cell_summary, "ensembler_kind": a.ensembler, "ens_hidden": a.ens_hidden, "patch": a.patch, "dilations": dil, "scale": scales[0], "scales": scales, "grid_factor": a.grid_factor}, os.path.join(a.out, "refiner.pt"))
    with open(os.path.join(a.out, "result.json"), "w") as f:
        json.dump(result, f, indent=1)


if __name__ == "__main__":
    main()
