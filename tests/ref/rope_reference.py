"""Independent reference for hopelab: RoPE frequencies, allocations, preference, positions.

Written from docs/references.md only; it shares no code or tables with the C++.
  theta_i = b^(-2i/d), i = 0..P-1, P = d/2, in mpmath at 50 digits (i = 0 is the highest); a
  partial rotary (qwen35) rotates R = floor(f P) pairs at b^(-2i/r), r = 2R, the rest unrotated.
  Preference (Men et al. Thm 1, HoPE Def. 3.1): 2 sigma^2 sum_i cos(Delta_axis(i) * theta_i),
  a zero-frequency pair contributing 2 sigma^2 * 1 to its own axis.
  Positions: Qwen2-VL get_rope_index, Qwen2.5-VL time-aligned t, Qwen3-VL's timestamped frame
  groups, VideoRoPE/HoPE diagonal, flat 1D, V2PE, TAD-RoPE, as docs/references.md "Position
  designs" states them.
Positions are exact Fractions; preferences are mpmath numbers; first violations are found by a
float64 numpy scan whose near-zero candidates are decided in mpmath.
"""

import math
from fractions import Fraction

import mpmath
import numpy as np

mpmath.mp.dps = 50

EPS = 2.0 ** -53  # unit roundoff of IEEE double (half an ulp of 1)
METHODS = ["vanilla", "mrope", "mrope-interleave", "qwen35", "mhrope", "videorope", "hope", "hope-x",
           "p-rope", "v2pe", "tad-rope"]
AXES = ("t", "h", "w")


# ---------------------------------------------------------------- spectrum

def theta(i, d, base):
    """theta_i = b^(-2i/d) at 50 digits; base is a decimal string or number."""
    return mpmath.power(mpmath.mpf(str(base)), mpmath.mpf(-2 * i) / d)


