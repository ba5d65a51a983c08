"""Networks: the dense segmentation backbone, the sparse refiners and the gated ensembler.

All refiner/ensembler code works on gathered pixels ([N, F] tensors) so that its
ONNX export has a dynamic N and its cost grows with the number of selected pixels.
"""
import torch
import torch.nn as nn
import torch.nn.functional as F

NUM_CLASSES = 11


def conv_bn(cin, cout, stride=1, dilation=1, k=3):
    pad = dilation * (k // 2)
    return nn.Sequential(
        nn.Conv2d(cin, cout, k, stride, pad, dilation=dilation, bias=False),
        nn.BatchNorm2d(cout),
        nn.ReLU(inplace=True),
    )


class ResBlock(nn.Module):
    def __init__(self, c, dilation=1):
        super().__init__()
        self.a = conv_bn(c, c, dilation=dilation)
        self.b = nn.Sequential(
            nn.Conv2d(c, c, 3, 1, dilation, dilation=dilation, bias=False), nn.BatchNorm2d(c))

    def forward(self, x):
        return F.relu(x + self.b(self.a(x)))


class SegNetLite(nn.Module):
    """Encoder (strides 2..32) with a light top-down decoder; logits at stride 4.

    Stride-4 output keeps the classifier cheap; the Java engine upsamples the logits
    to the frame, which is where SparseRefine's sparse refinement earns its keep.
    """

    def __init__(self, num_classes=NUM_CLASSES, w=(24, 32, 64, 96, 128)):
        super().__init__()
        self.s2 = conv_bn(3, w[0], stride=2)
        self.s4 = nn.Sequential(conv_bn(w[0], w[1], stride=2), conv_bn(w[1], w[1]))
        self.s8 = nn.Sequential(conv_bn(w[1], w[2], stride=2), ResBlock(w[2]))
        self.s16 = nn.Sequential(conv_bn(w[2], w[3], stride=2), ResBlock(w[3]), ResBlock(w[3], 2))
        self.s32 = nn.Sequential(conv_bn(w[3], w[4], stride=2), ResBlock(w[4]), ResBlock(w[4], 2))
        d = 64
        self.ctx = nn.Sequential(nn.Conv2d(w[4], d, 1, bias=False), nn.BatchNorm2d(d), nn.ReLU(inplace=True))
        self.lat16 = conv_bn(w[3], d, k=1)
        self.lat8 = conv_bn(w[2], d, k=1)
        self.lat4 = conv_bn(w[1], d, k=1)
        self.fuse16 = conv_bn(d, d)
        self.fuse8 = conv_bn(d, d)
        self.fuse4 = conv_bn(d, d)
        self.cls = nn.Conv2d(d, num_classes, 1)

    @staticmethod
    def _up(x, ref):
        return F.interpolate(x, size=ref.shape[-2:], mode="bilinear", align_corners=False)

    def forward(self, x):
        f4 = self.s4(self.s2(x))
        f8 = self.s8(f4)
        f16 = self.s16(f8)
        f32 = self.s32(f16)
        g = self.ctx(f32 + f32.mean(dim=(2, 3), keepdim=True))
        y = self.fuse16(self.lat16(f16) + self._up(g, f16))
        y = self.fuse8(self.lat8(f8) + self._up(y, f8))
        y = self.fuse4(self.lat4(f4) + self._up(y, f4))
        return self.cls(y)


def entropy(logits, dim=-1):
    """H = -sum p ln p, from logits (numerically safe)."""
    return probs_entropy(logits, dim)[1]


def probs_entropy(logits, dim=-1):
    """Softmax and its entropy from one log-softmax (fewer ops in the exported graphs)."""
    logp = F.log_softmax(logits, dim=dim)
    p = logp.exp()
    return p, -(p * logp).sum(dim=dim, keepdim=True)


def coarse_summary(feats, l1):
    """Gathered features plus softmax and entropy of the coarse logits (computed in-graph,
    where ONNX Runtime vectorises exp, rather than per pixel on the host)."""
    return torch.cat([feats, *probs_entropy(l1)], dim=-1)


class PointRefiner(nn.Module):
    """Point head: refined logits = coarse logits + MLP(features); [N, *] -> [N, C].

    The MLP needs the coarse prediction's confidence. With summary_in_graph it computes the
    softmax and entropy of each pixel's logits itself; otherwise the features already end
    with the coarse cells' softmax and entropy, interpolated (point_features' cell_summary),
    which costs a few values per cell instead of a LogSoftmax, an entropy and a Concat per
    pixel: in ONNX Runtime those took as long as the matrix products.
    """

    def __init__(self, in_features, hidden=32, num_classes=NUM_CLASSES, summary_in_graph=True):
        super().__init__()
        self.summary_in_graph = summary_in_graph
        extra = num_classes + 1 if summary_in_graph else 0
        self.mlp = nn.Sequential(
            nn.Linear(in_features + extra, hidden), nn.ReLU(inplace=True),
            nn.Linear(hidden, hidden), nn.ReLU(inplace=True),
            nn.Linear(hidden, num_classes))

    def forward(self, features, coarse_logits):
        x = coarse_summary(features, coarse_logits) if self.summary_in_graph else features
        return coarse_logits + self.mlp(x)


class SubmanifoldConv(nn.Module):
    """3x3 submanifold convolution as plain ops: Gather -> Reshape [N, 9*Cin] -> MatMul.

    feats: [N, Cin]; nbr: [N, 9] int64 indices into feats, missing neighbours = N
    (points at an appended zero row).
    """

    def __init__(self, cin, cout):
        super().__init__()
        self.lin = nn.Linear(9 * cin, cout)

    def forward(self, feats, nbr):
        padded = torch.cat([feats, feats.new_zeros(1, feats.shape[1])], dim=0)
        g = padded[nbr.reshape(-1)].reshape(nbr.shape[0], -1)
        return F.relu(self.lin(g))


class SparseConvRefiner(nn.Module):
    """Submanifold sparse-conv refiner over selected pixels (alternative to PointRefiner)."""

    def __init__(self, in_features, hidden=24, layers=3, num_classes=NUM_CLASSES):
        super().__init__()
        self.inp = nn.Linear(in_features + num_classes + 1, hidden)
        self.convs = nn.ModuleList([SubmanifoldConv(hidden, hidden) for _ in range(layers)])
        self.out = nn.Linear(hidden, num_classes)

    def forward(self, feats, l1, nbr):
        x = F.relu(self.inp(coarse_summary(feats, l1)))
        for c in self.convs:
            x = x + c(x, nbr)
        return l1 + self.out(x)


class GatedEnsembler(nn.Module):
    """Gate over [softmax(l1), H(l1), softmax(l2), H(l2)] -> two weights; fuser MLP on the mix."""

    def __init__(self, num_classes=NUM_CLASSES, hidden=32):
        super().__init__()
        c = num_classes
        self.gate = nn.Sequential(nn.Linear(2 * c + 2, hidden), nn.ReLU(inplace=True), nn.Linear(hidden, 2))
        self.fuser = nn.Sequential(nn.Linear(c, hidden), nn.ReLU(inplace=True), nn.Linear(hidden, c))

    def forward(self, l1, l2):
        x = torch.cat([*probs_entropy(l1), *probs_entropy(l2)], dim=-1)
        w = F.softmax(self.gate(x), dim=-1)
        mixed = w[:, :1] * l1 + w[:, 1:] * l2
        return mixed + self.fuser(mixed)


class LeanGatedEnsembler(nn.Module):
    """A learned per-pixel gate g in (0, 1) read off both logit vectors: fused = l2 + g (l1 - l2).

    Nine cheap graph operators on [N, C] rows, against GatedEnsembler's two LogSoftmax,
    Softmax, Concat and fuser MLP; it scored as well on val. It is the one shipped: see
    models/reference/MODEL_CARD.md, section "ensembler.onnx (gated fusion)".
    """

    def __init__(self, num_classes=NUM_CLASSES, hidden=8):
        super().__init__()
        self.num_classes = num_classes
        self.a = nn.Linear(num_classes, hidden)
        self.b = nn.Linear(num_classes, hidden, bias=False)
        self.g = nn.Linear(hidden, 1)

    def forward(self, l1, l2):
        h = F.relu(self.a(l1) + self.b(l2))
        # The one gate value repeated per class by the product itself ([N, C], the same
        # weights in every row): ONNX Runtime multiplies [N, C] by [N, C] several times
        # faster than it broadcasts [N, 1] across C.
        c = self.num_classes
        g = torch.sigmoid(F.linear(h, self.g.weight.expand(c, -1), self.g.bias.expand(c)))
        return l2 + g * (l1 - l2)


def build_refiner(kind, in_features, hidden, cell_summary):
    """The refiner a checkpoint or the command line describes ("point" or "sparseconv")."""
    if kind == "point":
        return PointRefiner(in_features, hidden, summary_in_graph=not cell_summary)
    return SparseConvRefiner(in_features, hidden)


def build_ensembler(kind, hidden):
    return LeanGatedEnsembler(hidden=hidden) if kind == "lean" else GatedEnsembler(hidden=hidden)
