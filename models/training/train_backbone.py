"""Train the dense segmentation backbone on CamVid train, choosing the checkpoint on val.

One multi-scale model serves as both the coarse model (0.5x input) and the dense
full-resolution baseline: batches are drawn at scales 0.4x..1.25x and the loss is
taken against full-resolution labels after bilinear upsampling of the logits, which
is how the engine uses the model.

    /usr/bin/python3 models/training/train_backbone.py --out models/training/runs/backbone

A dedicated full-resolution model (the dense baseline) is fine-tuned from it with
--init, --scales near 1 and --select full.

Camera resolution (960x720): --init-onnx starts from an exported segmenter.onnx (its
folded batch norms are given real statistics first, see onnx_weights.unfold_batchnorm),
--hr-data mixes batches of the full-resolution frames (../shared/datasets/camvid-hr) at
--hr-scales with the --data batches at --scales, and --select hr picks the checkpoint by
the mean camvid-hr val mIoU of dense inference at 960x720 and at 0.5x and 0.25x
(upsampled bilinearly to 960x720). Every evaluation also logs --data val at 1 and 0.5x:

    /usr/bin/python3 models/training/train_backbone.py --init-onnx models/reference/segmenter.onnx \
        --hr-data ../shared/datasets/camvid-hr --hr-scales 0.25,1 --scales 0.5,2 --select hr \
        --lr 1e-3 --warmup 100 --iters 3000 --eval-every 500 --threads 1 --out models/training/runs/camera/backbone
"""
import argparse, json, math, os, random, time
import numpy as np
import torch
import torch.nn.functional as F

from sparseseg_train.data import load_split, hold_out, default_root, confusion, miou, MEAN, STD, IGNORE
from sparseseg_train.nets import SegNetLite
from sparseseg_train.onnx_weights import segnet_from_onnx, unfold_batchnorm


def to_input(img_u8, scale):
    """uint8 [B,H,W,3] -> normalised float [B,3,h,w] at scale (area when shrinking, as the engine)."""
    x = torch.from_numpy(img_u8).permute(0, 3, 1, 2).float() / 255.0
    mean = torch.tensor(MEAN).view(1, 3, 1, 1)
    std = torch.tensor(STD).view(1, 3, 1, 1)
    if scale != 1.0:
        h, w = max(1, round(x.shape[2] * scale)), max(1, round(x.shape[3] * scale))
        mode = "area" if scale < 1 else "bilinear"
        x = F.interpolate(x, size=(h, w), mode=mode, **({} if mode == "area" else {"align_corners": False}))
    return (x - mean) / std


def predict(model, img_u8, scale):
    with torch.no_grad():
        logits = model(to_input(img_u8, scale))
        logits = F.interpolate(logits, size=img_u8.shape[1:3], mode="bilinear", align_corners=False)
    return logits


def evaluate(model, imgs, labs, scale, batch=8):
    model.eval()
    conf = np.zeros((11, 11), np.int64)
    for i in range(0, len(imgs), batch):
        pred = predict(model, imgs[i:i + batch], scale).argmax(1).numpy()
        conf += confusion(pred.ravel(), labs[i:i + batch].ravel())
    model.train()
    return miou(conf)


def class_weights(labs):
    counts = np.bincount(labs[labs != IGNORE].ravel(), minlength=11).astype(np.float64)
    p = counts / counts.sum()
    return torch.tensor(1.0 / np.log(1.10 + p), dtype=torch.float32)


