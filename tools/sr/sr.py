#!/usr/bin/python3
"""sr.py - a small but real x4 super-resolution network to tune with ictune.

  /usr/bin/python3 tools/sr/sr.py pretrain OUT_DIR
  /usr/bin/python3 tools/sr/sr.py finetune PRETRAINED_DIR --lr LR
          --w1 W1 --w2 W2 --w3 W3 --w4 W4

A back-projection network in the style of D-DBPN (up- and down-projection
units, iterative error feedback), trained on photographs that Debian's
python3-skimage ships: astronaut, chelsea, coffee and rocket for training,
immunohistochemistry and hubble_deep_field for validation. Nothing is
downloaded and no pretrained weights exist, so the "perceptual" and "style"
losses use a fixed, seeded random convolutional feature extractor (not
VGG): the perceptual loss compares its features, the style loss their Gram
matrices. The adversarial loss comes from a small discriminator trained
alongside.

pretrain: pixel (MSE) loss only; saves model.pt in OUT_DIR (ictune's
prepare step). finetune: loads it, trains a fixed number of steps with
loss = w1 MSE + w2 perceptual + w3 adversarial + w4 style at learning rate
lr, then prints "[ictune] dssim=... rmse=..." (dssim = 1 - SSIM on the
validation images, lower is better; rmse on the 0-255 scale).
Deterministic: fixed seeds, one thread, deterministic algorithms.
"""
import argparse
import os
import sys

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

torch.set_num_threads(1)
torch.use_deterministic_algorithms(True)

SCALE = 4
PATCH = 48            # HR patch side; LR patches are 12 x 12
TRAIN = ["astronaut", "chelsea", "coffee", "rocket"]
VALID = ["immunohistochemistry", "hubble_deep_field"]


def images(names):
    import skimage.data as data
    out = []
    for n in names:
        im = getattr(data, n)()
        if im.ndim == 2:
            im = np.stack([im] * 3, axis=2)
        out.append(torch.from_numpy(im[:, :, :3].copy()).permute(2, 0, 1).float() / 255)
    return out


def down(hr):
    return F.interpolate(hr, scale_factor=1 / SCALE, mode="bicubic", align_corners=False,
                         antialias=True).clamp(0, 1)


def batches(steps, batch, seed):
    g = torch.Generator().manual_seed(seed)
    ims = images(TRAIN)
    for _ in range(steps):
        hr = []
        for _ in range(batch):
            im = ims[int(torch.randint(len(ims), (1,), generator=g))]
            y = int(torch.randint(im.shape[1] - PATCH, (1,), generator=g))
            x = int(torch.randint(im.shape[2] - PATCH, (1,), generator=g))
            hr.append(im[:, y:y + PATCH, x:x + PATCH])
        hr = torch.stack(hr)
        yield down(hr), hr


class Projection(nn.Module):
    """A back-projection unit: up (LR -> HR features) or down (HR -> LR):
    project, project back, and correct with the projected error."""

    def __init__(self, c, up):
        super().__init__()
        there, back = (nn.ConvTranspose2d, nn.Conv2d) if up else (nn.Conv2d, nn.ConvTranspose2d)
        self.a = there(c, c, 8, 4, 2)
        self.b = back(c, c, 8, 4, 2)
        self.c = there(c, c, 8, 4, 2)
        self.act = nn.PReLU(c)

    def forward(self, x):
        y0 = self.act(self.a(x))
        x0 = self.act(self.b(y0))
        return y0 + self.act(self.c(x0 - x))


class DBPN(nn.Module):
    def __init__(self, c=8):
        super().__init__()
        self.feat = nn.Sequential(nn.Conv2d(3, c, 3, 1, 1), nn.PReLU(c))
        self.up1, self.down1, self.up2 = (Projection(c, True), Projection(c, False),
                                          Projection(c, True))
        self.out = nn.Conv2d(2 * c, 3, 3, 1, 1)

    def forward(self, lo):
        f = self.feat(lo)
        h1 = self.up1(f)
        h2 = self.up2(self.down1(h1))
        base = F.interpolate(lo, scale_factor=SCALE, mode="bicubic", align_corners=False)
        return base + self.out(torch.cat([h1, h2], 1))


