"""The record a one-unit command prints with --json ({kind, seed, settings, attributes, datasets,
provenance}) as the flat view the reference checks read: settings and attributes, and each
dataset as its value (one element), None (empty) or its list. Per kind, the readings the
checks were written against: first-violation's -1 (none) as None and proven_never as a bool;
positions' per-token datasets always lists; base-bound's infeasible_below None when every base
is feasible, feasible_at_search_start a bool, infeasible_above as [from, to] pairs; allocation's
per-pair datasets as the pair lists of each axis (t, h, w) and of the zero pairs; preference at one
offset (theory preference) its by_axis as {t, h, w}."""


def flat_record(obj):
    if not (isinstance(obj, dict) and "kind" in obj and "datasets" in obj):
        return obj
    kind = obj["kind"]
    out = dict(obj["settings"])
    out.update(obj["attributes"])
    for name, d in obj["datasets"].items():
        v = d["values"]
        per_token = kind == "positions" and name != "rope_delta"
        out[name] = v if per_token else v[0] if len(v) == 1 else (v or None)
    if kind == "first-violation":
        out["first_violation"] = None if out["first_violation"] == -1 else out["first_violation"]
        out["proven_never"] = bool(out["proven_never"])
    if kind == "allocation":
        axis, zero = obj["datasets"]["axis"]["values"], obj["datasets"]["zero_frequency"]["values"]
        for code, name in enumerate("thw"):
            out[name] = [i for i, a in enumerate(axis) if a == code]
        out["zero"] = [i for i, z in enumerate(zero) if z == 1]
    if kind == "preference" and len(obj["datasets"]["value"]["values"]) == 1:
        out["by_axis"] = dict(zip("thw", obj["datasets"]["by_axis"]["values"]))
    if kind == "base-bound":
        flat = obj["datasets"]["infeasible_above"]["values"]
        out["infeasible_above"] = [flat[k:k + 2] for k in range(0, len(flat), 2)]
        out["feasible_at_search_start"] = bool(out["feasible_at_search_start"])
        if out["feasible_at_search_start"]:
            out["infeasible_below"] = None
    return out
