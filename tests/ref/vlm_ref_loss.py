"""The training loss of the NumPy VLM reference, and central finite differences of it (float64).

Loss (Hugging Face's causal-LM convention; `hopelab vlm grad`): with logits (L, V) of the
reference forward (vlm_reference.reference_logits), position i = 0..L-2 predicts labels[i+1]:
    loss = (1/n) sum_{i in C} [logsumexp(logits[i]) - logits[i, labels[i+1]]],        (CE)
    C = {i < L-1 : labels[i+1] != -100}, n = |C|.
Without a `labels` tensor, labels = input_ids with the image and video placeholder ids set to
-100 (config image_token_id, video_token_id).

Finite differences of one element w_i of one tensor:
    D(h) = (f(w + h e_i) - f(w - h e_i)) / 2h = f'(w_i) + h^2/6 f'''(xi) + r,          (FD)
  truncation h^2/6 |f'''|, rounding |r| <= df / h (df the float64 rounding error of one loss
  evaluation). If f varies on the scale a = max(|w_i|, scale), |f'''| ~ |f| / a^3, and the sum
  is least at h^3 = 3 df / |f'''|, i.e. h = (3 df / |f|)^(1/3) a (~ 7e-6 a when df = u64 |f|).
  scale = 1: every Linear reads normalised (RMS ~ 1) inputs, so one weight moves the loss on an
  O(1) scale, as do the norm weights (~1) and biases (~0.1).
  Richardson: D(2h) = f' + 4 h^2/6 f''' + O(h^4), so the estimate
      E = (4 D(h) - D(2h)) / 3 = f' + O(h^4)                                             (RE)
  has no h^2 term. Its error is bounded by the correction it made, the h^2 term itself,
  plus the rounding of (RE), (4/3) df / h + (1/3) df / 2h:
      |E - f'| <= |D(2h) - D(h)| / 3 + 1.5 df / h                                        (FDB)
  (the h^4 remainder is far below the h^2 term at these h). df comes from the rounding model
  of vlm_ref_ops at u = 2^-53 (loss_rounding).
"""

import numpy as np

import vlm_reference as ref
from vlm_ref_ops import ExactStages, Float32Rounding

IGNORE = -100
U64 = 2.0 ** -53
ROUNDING_DRAWS = 8
ROUNDING_SAFETY = 3.0  # as vlm_reference.TOLERANCE_SAFETY: the max of 8 draws, sampled


def default_labels(cfg, input_ids):
    """input_ids: (L) -> labels (L): the ids, image and video placeholders set to -100."""
    labels = np.array(input_ids, dtype=np.int64)
    labels[(labels == cfg.image_token_id) | (labels == cfg.video_token_id)] = IGNORE
    return labels


def loss_labels(cfg, inp):
    """The input's `labels` (L), or default_labels when it has none."""
    return inp["labels"] if "labels" in inp else default_labels(cfg, inp["input_ids"])


def cross_entropy(logits, labels, rnd=None):
    """logits: (L, V), labels: (L) -> (loss, n) of (CE); rnd rounds logsumexp and each term."""
    target = labels[1:]
    rows = np.nonzero(target != IGNORE)[0]
    if rows.size == 0:
        raise ValueError("no position has a label (every labels[i+1] is -100)")
    z = logits[rows]
    top = z.max(axis=1)
    rnd = rnd or ExactStages()
    lse = rnd.elementwise(top + np.log(np.exp(z - top[:, None]).sum(axis=1)))
    terms = rnd.elementwise(lse - z[np.arange(rows.size), target[rows]])
    return float(terms.mean()), int(rows.size)


def reference_loss(cfg, weights, inp, method, gamma=None, delta=None, rnd=None):
    """-> (loss, n): (CE) on the reference logits (vlm_reference's forward, rounding model rnd)."""
    logits = ref.reference_logits(cfg, weights, inp, method, gamma, delta, rnd=rnd)
    return cross_entropy(logits, loss_labels(cfg, inp), rnd)


def loss_rounding(cfg, weights, inp, method, gamma=None, delta=None, unit=U64, seed=0):
    """The loss's rounding error at unit u (vlm_reference.py "Tolerance": ROUNDING_SAFETY times
    the largest response of ROUNDING_DRAWS draws of the model). unit 2^-53: df of (FDB);
    2^-24: the tolerance of a float32 loss."""
    exact, _ = reference_loss(cfg, weights, inp, method, gamma, delta)
    bounds, worst = [], 0.0
    for k in range(ROUNDING_DRAWS):
        rnd = Float32Rounding(np.random.default_rng([seed, k]), unit=unit, bounds=bounds)
        got, _ = reference_loss(cfg, weights, inp, method, gamma, delta, rnd=rnd)
        worst = max(worst, abs(got - exact))
    return ROUNDING_SAFETY * worst


def finite_difference(loss_of, w, index, f, df, scale=1.0):
    """loss_of(array like w) -> float: the loss with this tensor replaced; index: flat element;
    f: the loss at w, df its rounding error. -> (E of (RE), its bound (FDB), h)."""
    flat = w.reshape(-1)
    h = (3.0 * max(df, U64 * abs(f)) / abs(f)) ** (1.0 / 3.0) * max(abs(float(flat[index])), scale)

    def central(step):
        up, down = flat.copy(), flat.copy()
        up[index] += step
        down[index] -= step
        wide = (up[index] - down[index]) / 2.0  # the step float64 really took
        return (loss_of(up.reshape(w.shape)) - loss_of(down.reshape(w.shape))) / (2.0 * wide)

    d1, d2 = central(h), central(2.0 * h)
    return (4.0 * d1 - d2) / 3.0, abs(d2 - d1) / 3.0 + 1.5 * df / h, h


def parameter_loss(cfg, weights, inp, method, name, gamma=None, delta=None):
    """-> loss_of(array): reference_loss with weights[name] replaced."""
    def loss_of(value):
        trial = dict(weights)
        trial[name] = value
        return reference_loss(cfg, trial, inp, method, gamma, delta)[0]
    return loss_of
