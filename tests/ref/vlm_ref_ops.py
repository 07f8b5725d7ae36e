"""The small formulas of the VLM (docs/vlm.md), each written once: norms, activations,
softmax, half-split rotation. Arrays keep the dtype they come in with (float64 or float32).
"""

import math

import numpy as np


def layer_norm(x, weight, bias, eps):
    """x: (N, E) -> (x - mean) / sqrt(var + eps) * weight + bias, var the biased variance."""
    mu = x.mean(axis=-1, keepdims=True)
    var = ((x - mu) ** 2).mean(axis=-1, keepdims=True)
    return (x - mu) / np.sqrt(var + eps) * weight + bias


def rms_norm(x, weight, eps):
    """x: (L, H) -> x / sqrt(mean(x^2) + eps) * weight."""
    return x / np.sqrt((x * x).mean(axis=-1, keepdims=True) + eps) * weight


def quick_gelu(x):
    """x sigma(1.702 x)."""
    return x / (1.0 + np.exp(-1.702 * x))


def gelu_exact(x):
    """x Phi(x) = x (1 + erf(x / sqrt 2)) / 2, erf from math (correctly rounded to ~1 ulp)."""
    erf = np.vectorize(math.erf, otypes=[np.float64])
    return (0.5 * x * (1.0 + erf(x.astype(np.float64) / math.sqrt(2.0)))).astype(x.dtype)


def silu(x):
    """x sigma(x)."""
    return x / (1.0 + np.exp(-x))


def softmax(s):
    """Softmax over the last axis (max subtracted first; -inf entries give 0)."""
    e = np.exp(s - s.max(axis=-1, keepdims=True))
    return e / e.sum(axis=-1, keepdims=True)


def rotate_half_split(x, phi):
    """x: (N, heads, D), phi: (N, D/2) -> pair (i, i + D/2) turned by phi_i:
    (x_i cos - x_{i+D/2} sin, x_{i+D/2} cos + x_i sin). Angles in float64, cos/sin then cast."""
    half = x.shape[-1] // 2
    c = np.cos(phi)[:, None, :].astype(x.dtype)
    s = np.sin(phi)[:, None, :].astype(x.dtype)
    x1, x2 = x[..., :half], x[..., half:]
    return np.concatenate([x1 * c - x2 * s, x2 * c + x1 * s], axis=-1)


# ---------------------------------------------------------------- rounding models
# The forward pass calls every stage through one of these. ExactStages computes in the input
# dtype. Float32Rounding adds, at each stage, a random error of the size float32 may commit
# there (vlm_reference.py "Tolerance" derives it); the logits' response is the tolerance.

class ExactStages:
    def linear(self, x, weight, bias=None):
        """x: (N, in), weight: (out, in), bias: (out) -> W x + b per row."""
        y = x @ weight.T
        return y if bias is None else y + bias

    def einsum(self, spec, a, b, inner):
        """np.einsum(spec, a, b), a contraction over `inner` terms."""
        return np.einsum(spec, a, b)

    def elementwise(self, y):
        return y

    def phase(self, phi):
        return phi

    def rotated(self, x):
        """x: q or k just after the rotation."""
        return x


class Float32Rounding(ExactStages):
    """Float32 rounding errors, stage by stage, as random variables (the probabilistic model
    of Higham & Mary, SIAM J. Sci. Comput. 41(5), 2019). To first order, summing the products
    a_k b_k in order errs by sum_k s_k delta_k + sum_k a_k b_k eps_k (s_k the partial sums,
    |delta_k|, |eps_k| <= u independent and mean zero), so by Hoeffding
        |error| <= lam u sqrt(sum_k s_k^2 + sum_k (a_k b_k)^2)
    with probability >= 1 - 2 exp(-lam^2 / 2); lam = 7 makes that 5e-11 per entry. The
    partial sums are taken in index order (a plain loop; blocked or pairwise sums, and FMA,
    have smaller ones). Each stage gets an error uniform in [-bound, bound]; elementwise steps
    (exp, erf, norms, products) get 4 u_e relative; rotary phases get u_r (|phi| + 2) (phi =
    pos theta in double rounded to float: u_r |phi|; cos and sin rounded: u_r each) and the
    rotated q, k 4 u_r relative (x cos - y sin: two products and a sum).
    unit: u of inner products; elementwise_unit u_e and rotary_unit u_r default to it
    (transformers in float64 still runs RMSNorm, softmax and the rotary phases in float32)."""

    def __init__(self, rng, lam=7.0, unit=2.0 ** -24, chunk=1 << 24, bounds=None,
                 elementwise_unit=None, rotary_unit=None):
        """bounds: a list shared by the draws of one forward pass; the first draw fills it,
        later ones reuse it (the bounds move only at second order between draws)."""
        self.rng, self.lam, self.u, self.chunk = rng, lam, unit, chunk
        self.u_e = unit if elementwise_unit is None else elementwise_unit
        self.u_r = unit if rotary_unit is None else rotary_unit
        self.bounds = [] if bounds is None else bounds
        self.calls = 0

    def _cached(self, compute):
        if self.calls == len(self.bounds):
            self.bounds.append(compute())
        self.calls += 1
        return self.bounds[self.calls - 1]

    def _noise(self, shape):
        return self.rng.uniform(-1.0, 1.0, size=shape)

    def _bound(self, spec, a, b, extra=None):
        """lam u sqrt(sum_k s_k^2 + sum_k (a_k b_k)^2) for each output entry of einsum(spec)."""
        ins, out = spec.split("->")
        inner = "".join(sorted(set(ins.replace(",", "")) - set(out)))
        assert len(inner) == 1, spec
        sa, sb = ins.split(",")
        lead = [c for c in out if c in sa and c not in sb][0]  # chunk along an index of a only
        axis_a = sa.index(lead)
        n = a.shape[axis_a]
        parts, i, step = [], 0, 1
        while i < n:
            sl = [slice(None)] * a.ndim
            sl[axis_a] = slice(i, i + step)
            prod = np.einsum(ins + "->" + out + inner, a[tuple(sl)], b)
            parts.append(np.sum(np.cumsum(prod, axis=-1) ** 2, axis=-1)
                         + np.sum(prod ** 2, axis=-1))
            i += step
            step = max(1, self.chunk // max(1, prod.size // step))
        total = np.concatenate(parts, axis=out.index(lead)) if len(parts) > 1 else parts[0]
        if extra is not None:
            total = total + extra ** 2
        return self.lam * self.u * np.sqrt(total)

    def linear(self, x, weight, bias=None):
        y = super().linear(x, weight, bias)
        bound = self._cached(lambda: self._bound("ni,oi->no", x, weight,
                                                 None if bias is None else y))
        return y + self._noise(y.shape) * bound

    def einsum(self, spec, a, b, inner):
        y = np.einsum(spec, a, b)
        return y + self._noise(y.shape) * self._cached(lambda: self._bound(spec, a, b))

    def elementwise(self, y):
        return y * (1.0 + 4.0 * self.u_e * self._noise(y.shape))

    def phase(self, phi):
        return phi + self._noise(phi.shape) * self.u_r * (np.abs(phi) + 2.0)

    def rotated(self, x):
        return x * (1.0 + 4.0 * self.u_r * self._noise(x.shape))
