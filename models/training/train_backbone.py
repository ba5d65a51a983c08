"""Train the dense segmentation backbone on CamVid train, choosing the checkpoint on val.

One multi-scale model serves as both the coarse model (0.5x input) and the dense
full-resolution baseline: batches are drawn at scales 0.4x..1.25x and the loss is
taken against full-resolution labels after bilinear upsampling of the logits, which
is how the engine uses the model.

    /usr/bin/python3 models/training/train_backbone.py --out models/training/runs/backbone

A dedicated full-resolution model (the dense baseline) is fine-tuned from it with
--init, --scales near 1 and --select full.
"""
import argparse, json, math, os, random, time
import numpy as np
import torch
import torch.nn.functional as F

from sparseseg_train.data import load_split, default_root, confusion, miou, MEAN, STD, IGNORE
from sparseseg_train.nets import SegNetLite


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


def evaluate(model, imgs, labs, scale):
    model.eval()
    conf = np.zeros((11, 11), np.int64)
    for i in range(0, len(imgs), 8):
        pred = predict(model, imgs[i:i + 8], scale).argmax(1).numpy()
        conf += confusion(pred.ravel(), labs[i:i + 8].ravel())
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
    ap.add_argument("--select", choices=["both", "full", "low"], default="both",
                    help="val mIoU that picks the checkpoint: mean of full and 0.5x, or one of them")
    ap.add_argument("--warmup", type=int, default=200)
    a = ap.parse_args()
    os.makedirs(a.out, exist_ok=True)
    torch.set_num_threads(a.threads)
    torch.manual_seed(a.seed); rng = random.Random(a.seed)
    timgs, tlabs, _ = load_split(a.data, "train")
    vimgs, vlabs, _ = load_split(a.data, "val")
    crop = tuple(int(v) for v in a.crop.split("x"))
    model = SegNetLite()
    if a.init:
        model.load_state_dict(torch.load(a.init))
    scales = tuple(float(v) for v in a.scales.split(","))
    weights = class_weights(tlabs)
    opt = torch.optim.AdamW(model.parameters(), lr=a.lr, weight_decay=1e-4)
    warm = a.warmup
    sched = torch.optim.lr_scheduler.LambdaLR(
        opt, lambda i: min(1.0, (i + 1) / warm) * 0.5 * (1 + math.cos(math.pi * min(i, a.iters) / a.iters)))
    best, log = -1.0, []
    t0 = time.time()
    for it in range(1, a.iters + 1):
        x, y = sample_batch(rng, timgs, tlabs, a.batch, crop, scales)
        logits = F.interpolate(model(x), size=y.shape[1:], mode="bilinear", align_corners=False)
        loss = F.cross_entropy(logits, y, weight=weights, ignore_index=IGNORE)
        opt.zero_grad(set_to_none=True)
        loss.backward()
        opt.step(); sched.step()
        if it % 50 == 0:
            print(f"it {it} loss {loss.item():.4f} lr {sched.get_last_lr()[0]:.2e} {time.time() - t0:.0f}s", flush=True)
        if it % a.eval_every == 0 or it == a.iters:
            full, _ = evaluate(model, vimgs, vlabs, 1.0)
            low, _ = evaluate(model, vimgs, vlabs, 0.5)
            score = {"both": (full + low) / 2, "full": full, "low": low}[a.select]
            log.append({"iter": it, "val_miou_full": full, "val_miou_low": low, "seconds": time.time() - t0})
            print(f"EVAL it {it} val mIoU full {full:.2f} low(0.5x) {low:.2f}", flush=True)
            if score > best:
                best = score
                torch.save(model.state_dict(), os.path.join(a.out, "best.pt"))
            with open(os.path.join(a.out, "log.json"), "w") as f:
                json.dump({"args": vars(a), "evals": log, "train_seconds": time.time() - t0}, f, indent=1)


if __name__ == "__main__":
    main()
