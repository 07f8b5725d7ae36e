"""A short training run of the torch port (make_grad_golden.py's trajectory golden).

Every step s = 0..S-1 takes the loss on the same input, its gradient, torch.nn.utils.
clip_grad_norm_ (coef = max_norm / (total_norm + 1e-6), applied when below 1), then one
torch.optim.AdamW step (p <- p - lr wd p, then p <- p - lr mhat / (sqrt(vhat) + eps), bias-
corrected) at the learning rate
    lr(s) = lr_max (s + 1) / W                                     for s < W,
    lr(s) = lr_min + (lr_max - lr_min)(1 + cos(pi (s - W) / (S - W))) / 2   otherwise,
lr_min = min_lr_ratio lr_max; weight decay on every parameter.
"""

import math

import numpy as np
import torch

import vlm_ref_torch as vt


def learning_rate(s, t):
    """Step s (0-based) of t["steps"]: linear warm-up, then cosine to min_lr_ratio lr_max."""
    top, warm, steps = t["lr_max"], t["warmup_steps"], t["steps"]
    low = top * t["min_lr_ratio"]
    if s < warm:
        return top * (s + 1) / warm
    return low + 0.5 * (top - low) * (1.0 + math.cos(math.pi * (s - warm) / (steps - warm)))


def train_losses(cfg, w, inp, t, dtype=torch.float64):
    """-> (losses (steps + 1), learning rates, gradient norms before clipping)."""
    wt = vt.leaf_weights(w, dtype)
    params = list(wt.values())
    opt = torch.optim.AdamW(params, lr=t["lr_max"], betas=tuple(t["betas"]), eps=t["eps"],
                            weight_decay=t["weight_decay"], foreach=False)
    losses, rates, norms = [], [], []
    for s in range(t["steps"] + 1):
        opt.zero_grad()
        loss, _ = vt.port_loss(cfg, wt, inp, t["method"])
        losses.append(loss.item())
        if s == t["steps"]:
            break
        loss.backward()
        norms.append(float(torch.nn.utils.clip_grad_norm_(params, t["clip_max_norm"])))
        rates.append(learning_rate(s, t))
        for group in opt.param_groups:
            group["lr"] = rates[-1]
        opt.step()
    return losses, rates, norms


def perturbed_weights(w, draw, unit=2.0 ** -24):
    """Every weight times (1 + unit r), r uniform in [-1, 1] (NumPy PCG64, seed [2027, draw]): the
    size of one float32 rounding, standing in for another float32 implementation's."""
    rng = np.random.default_rng([2027, draw])
    return {k: np.asarray(v) * (1.0 + unit * rng.uniform(-1.0, 1.0, np.shape(v))) for k, v in sorted(w.items())}


def float32_spread(cfg, w, inp, t, draws):
    """-> [losses (steps + 1)] of `draws` float32 runs from perturbed_weights: how far float32
    trajectories of this run stray from the float64 one (the training check's tolerance)."""
    return [train_losses(cfg, perturbed_weights(w, k), inp, t, torch.float32)[0] for k in range(draws)]
