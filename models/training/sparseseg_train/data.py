"""CamVid loading (SegNet split, 11 classes + 11 = unlabelled/ignored)."""
import os
import numpy as np
from PIL import Image

IGNORE = 11
CLASSES = ["Sky", "Building", "Pole", "Road", "Pavement", "Tree", "SignSymbol", "Fence",
           "Car", "Pedestrian", "Bicyclist"]
COLOURS = [(128, 128, 128), (128, 0, 0), (192, 192, 128), (128, 64, 128), (60, 40, 222),
           (128, 128, 0), (192, 128, 128), (64, 64, 128), (64, 0, 128), (64, 64, 0), (0, 128, 192)]
# ImageNet statistics; the Java engine reads them from the model card.
MEAN = (0.485, 0.456, 0.406)
STD = (0.229, 0.224, 0.225)


def default_root():
    here = os.path.dirname(os.path.abspath(__file__))
    return os.path.normpath(os.path.join(here, "..", "..", "..", "..", "shared", "datasets", "camvid"))


def load_split(root, split):
    """Returns (images uint8 [N,H,W,3], labels uint8 [N,H,W], names) in list order."""
    with open(os.path.join(root, f"{split}.txt")) as f:
        names = [ln.strip() for ln in f if ln.strip()]
    imgs, labs = [], []
    for n in names:
        imgs.append(np.asarray(Image.open(os.path.join(root, split, n)).convert("RGB")))
        labs.append(np.asarray(Image.open(os.path.join(root, split + "annot", n))))
    return np.stack(imgs), np.stack(labs), names


def confusion(pred, label, c=11):
    m = label != IGNORE
    return np.bincount(c * label[m].astype(np.int64) + pred[m], minlength=c * c).reshape(c, c)


def miou(conf):
    tp = np.diag(conf).astype(np.float64)
    denom = conf.sum(0) + conf.sum(1) - tp
    iou = np.where(denom > 0, tp / np.maximum(denom, 1), np.nan)
    return float(np.nanmean(iou)) * 100, iou * 100


def hold_out(imgs, labs, names, sequence):
    """Splits frames by CamVid sequence (the name's prefix, e.g. 0006R0): (kept, held out),
    each (imgs, labs). With sequence None nothing is held out. Training without a sequence
    and evaluating on it shows what generalizes to scenes the models never saw; val shares
    its sequence (0016E5) with train."""
    out = np.array([n.startswith(sequence + "_") for n in names]) if sequence else np.zeros(len(names), bool)
    return (imgs[~out], labs[~out]), (imgs[out], labs[out])