class Features(nn.Module):
    """A fixed, seeded random feature extractor for the perceptual and
    style losses (no pretrained VGG weights can be downloaded)."""

    def __init__(self):
        super().__init__()
        g = torch.Generator().manual_seed(1234)
        self.c1 = nn.Conv2d(3, 16, 3, 1, 1)
        self.c2 = nn.Conv2d(16, 32, 3, 2, 1)
        with torch.no_grad():
            for m in (self.c1, self.c2):
                std = (2 / (m.in_channels * 9)) ** 0.5
                m.weight.copy_(torch.randn(m.weight.shape, generator=g) * std)
                m.bias.zero_()
        for p in self.parameters():
            p.requires_grad_(False)

    def forward(self, x):
        return self.c2(F.relu(self.c1(x)))


def gram(f):
    b, c, h, w = f.shape
    f = f.reshape(b, c, h * w)
    return f @ f.transpose(1, 2) / (c * h * w)


class Disc(nn.Module):
    def __init__(self):
        super().__init__()
        self.net = nn.Sequential(
            nn.Conv2d(3, 16, 4, 2, 1), nn.LeakyReLU(0.2),
            nn.Conv2d(16, 32, 4, 2, 1), nn.LeakyReLU(0.2),
            nn.Conv2d(32, 1, 3, 1, 1))

    def forward(self, x):
        return self.net(x).mean(dim=(1, 2, 3))


def validate(model):
    from skimage.metrics import structural_similarity
    model.eval()
    ssim, se, n = 0.0, 0.0, 0
    with torch.no_grad():
        for im in images(VALID):
            hr = im[:, :192, :192].unsqueeze(0)
            sr = model(down(hr)).clamp(0, 1)
            a = (sr[0].permute(1, 2, 0).numpy() * 255).round()
            b = (hr[0].permute(1, 2, 0).numpy() * 255).round()
            ssim += structural_similarity(a, b, channel_axis=2, data_range=255)
            se += float(((a - b) ** 2).sum())
            n += a.size
    return 1 - ssim / len(VALID), (se / n) ** 0.5


def pretrain(out):
    torch.manual_seed(1)
    model = DBPN()
    opt = torch.optim.Adam(model.parameters(), lr=2e-3)
    for lo, hr in batches(200, 8, seed=11):
        opt.zero_grad()
        F.mse_loss(model(lo), hr).backward()
        opt.step()
    os.makedirs(out, exist_ok=True)
    torch.save(model.state_dict(), os.path.join(out, "model.pt"))
    dssim, rmse = validate(model)
    print("pretrained: dssim=%.5f rmse=%.4f" % (dssim, rmse))


def finetune(a):
    torch.manual_seed(2)
    model = DBPN()
    model.load_state_dict(torch.load(os.path.join(a.pretrained, "model.pt")))
    disc, feat = Disc(), Features()
    opt = torch.optim.Adam(model.parameters(), lr=a.lr)
    dopt = torch.optim.Adam(disc.parameters(), lr=1e-3)
    for lo, hr in batches(a.steps, 8, seed=22):
        sr = model(lo)
        if a.w3 > 0:                    # the discriminator's turn
            dopt.zero_grad()
            d = F.softplus(-disc(hr)).mean() + F.softplus(disc(sr.detach())).mean()
            d.backward()
            dopt.step()
        opt.zero_grad()
        fs, fh = feat(sr), feat(hr)
        loss = (a.w1 * F.mse_loss(sr, hr) + a.w2 * F.mse_loss(fs, fh) +
                a.w3 * F.softplus(-disc(sr)).mean() + a.w4 * F.mse_loss(gram(fs), gram(fh)) * 100)
        loss.backward()
        opt.step()
    dssim, rmse = validate(model)
    if not np.isfinite(dssim) or not np.isfinite(rmse):
        print("[ictune] dssim=nan rmse=nan")
        return
    print("[ictune] dssim=%.6f rmse=%.4f" % (dssim, rmse))


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    sub = p.add_subparsers(dest="cmd", required=True)
    pr = sub.add_parser("pretrain")
    pr.add_argument("out")
    ft = sub.add_parser("finetune")
    ft.add_argument("pretrained")
    for k, dv in (("lr", 1e-4), ("w1", 1.0), ("w2", 0.0), ("w3", 0.0), ("w4", 0.0)):
        ft.add_argument("--" + k, type=float, default=dv)
    ft.add_argument("--steps", type=int, default=30)
    a = p.parse_args()
    if a.cmd == "pretrain":
        pretrain(a.out)
    else:
        finetune(a)


if __name__ == "__main__":
    sys.exit(main())
