"""The LLM's rotary methods: frequency allocation, position design, half-split rotation.

From docs/references.md ("Frequency allocations", "Position designs") and
docs/vlm.md "Language model" 2-3. Pair i of a d-wide head is dimensions (i, i + d/2),
theta_i = rope_theta^(-2i/d); pair i turns by phi_i = pos[axis(i)] * theta_i, or 0 when it is a
zero-frequency pair. Sections [t, h, w] come from config.json's mrope_section for mrope,
videorope and hope; mrope-interleave uses Qwen3-VL's [24, 20, 20] at 64 pairs, scaled:
h = w = floor(20 P / 64), t = P - h - w (docs/vlm.md, Language model 3).
  vanilla           every pair reads t; flat design (t = h = w, a video flattened t, row, col)
  mrope             chunked: t on pairs [0, st), h on [st, st+sh), w on the rest; qwen2vl design
  mrope-interleave  pair i%3 == 1 and i < 3 sh reads h, i%3 == 2 and i < 3 sw reads w, others t;
                    qwen2vl design
  videorope         t on the st lowest-frequency pairs; the others alternate h, w, h, ... from
                    pair 0 (once one spatial count is used up, the other takes the rest);
                    diagonal design with step delta (default 2)
  hope              videorope's layout with every t pair at zero frequency; diagonal design with
                    step gamma (default 1)
"""

import numpy as np

METHODS = ("vanilla", "mrope", "mrope-interleave", "videorope", "hope")
AXES = ("t", "h", "w")
DESIGN = {"vanilla": "flat", "mrope": "qwen2vl", "mrope-interleave": "qwen2vl",
          "videorope": "diagonal", "hope": "diagonal"}


class MethodError(ValueError):
    pass


def method_sections(method, pairs, mrope_section):
    """The [t, h, w] counts a method uses at P pairs."""
    if method == "mrope-interleave":
        h = (20 * pairs) // 64
        return [pairs - 2 * h, h, h]
    return list(mrope_section)


def allocation(method, pairs, sections):
    """-> (axis: (P) ints 0=t 1=h 2=w, zero: (P) bools)."""
    st, sh, sw = sections
    axis = np.zeros(pairs, dtype=np.int64)
    zero = np.zeros(pairs, dtype=bool)
    if method not in METHODS:
        raise MethodError("unknown method %r (known: %s)" % (method, ", ".join(METHODS)))
    if method != "vanilla" and st + sh + sw != pairs:
        raise MethodError("sections %s do not sum to %d pairs" % (list(sections), pairs))
    if method == "mrope":
        axis[st:st + sh] = 1
        axis[st + sh:] = 2
    elif method == "mrope-interleave":
        i = np.arange(pairs)
        axis[(i % 3 == 1) & (i < 3 * sh)] = 1
        axis[(i % 3 == 2) & (i < 3 * sw)] = 2
    elif method in ("videorope", "hope"):
        left = [0, sh, sw]
        for i in range(sh + sw):  # the sh + sw highest frequencies, alternating h, w
            a = 1 if i % 2 == 0 else 2
            if left[a] == 0:
                a = 3 - a
            axis[i] = a
            left[a] -= 1
        axis[sh + sw:] = 0  # t on the st lowest frequencies
        if method == "hope":
            zero[sh + sw:] = True
    return axis, zero


def split_layout(input_ids, image_token_id, video_token_id, image_grids, video_grids, merge):
    """input_ids: (L) -> segments ("text", n) | ("visual", kind, T, H, W) in LLM-grid tokens.

    A run of visual tokens is cut into blocks of t (h/m)(w/m) tokens, grids taken in order
    (docs/vlm.md "Input"); an image is a block with T = 1.
    """
    grids = {"image": [tuple(int(x) for x in g) for g in image_grids],
             "video": [tuple(int(x) for x in g) for g in video_grids]}
    used = {"image": 0, "video": 0}
    ids = [int(x) for x in input_ids]
    segs, i = [], 0
    while i < len(ids):
        kind = {image_token_id: "image", video_token_id: "video"}.get(ids[i])
        if kind is None:
            j = i
            while j < len(ids) and ids[j] not in (image_token_id, video_token_id):
                j += 1
            segs.append(("text", j - i))
            i = j
            continue
        if used[kind] >= len(grids[kind]):
            raise MethodError("more %s token runs than %s grids" % (kind, kind))
        t, h, w = grids[kind][used[kind]]
        used[kind] += 1
        if h % merge or w % merge:
            raise MethodError("%s grid %s not divisible by the merge size %d"
                              % (kind, (t, h, w), merge))
        n = t * (h // merge) * (w // merge)
        token = image_token_id if kind == "image" else video_token_id
        if ids[i:i + n] != [token] * n:
            raise MethodError("%s grid %s needs %d %s tokens at index %d"
                              % (kind, (t, h, w), n, kind, i))
        segs.append(("visual", kind, t, h // merge, w // merge))
        i += n
    for kind in grids:
        if used[kind] != len(grids[kind]):
            raise MethodError("%d %s grids but %d %s token runs"
                              % (len(grids[kind]), kind, used[kind], kind))
    return segs


def positions(design, segments, step=1.0):
    """-> (3, L) float64 positions (t, h, w) of every token (docs/references.md, "Position
    designs")."""
    out = []
    nxt = 0.0  # the position the next text token takes
    for seg in segments:
        if seg[0] == "text":
            out += [(nxt + k,) * 3 for k in range(seg[1])]
            nxt += seg[1]
            continue
        _, _, T, H, W = seg
        s = nxt
        f, y, x = (a.ravel().astype(np.float64) for a in
                   np.meshgrid(np.arange(T), np.arange(H), np.arange(W), indexing="ij"))
        if design == "flat":  # s + f H W + y W + x on every axis
            p = s + f * H * W + y * W + x
            block = np.stack([p, p, p], axis=1)
            nxt = p[-1] + 1
        elif design == "qwen2vl":  # (s + f, s + y, s + x); next text at the block's max + 1
            block = np.stack([s + f, s + y, s + x], axis=1)
            nxt = block.max() + 1
        elif design == "diagonal":  # t = s + step f, h = t + y - (H-1)//2, w = t + x - (W-1)//2
            t = s + step * f
            block = np.stack([t, t + y - (H - 1) // 2, t + x - (W - 1) // 2], axis=1)
            nxt = t.max() + 1
        else:
            raise MethodError("unknown design " + design)
        out += [tuple(r) for r in block]
    return np.array(out, dtype=np.float64).reshape(-1, 3).T.copy()


def method_positions(method, segments, gamma=None, delta=None):
    """Positions (3, L) of a method's design, with its temporal step."""
    if gamma is not None and method != "hope":
        raise MethodError("--gamma applies to hope only")
    if delta is not None and method != "videorope":
        raise MethodError("--delta applies to videorope only")
    step = {"videorope": 2.0 if delta is None else delta,
            "hope": 1.0 if gamma is None else gamma}.get(method, 1.0)
    if step <= 0:
        raise MethodError("the temporal step must be positive")
    return positions(DESIGN[method], segments, step)


def rotary_angles(pos, axis, zero, base, head_dim):
    """pos: (3, L), axis/zero: (P) -> phi: (L, P) = pos[axis(i)] theta_i, 0 on zero pairs."""
    pairs = head_dim // 2
    theta = base ** (-2.0 * np.arange(pairs) / head_dim)
    phi = pos[axis, :].T * theta[None, :]
    phi[:, zero] = 0.0
    return phi
