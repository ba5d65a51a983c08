"""SparseRefine's per-frame pipeline in PyTorch, mirroring the Java engine exactly.

Java counterparts: Preprocess (area resize), GridMapping (bilinear / nearest maps),
EntropySelector (cell entropy, nearest expansion), PointFeaturizer (feature layout:
RGB patch, then the fractional position y, x; coarse softmax and entropy are computed
inside the refiner graph).
"""
import torch
import torch.nn.functional as F

from .data import MEAN, STD
from .nets import entropy, NUM_CLASSES


def scaled_side(side, scale, multiple=1):
    """Preprocess.scaledSide: the nearest multiple (the segmenter card's input_multiple), halves to even."""
    return multiple * max(1, round(side * scale / multiple))


def normalise(img_u8):
    """uint8 [H,W,3] (numpy or tensor) -> float [3,H,W] normalised."""
    x = torch.as_tensor(img_u8).permute(2, 0, 1).float() / 255.0
    return (x - torch.tensor(MEAN).view(3, 1, 1)) / torch.tensor(STD).view(3, 1, 1)


def model_input(img_u8, scale, multiple=1):
    x = torch.as_tensor(img_u8).permute(2, 0, 1).float().unsqueeze(0) / 255.0
    H, W = x.shape[2:]
    h, w = scaled_side(H, scale, multiple), scaled_side(W, scale, multiple)
    if (h, w) != (H, W):
        x = F.interpolate(x, size=(h, w), mode="area")
    return (x - torch.tensor(MEAN).view(1, 3, 1, 1)) / torch.tensor(STD).view(1, 3, 1, 1)


def coarse_logits(model, img_u8, scale, multiple=1):
    with torch.no_grad():
        return model(model_input(img_u8, scale, multiple))[0]


def nearest_index(n_in, n_out):
    scale = torch.tensor(n_in / n_out, dtype=torch.float32)
    return torch.clamp(torch.floor(torch.arange(n_out, dtype=torch.float32) * scale).long(), max=n_in - 1)


def linear_source(n_in, n_out):
    """Per output index of a bilinear resize (align_corners=False): the lower source index and
    the fraction towards the next one."""
    scale = torch.tensor(n_in / n_out, dtype=torch.float32)
    src = torch.clamp(scale * (torch.arange(n_out, dtype=torch.float32) + 0.5) - 0.5, min=0)
    lo = torch.clamp(src.long(), max=n_in - 1)
    return lo, src - lo.float()


def select_mask(logits, H, W, threshold, grid_factor=1):
    """Boolean [H,W]: selection-grid cells with entropy > threshold, expanded by nearest
    neighbour. The selection grid is the logits' grid upsampled (bilinear) grid_factor times."""
    C, gh, gw = logits.shape
    if grid_factor > 1:
        gh, gw = gh * grid_factor, gw * grid_factor
        logits = F.interpolate(logits.unsqueeze(0), size=(gh, gw), mode="bilinear", align_corners=False)[0]
    h = entropy(logits, dim=0)[0]
    chosen = h > threshold
    return chosen[nearest_index(gh, H)][:, nearest_index(gw, W)], h


def neighbour_cell_classes(logits, H, W):
    """[4, H*W]: the argmax of the 4 coarse cells each pixel's logits are bilinearly
    interpolated from (align_corners=False, as upsample)."""
    C, gh, gw = logits.shape
    cell = logits.argmax(0)
    ylo, xlo = linear_source(gh, H)[0], linear_source(gw, W)[0]
    yhi, xhi = torch.clamp(ylo + 1, max=gh - 1), torch.clamp(xlo + 1, max=gw - 1)
    return torch.stack([cell[ys][:, xs].reshape(-1) for ys in (ylo, yhi) for xs in (xlo, xhi)])


def upsample(logits, H, W):
    return F.interpolate(logits.unsqueeze(0), size=(H, W), mode="bilinear", align_corners=False)[0]


def feature_count(patch, dilations, cell_summary=False):
    """Width of point_features' rows (the Java PointFeaturizer's featureCount)."""
    return len(dilations) * patch * patch * 3 + 2 + (NUM_CLASSES + 1 if cell_summary else 0)


def point_features(img_u8, logits, idx, patch=3, dilations=(1,), cell_summary=False):
    """Features [N,F] and upsampled coarse logits [N,C] for flat pixel indices idx (row-major).

    cell_summary: append the coarse cells' softmax and entropy, bilinearly upsampled like
    the logits (computed once per cell rather than once per pixel)."""
    H, W = img_u8.shape[:2]
    C, gh, gw = logits.shape
    ys, xs = idx // W, idx % W
    norm = normalise(img_u8)
    r = patch // 2
    parts = []
    for d in dilations:
        for dy in range(-r, r + 1):
            sy = torch.clamp(ys + dy * d, 0, H - 1)
            for dx in range(-r, r + 1):
                sx = torch.clamp(xs + dx * d, 0, W - 1)
                parts.append(norm[:, sy, sx].t())
    up = upsample(logits, H, W).reshape(C, -1)[:, idx].t().contiguous()
    parts += [linear_source(gh, H)[1][ys].unsqueeze(1), linear_source(gw, W)[1][xs].unsqueeze(1)]
    if cell_summary:
        p = F.softmax(logits, dim=0)
        summary = torch.cat([p, entropy(logits, dim=0)], dim=0)
        parts.append(upsample(summary, H, W).reshape(C + 1, -1)[:, idx].t())
    return torch.cat(parts, dim=1), up


def neighbours(idx, H, W):
    """[N,9] indices of each selected pixel's 3x3 neighbours among the selected, N for missing."""
    n = idx.shape[0]
    table = torch.full((H * W,), n, dtype=torch.long)
    table[idx] = torch.arange(n)
    ys, xs = idx // W, idx % W
    cols = []
    for dy in (-1, 0, 1):
        for dx in (-1, 0, 1):
            y, x = ys + dy, xs + dx
            ok = (y >= 0) & (y < H) & (x >= 0) & (x < W)
            cols.append(torch.where(ok, table[torch.clamp(y, 0, H - 1) * W + torch.clamp(x, 0, W - 1)], n))
    return torch.stack(cols, dim=1)
