"""The float32 rounding model of vlm_ref_ops.Float32Rounding, in the torch port, for gradients.

A draw gives every stage of the forward pass AND of its backward pass a random error of the
size float32 may commit there, and autograd carries it to every parameter's gradient; the
tolerance of a float32 gradient is make_grad_golden.py's response to draws (its docstring
"Tolerance"). Errors are uniform in [-bound, bound] (std bound / sqrt 3):
  forward (as vlm_ref_ops): a contraction sum_k a_k b_k summed in order errs by
      sum_k s_k delta_k + sum_k a_k b_k eps_k (s_k partial sums, |delta|, |eps| <= u), so
      bound = lam u sqrt(sum_k s_k^2 + sum_k (a_k b_k)^2 [+ y^2 with a bias]), lam = 7;   (HB)
    elementwise steps (norms, softmax, activations, products) 4 u relative; rotary phases
    u (|phi| + 2); rotated q, k 4 u relative.
  backward: every contraction of the backward pass (dx = dy W and dW = dy^T x of a Linear,
    db = sum_n dy, dq = dS k, dk = dS^T q, dP = dO v^T, dv = P^T dO) gets the bound (HB) of
    its own sum; every elementwise stage's incoming gradient gets 4 u relative (its vector-
    Jacobian product is then the exact product of a perturbed gradient; its row sums, in
    double in hopelab, add nothing comparable).
Sums are taken in index order (blocked or pairwise sums and FMA have smaller partial sums).
"""

import torch

from vlm_ref_torch import Stages


def contraction_bound(spec, a, b, lam, unit, extra=None):
    """(HB) for each output entry of torch.einsum(spec, a, b); spec has one summed index."""
    ins, out = spec.split("->")
    inner = sorted(set(ins.replace(",", "")) - set(out))
    assert len(inner) == 1, spec
    with torch.no_grad():
        prod = torch.einsum(ins + "->" + out + inner[0], a, b)
        total = (torch.cumsum(prod, dim=-1) ** 2).sum(dim=-1) + (prod ** 2).sum(dim=-1)
        if extra is not None:
            total = total + extra ** 2
        return lam * unit * torch.sqrt(total)


class _Contraction(torch.autograd.Function):
    """torch.einsum(spec, a, b); backward: each input's gradient (itself a contraction of the
    output gradient with the other input) plus model.noise * its bound (HB)."""

    @staticmethod
    def forward(ctx, spec, model, a, b):
        ctx.spec, ctx.model = spec, model
        ctx.save_for_backward(a, b)
        return torch.einsum(spec, a, b)

    @staticmethod
    def backward(ctx, g):
        a, b = ctx.saved_tensors
        ins, out = ctx.spec.split("->")
        sa, sb = ins.split(",")
        grads = []
        for need, mine, other, other_t in ((ctx.needs_input_grad[2], sa, sb, b),
                                           (ctx.needs_input_grad[3], sb, sa, a)):
            if not need:
                grads.append(None)
                continue
            spec = out + "," + other + "->" + mine
            grads.append(ctx.model.perturbed(torch.einsum(spec, g, other_t),
                                             contraction_bound(spec, g, other_t, ctx.model.lam,
                                                               ctx.model.u)))
        return None, None, grads[0], grads[1]


class _GradientNoise(torch.autograd.Function):
    """Identity forward; backward: g (1 + 4 u xi), the rounding of an elementwise stage's
    vector-Jacobian product, as a perturbation of the gradient it receives."""

    @staticmethod
    def forward(ctx, model, x):
        ctx.model = model
        return x.view_as(x)

    @staticmethod
    def backward(ctx, g):
        return None, ctx.model.perturbed(g, 4.0 * ctx.model.u * g.abs())


class TorchRounding(Stages):
    """One draw of the rounding model (module docstring); gen: a torch.Generator."""

    def __init__(self, gen, lam=7.0, unit=2.0 ** -24):
        self.gen, self.lam, self.u = gen, lam, unit

    def noise(self, like):
        """Uniform in [-1, 1], shape and dtype of `like`."""
        return torch.rand(like.shape, generator=self.gen, dtype=like.dtype) * 2.0 - 1.0

    def perturbed(self, y, bound):
        return y + self.noise(y) * bound

    def linear(self, x, weight, bias=None):
        y = _Contraction.apply("ni,oi->no", self, x, weight)
        if bias is not None:  # b broadcast over rows; its gradient sum_n dy is a contraction
            ones = torch.ones(x.shape[0], dtype=x.dtype)
            y = y + _Contraction.apply("n,o->no", self, ones, bias)
        bound = contraction_bound("ni,oi->no", x, weight, self.lam, self.u,
                                  None if bias is None else y.detach())
        return y + self.noise(y) * bound

    def einsum(self, spec, a, b, inner):
        y = _Contraction.apply(spec, self, a, b)
        return y + self.noise(y) * contraction_bound(spec, a, b, self.lam, self.u)

    def elementwise(self, y):
        y = _GradientNoise.apply(self, y)
        return y * (1.0 + 4.0 * self.u * self.noise(y))

    def phase(self, phi):
        noise = self.noise(torch.from_numpy(phi)).numpy()
        return phi + noise * self.u * (abs(phi) + 2.0)

    def rotated(self, x):
        x = _GradientNoise.apply(self, x)
        return x * (1.0 + 4.0 * self.u * self.noise(x))