def thetas(d, base):
    return [theta(i, d, base) for i in range(d // 2)]


def pair_theta(alloc, i, d, base):
    """theta of pair i under an allocation: b^(-2i/r) over the rotated dimensions r of a partial
    rotary (alloc["rotary_dim"]), else b^(-2i/d)."""
    return theta(i, alloc.get("rotary_dim") or d, base)


def theta_error(alloc, i, d, base):
    """Relative error bound, in units of EPS, of a double theta_i computed as hopelab documents it:
    pow(b, x), x = -2i/d rounded once: (2 + |x ln b|). A partial rotary computes b' = pow(b, d/r)
    first (ln b' off by (2 + (d/r) ln b) EPS, d/r rounded once) and then pow(b', -2i/d): (2 + 2 x_r
    ln b + 2 |x|) with x_r = 2i/r, bounded here by 4 + 2 x_r ln b."""
    r = alloc.get("rotary_dim") or d
    x_lnb = 2.0 * i / r * math.log(float(base))
    return 2.0 + x_lnb if r == d else 4.0 + 2.0 * x_lnb


# ---------------------------------------------------------------- allocations
# An allocation is {"axis": [axis of pair i], "zero": set of zero-frequency pairs}.

# d = 128 sections [t, h, w] of the presets (docs/references.md "Frequency allocations").
PRESET_SECTIONS_128 = {
    "mrope": (16, 24, 24),
    "mrope-interleave": (24, 20, 20),
    "videorope": (16, 24, 24),
    "hope": (16, 24, 24),
    "hope-x": (32, 16, 16),
}


def default_sections(method, pairs):
    """The d = 128 sections scaled to P pairs; only where the scaling is exact (P % 16 == 0)."""
    base = PRESET_SECTIONS_128[method]
    scaled = [Fraction(c * pairs, 64) for c in base]
    if any(s.denominator != 1 for s in scaled):
        raise ValueError("sections of %s do not scale exactly to %d pairs" % (method, pairs))
    return tuple(int(s) for s in scaled)


def qwen35_sections(rotating):
    """Qwen3.5's mrope_section [11, 11, 10] of 32 rotating pairs scaled to R and kept inside an
    interleave (3h <= R + 1, 3w <= R): h = min(floor(11R/32), floor((R+1)/3)), w = min(floor(10R/32),
    floor(R/3)), t the rest (docs/theory.md §2)."""
    h = min(11 * rotating // 32, (rotating + 1) // 3)
    w = min(10 * rotating // 32, rotating // 3)
    return (rotating - h - w, h, w)


def allocation(method, d, sections=None, keep_fraction="0.75", custom=None, head=0, rotary_fraction="0.25"):
    pairs = d // 2
    if method in PRESET_SECTIONS_128:
        st, sh, sw = sections if sections is not None else default_sections(method, pairs)
        assert st + sh + sw == pairs
    axis = ["t"] * pairs
    zero = set()
    if method in ("vanilla", "v2pe", "tad-rope"):
        pass  # 1D: every pair reads t
    elif method == "mrope":  # chunked: t on the highest frequencies, then h, then w
        for i in range(st, st + sh):
            axis[i] = "h"
        for i in range(st + sh, pairs):
            axis[i] = "w"
    elif method == "mrope-interleave":
        # Round robin t, h, w (i mod 3 = 0, 1, 2) over the first 3*n pairs, the rest t.
        # With sh != sw, pair 1 + 3k reads h for k < sh and 2 + 3k reads w for k < sw.
        for k in range(sh):
            axis[1 + 3 * k] = "h"
        for k in range(sw):
            axis[2 + 3 * k] = "w"
    elif method in ("videorope", "hope", "hope-x"):
        # Spatial on the sh + sw highest pairs alternating h (even), w (odd) over all of them, as
        # VideoRoPE's and HoPE's code lay them out; t on the st lowest.
        for i in range(sh + sw):
            axis[i] = "h" if i % 2 == 0 else "w"
        if method in ("hope", "hope-x"):  # HFA: every temporal pair at zero frequency
            zero = {i for i in range(pairs) if axis[i] == "t"}
    elif method == "mhrope":
        # Multi-head: KV head `head` reads one axis on every pair; sections count heads
        # (default [2, 3, 3] of 8: heads 0-1 t, 2-4 h, 5-7 w); heads past them are NoPE.
        st, sh, sw = sections if sections is not None else (2, 3, 3)
        a = "t" if head < st else "h" if head < st + sh else "w" if head < st + sh + sw else None
        axis = [a or "t"] * pairs
        if a is None:
            zero = set(range(pairs))
    elif method == "qwen35":
        # Partial rotary: R = floor(f P) pairs rotate at b^(-2i/r), r = 2R, interleaved as
        # mrope-interleave over R pairs (sections sum to R); pairs R..P-1 unrotated, on t.
        rotating = math.floor(Fraction(rotary_fraction) * pairs)
        st, sh, sw = sections if sections is not None else qwen35_sections(rotating)
        assert st + sh + sw == rotating
        for k in range(sh):
            axis[1 + 3 * k] = "h"
        for k in range(sw):
            axis[2 + 3 * k] = "w"
        return {"axis": axis, "zero": set(range(rotating, pairs)), "rotary_dim": 2 * rotating}
    elif method == "p-rope":  # keep the floor(p P) highest frequencies
        keep = math.floor(Fraction(keep_fraction) * pairs)
        zero = set(range(keep, pairs))
    elif method == "custom":
        return parse_custom(custom, pairs)
    else:
        raise ValueError("unknown method " + method)
    return {"axis": axis, "zero": zero}


def parse_custom(spec, pairs):
    """'t:0-15;h:16-46:2;w:17-47:2;zero:48-63' (items a, a-b or a-b:step)."""
    axis = [None] * pairs
    zero = set()
    for item in spec.split(";"):
        key, ranges = item.split(":", 1)
        for part in ranges.split(","):
            pieces = part.split(":")
            step = int(pieces[1]) if len(pieces) > 1 else 1
            lo, _, hi = pieces[0].partition("-")
            idx = range(int(lo), int(hi or lo) + 1, step)
            for i in idx:
                if key == "zero":
                    zero.add(i)
                else:
                    assert axis[i] is None, "pair %d twice" % i
                    axis[i] = key
    assert None not in axis
    return {"axis": axis, "zero": zero}


def allocation_lists(alloc):
    """JSON-shaped view: pair indices per axis (zero pairs included) and the zero pairs."""
    out = {a: [i for i, x in enumerate(alloc["axis"]) if x == a] for a in AXES}
    out["zero"] = sorted(alloc["zero"])
    return out


# ---------------------------------------------------------------- preference

def preference(alloc, d, base, offset, sigma="1"):
    """2 sigma^2 sum_i cos(offset[axis(i)] * theta_i), total and per axis (mpmath)."""
    w = 2 * mpmath.mpf(str(sigma)) ** 2
    off = dict(zip(AXES, (mpmath.mpf(str(o)) for o in offset)))
    by_axis = {a: mpmath.mpf(0) for a in AXES}
    for i, a in enumerate(alloc["axis"]):
        phi = 0 if i in alloc["zero"] else off[a] * pair_theta(alloc, i, d, base)
        by_axis[a] += w * mpmath.cos(phi)
    return sum(by_axis.values()), by_axis


def double_sum_error_bound(alloc, d, base, offset, weight, pairs_subset=None, drift_steps=0):
    """Bound on |double evaluation - exact| of sum_i weight cos(Delta_axis(i) theta_i).

    The double code computes x_i = -2i/d (one rounding, relative EPS, which moves theta by a
    relative |x_i ln b| EPS), theta_i = pow(b, x_i) (< 1 ulp: 2 EPS), phi_i = Delta * theta_i
    (EPS): |dphi_i| <= |phi_i| (3 + |x_i ln b|) EPS (a partial rotary: theta_error). cos adds <= 1 ulp <= 2 EPS and |d cos| <=
    |dphi|. A recurrence of K complex rotations since the last exact resync adds <= 4 ulp each
    (two products and a sum per component plus the rounded step): 8 K EPS. Summing P weighted
    terms in double adds <= (P + 2) EPS sum |w_i| (recursive summation, plus the axis split).
    """
    off = dict(zip(AXES, offset))
    total = 0.0
    terms = 0
    for i, a in enumerate(alloc["axis"]):
        if pairs_subset is not None and i not in pairs_subset:
            continue
        terms += 1
        phi = 0.0 if i in alloc["zero"] else abs(float(off[a])) * float(pair_theta(alloc, i, d, base))
        total += weight * (phi * (1.0 + theta_error(alloc, i, d, base)) * EPS + 2 * EPS + 8 * drift_steps * EPS)
    total += (terms + 2) * EPS * weight * terms
    return total


# ---------------------------------------------------------------- positions

def parse_layout(text):
    """'text:3,video:3x2x2,image:2x2' -> [("text", n) | ("video", T, H, W) | ("image", 1, H, W)]."""
    segs = []
    for item in text.split(","):
        kind, size = item.split(":")
        if kind == "text":
            segs.append(("text", int(size)))
        elif kind == "image":
            h, w = (int(s) for s in size.split("x"))
            segs.append(("image", 1, h, w))
        else:
            t, h, w = (int(s) for s in size.split("x"))
            segs.append(("video", t, h, w))
    return segs


METHOD_DESIGN = {"vanilla": "flat", "p-rope": "flat", "mrope": "qwen2vl", "qwen3vl": "qwen3vl", "qwen35": "qwen3vl",
                 "mrope-interleave": "qwen2vl", "mhrope": "qwen2vl", "custom": "qwen2vl", "videorope": "diagonal",
                 "hope": "diagonal", "hope-x": "diagonal", "v2pe": "v2pe", "tad-rope": "tad"}


def positions(design, layout, step=None, fps="1", tokens_per_second="25", visual_step="0.0625",
              spatial_reset=False, timestamp_tokens=6):
    """Position ids (t, h, w lists of Fractions) of a layout under one design.

    spatial_reset (qwen2vl, qwen25vl; Huang et al. 2025): visual h, w are the block's own grid
    coordinates (y, x); the next text still starts past the block, at s + max(t - s, y, x) + 1.
    step: the diagonal design's temporal spacing (VideoRoPE delta, default 2; HoPE gamma), or a
    list with one step per visual block (HoPE training mode draws one gamma per video).
    timestamp_tokens (qwen3vl): K, the text tokens of one timestamp; a video's frame group f is a
    one-frame Qwen2-VL block at b_f = s + K + 1 + f (K + 2 + max(H, W)) (after its timestamp and
    <vision_start>; those and its <vision_end> are not listed), text resumes at
    s + T (K + 2 + max(H, W)); an image is Qwen2-VL's block.
    """
    steps = list(step) if isinstance(step, (list, tuple)) else None
    t, h, w = [], [], []

    def put(pt, ph, pw):
        t.append(pt), h.append(ph), w.append(pw)

    nxt = Fraction(0)   # position of the next text token
    first = True        # no token yet
    for seg in parse_layout(layout):
        if seg[0] == "text":
            for _ in range(seg[1]):
                put(nxt, nxt, nxt)
                nxt += 2 if design == "tad" else 1
            first = False
            continue
        kind, T, H, W = seg
        s = nxt
        block = []
        o = 0 if spatial_reset else s  # the spatial rows' offset
        if design == "qwen2vl":  # (s + f, s + row, s + col); next text at max of all rows + 1
            block = [(s + f, o + y, o + x) for f in range(T) for y in range(H) for x in range(W)]
            nxt = s + max(max(p[0] - s, p[1] - o, p[2] - o) for p in block) + 1
        elif design == "qwen3vl" and kind == "video":
            span = timestamp_tokens + 2 + max(H, W)
            for f in range(T):
                b = s + timestamp_tokens + 1 + f * span
                block += [(b, b + y, b + x) for y in range(H) for x in range(W)]
            nxt = s + T * span
        elif design == "qwen3vl":  # an image: Qwen2-VL's block
            block = [(s, s + y, s + x) for y in range(H) for x in range(W)]
            nxt = s + max(H, W)
        elif design in ("qwen25vl", "qwen25vl-fractional"):
            # t = s + floor(f * (2 / fps) * tokens_per_second); the fractional variant keeps t.
            per = Fraction(2) / Fraction(fps) * Fraction(tokens_per_second)
            trunc = math.floor if design == "qwen25vl" else (lambda v: v)
            block = [(s + trunc(f * per), o + y, o + x)
                     for f in range(T) for y in range(H) for x in range(W)]
            nxt = s + max(max(p[0] - s, p[1] - o, p[2] - o) for p in block) + 1
        elif design == "diagonal":  # t = s + step f, h = t + y - floor((H-1)/2), w likewise
            dt = Fraction(steps.pop(0) if steps is not None else step)
            for f in range(T):
                tf = s + dt * f
                block += [(tf, tf + y - (H - 1) // 2, tf + x - (W - 1) // 2)
                          for y in range(H) for x in range(W)]
            nxt = max(p[0] for p in block) + 1  # max of the t row + 1
        elif design == "flat":  # index s + f H W + y W + x
            block = [(s + f * H * W + y * W + x,) * 3
                     for f in range(T) for y in range(H) for x in range(W)]
            nxt = block[-1][0] + 1
        elif design == "v2pe":  # each visual token steps by delta from the previous token
            assert not first, "V2PE's first-token convention is not in REFERENCES; start with text"
            p = s - 1
            for _ in range(T * H * W):
                p += Fraction(visual_step)
                block.append((p, p, p))
            nxt = math.ceil(p) + 1
        elif design == "tad":
            # HoPE's code: the sum of a temporal index (+1 per text token, per frame and back to
            # text) and the running index: +1 within a frame, +2 across frames and to text.
            p = s
            for f in range(T):
                for k in range(H * W):
                    block.append((p, p, p))
                    p += 1
                p += 1
            nxt = p  # last + 2
        else:
            raise ValueError(design)
        for pt in block:
            put(*pt)
        first = False
    return t, h, w


def frame_offset(design, m, H, W, step=None, visual_step="0.0625", timestamp_tokens=6):
    """(dt, dh, dw) between the same cell of frames 0 and m of one H x W video."""
    if design in ("qwen2vl",):
        return (Fraction(m), Fraction(0), Fraction(0))
    if design == "qwen3vl":  # frame groups m apart: m (K + 2 + max(H, W)) on every axis
        return (Fraction(m * (timestamp_tokens + 2 + max(H, W))),) * 3
    if design == "diagonal":
        d = Fraction(step) * m
        return (d, d, d)
    if design == "flat":
        return (Fraction(m * H * W),) * 3
    if design == "v2pe":
        return (Fraction(visual_step) * m * H * W,) * 3
    if design == "tad":
        return (Fraction(m * (H * W + 1)),) * 3
    raise ValueError(design)


# ---------------------------------------------------------------- first violation

def preference_along(alloc, d, base, unit, only_axis=None):
    """Weights (sigma = 1) and angle per unit distance of the pairs taking part."""
    off = dict(zip(AXES, unit))
    omega, weight = [], []
    for i, a in enumerate(alloc["axis"]):
        if only_axis is not None and a != only_axis:
            continue
        omega.append(mpmath.mpf(0) if i in alloc["zero"] else mpmath.mpf(off[a].numerator)
                     / off[a].denominator * pair_theta(alloc, i, d, base))
        weight.append(2)
    return omega, weight


def exact_sum(omega, weight, m):
    return mpmath.fsum(w * mpmath.cos(m * o) for o, w in zip(omega, weight))


def exact_negatives(omega, weight, lo, hi, chunk=4096):
    """Every integer m in [lo, hi] with exact sum_k w_k cos(m omega_k) < 0 (see first_negative)."""
    out = []
    m = lo
    while m is not None and m <= hi:
        m = first_negative(omega, weight, hi, chunk, start=m)
        if m is not None:
            out.append(m)
            m += 1
    return out


def first_negative(omega, weight, limit, chunk=4096, start=1):
    """Smallest integer m in [start, limit] with sum_k w_k cos(m omega_k) < 0, exactly decided.

    float64 sums S64(m) differ from the exact S(m) by at most err(m) = sum w (|m omega| 4 EPS +
    8 EPS) + (P + 1) EPS sum w (omega rounded once from mpmath, one product, numpy's cos within
    4 ulp (its SIMD paths are not all correctly rounded), recursive summation). Every m with S64(m) < err(m) is re-evaluated in mpmath; the first
    with exact S(m) < 0 is returned (None when none up to limit).
    """
    om = np.array([float(o) for o in omega])
    wt = np.array([float(w) for w in weight], dtype=np.float64)
    wsum = float(np.sum(np.abs(wt)))
    for lo in range(start, limit + 1, chunk):
        m = np.arange(lo, min(lo + chunk, limit + 1), dtype=np.float64)
        phase = np.outer(m, om)
        s = np.cos(phase) @ wt
        err = (np.abs(phase) @ wt) * 4 * EPS + 8 * EPS * wsum + (len(om) + 1) * EPS * wsum
        for k in np.nonzero(s < err)[0]:
            mm = int(m[k])
            if exact_sum(omega, weight, mm) < 0:
                return mm
    return None


def rope_delta(design, t, h, w):
    """rope_deltas as each design's reference code reports it (L tokens): Qwen2-VL's and the 1D
    designs' max over t, h, w + 1 - L; VideoRoPE's and HoPE's max of the t row + 1 - L; TAD-RoPE
    (HoPE's get_time_rope_index) max of the temporal index t_i - i + 1 - L."""
    n = len(t)
    if design == "diagonal":
        top = max(t)
    elif design == "tad":
        top = max(p - i for i, p in enumerate(t))
    else:
        top = max(max(t), max(h), max(w))
    return top + 1 - n