def sample_batch(rng, imgs, labs, batch, crop_hw, scales):
    scale = rng.uniform(*scales)
    ch, cw = crop_hw
    H, W = imgs.shape[1:3]
    wh, ww = min(H, round(ch / scale)), min(W, round(cw / scale))
    xs, ys = [], []
    for _ in range(batch):
        i = rng.randrange(len(imgs))
        y0, x0 = rng.randint(0, H - wh), rng.randint(0, W - ww)
        im, lb = imgs[i, y0:y0 + wh, x0:x0 + ww], labs[i, y0:y0 + wh, x0:x0 + ww]
        if rng.random() < 0.5:
            im, lb = im[:, ::-1], lb[:, ::-1]
        xs.append(np.ascontiguousarray(im)); ys.append(np.ascontiguousarray(lb))
    x = to_input(np.stack(xs), scale)
    # photometric jitter: brightness/contrast in normalised space
    b = torch.empty(batch, 1, 1, 1).uniform_(-0.2, 0.2)
    c = torch.empty(batch, 1, 1, 1).uniform_(0.8, 1.2)
    x = x * c + b
    return x, torch.from_numpy(np.stack(ys)).long()


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--data", default=default_root())
    ap.add_argument("--out", required=True)
    ap.add_argument("--iters", type=int, default=10000)
    ap.add_argument("--batch", type=int, default=8)
    ap.add_argument("--crop", default="192x256")
    ap.add_argument("--lr", type=float, default=3e-3)
    ap.add_argument("--eval-every", type=int, default=500)
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--scales", default="0.4,1.25", help="range of input scales drawn per batch")
    ap.add_argument("--init", default=None, help="start from this checkpoint (fine-tuning)")
    ap.add_argument("--init-onnx", default=None,
                    help="start from this exported segmenter.onnx (fine-tuning; batch norms re-estimated on train batches)")
    ap.add_argument("--hr-data", default=None,
                    help="camvid-hr root (960x720 frames): its train batches are mixed in and its val is evaluated")
    ap.add_argument("--hr-scales", default="0.25,1", help="range of input scales drawn for --hr-data batches")
    ap.add_argument("--hr-prob", type=float, default=0.5, help="fraction of batches drawn from --hr-data train")
    ap.add_argument("--select", choices=["both", "full", "low", "hr"], default="both",
                    help="val mIoU that picks the checkpoint: mean of full and 0.5x, or one of them; hr: mean of "
                         "--hr-data val at 1, 0.5x and 0.25x")
    ap.add_argument("--warmup", type=int, default=200)
    ap.add_argument("--hold-out", default=None, metavar="SEQUENCE",
                    help="train without this CamVid sequence's frames (e.g. 0006R0) in --data and --hr-data train; "
                         "each evaluation also reports the held-out --hr-data frames (never used to choose)")
    a = ap.parse_args()
    if a.select == "hr" and not a.hr_data:
        ap.error("--select hr needs --hr-data")
    os.makedirs(a.out, exist_ok=True)
    torch.set_num_threads(a.threads)
    torch.manual_seed(a.seed); rng = random.Random(a.seed)
    (timgs, tlabs), _ = hold_out(*load_split(a.data, "train"), a.hold_out)
    vimgs, vlabs, _ = load_split(a.data, "val")
    crop = tuple(int(v) for v in a.crop.split("x"))
    scales = tuple(float(v) for v in a.scales.split(","))
    if a.hr_data:
        (himgs, hlabs), (oimgs, olabs) = hold_out(*load_split(a.hr_data, "train"), a.hold_out)
        hvimgs, hvlabs, _ = load_split(a.hr_data, "val")
        hr_scales = tuple(float(v) for v in a.hr_scales.split(","))
    if a.init_onnx:
        model = segnet_from_onnx(a.init_onnx)
        # 32 calibration batches drawn as training draws them (own rng: the training stream stays seeded alike)
        crng = random.Random(a.seed + 1)
        calib = [sample_batch(crng, *((himgs, hlabs, a.batch, crop, hr_scales) if a.hr_data and crng.random() < a.hr_prob
                                      else (timgs, tlabs, a.batch, crop, scales)))[0] for _ in range(32)]
        unfold_batchnorm(model, calib)
        model.train()
    else:
        model = SegNetLite()
    if a.init:
        model.load_state_dict(torch.load(a.init))
    weights = class_weights(tlabs)
    opt = torch.optim.AdamW(model.parameters(), lr=a.lr, weight_decay=1e-4)
    warm = a.warmup
    sched = torch.optim.lr_scheduler.LambdaLR(
        opt, lambda i: min(1.0, (i + 1) / warm) * 0.5 * (1 + math.cos(math.pi * min(i, a.iters) / a.iters)))
    best, best_iter, log = -1.0, None, []
    t0 = time.time()

    def checkpoint(it):
        """Evaluate on val (and camvid-hr val), log, and keep the best by --select."""
        nonlocal best, best_iter
        te = time.time()
        full, _ = evaluate(model, vimgs, vlabs, 1.0)
        low, _ = evaluate(model, vimgs, vlabs, 0.5)
        entry = {"iter": it, "val_miou_full": full, "val_miou_low": low}
        msg = f"EVAL it {it} val mIoU full {full:.2f} low(0.5x) {low:.2f}"
        if a.hr_data:
            hr = {s_: evaluate(model, hvimgs, hvlabs, s_, batch=4)[0] for s_ in (1.0, 0.5, 0.25)}
            entry.update({"hr_val_miou_1": hr[1.0], "hr_val_miou_0.5": hr[0.5], "hr_val_miou_0.25": hr[0.25],
                          "hr_val_miou_mean": sum(hr.values()) / 3})
            msg += f" | hr val 1 {hr[1.0]:.2f} 0.5x {hr[0.5]:.2f} 0.25x {hr[0.25]:.2f} mean {sum(hr.values()) / 3:.2f}"
            if len(oimgs):
                ho = {s_: evaluate(model, oimgs, olabs, s_, batch=4)[0] for s_ in (1.0, 0.5, 0.25)}
                entry.update({f"hr_held_out_miou_{s_:g}": v for s_, v in ho.items()})
                msg += f" | hr held-out {a.hold_out} 1 {ho[1.0]:.2f} 0.5x {ho[0.5]:.2f} 0.25x {ho[0.25]:.2f}"
        score = {"both": (full + low) / 2, "full": full, "low": low, "hr": entry.get("hr_val_miou_mean")}[a.select]
        entry.update({"seconds": time.time() - t0, "eval_seconds": time.time() - te})
        log.append(entry)
        print(msg + f" ({time.time() - te:.0f}s)", flush=True)
        if score > best:
            best, best_iter = score, it
            torch.save(model.state_dict(), os.path.join(a.out, "best.pt"))
        with open(os.path.join(a.out, "log.json"), "w") as f:
            json.dump({"args": vars(a), "evals": log, "best_iter": best_iter, "best_score": best,
                       "train_seconds": time.time() - t0}, f, indent=1)

    if a.init or a.init_onnx:
        checkpoint(0)  # the starting point, for comparison (it can be kept if nothing beats it)
    for it in range(1, a.iters + 1):
        if a.hr_data and rng.random() < a.hr_prob:
            x, y = sample_batch(rng, himgs, hlabs, a.batch, crop, hr_scales)
        else:
            x, y = sample_batch(rng, timgs, tlabs, a.batch, crop, scales)
        logits = F.interpolate(model(x), size=y.shape[1:], mode="bilinear", align_corners=False)
        loss = F.cross_entropy(logits, y, weight=weights, ignore_index=IGNORE)
        opt.zero_grad(set_to_none=True)
        loss.backward()
        opt.step(); sched.step()
        if it % 50 == 0:
            print(f"it {it} loss {loss.item():.4f} lr {sched.get_last_lr()[0]:.2e} {time.time() - t0:.0f}s", flush=True)
        if it % a.eval_every == 0 or it == a.iters:
            checkpoint(it)

if __name__ == "__main__":
    main()
