"""A checkpoint record's checksum (experiments/results/record_checksum.cpp), written again here from
its definition for a record group read with h5py: 64-bit FNV-1a over a length-prefixed encoding
(texts as their length then their bytes, integers and doubles as 8 little-endian bytes) of the
group's name, unit_index, attributes in creation order (all but unit_index, attribute_units and
the checksum), their units when any has one (format 1.1: attribute_units), and the datasets.
Tests use it to give an edited checkpoint a valid sum, so that what they test is the check behind
the checksum; check_record_form.py and check_batch_run.py verify it against sums hopelab wrote."""

import struct

import h5py
import numpy as np

CHECKSUM = "checkpoint_checksum"


class Fnv1a:
    def __init__(self):
        self.h = 14695981039346656037

    def bytes(self, data):
        for b in data:
            self.h = ((self.h ^ b) * 1099511628211) & 0xFFFFFFFFFFFFFFFF

    def integer(self, v):
        self.bytes(int(v & 0xFFFFFFFFFFFFFFFF).to_bytes(8, "little"))

    def number(self, x):
        self.bytes(struct.pack("<d", float(x)))

    def text(self, s):
        data = s.encode("utf-8")
        self.integer(len(data))
        self.bytes(data)


def text(value):
    return value.decode("utf-8") if isinstance(value, bytes) else value


def record_checksum(g):
    """record_checksum of record group g as the file holds it now (16 hex digits)."""
    h = Fnv1a()
    h.text(g.name)
    h.integer(int(g.attrs["unit_index"]))
    names = [n for n in g.attrs if n not in ("unit_index", "attribute_units", CHECKSUM)]
    h.integer(len(names))
    for n in names:
        v, dtype = g.attrs[n], g.attrs.get_id(n).dtype
        h.text(n)
        if isinstance(v, h5py.Empty) or isinstance(v, np.ndarray):
            values = [] if isinstance(v, h5py.Empty) else list(v)
            integers = dtype.kind in "iu"
            h.integer(4 if integers else 3)
            h.integer(len(values))
            for x in values:
                h.integer(int(x)) if integers else h.number(x)
        elif isinstance(v, str):
            h.integer(2)
            h.text(v)
        elif dtype.kind in "iu":
            h.integer(0)
            h.integer(int(v))
        else:
            h.integer(1)
            h.number(v)
    units = {}
    if "attribute_units" in g.attrs:
        units = dict(text(entry).split("=", 1) for entry in g.attrs["attribute_units"])
    if units:
        h.text("attribute_units")
        for n in names:
            h.text(units.get(n, ""))
    h.integer(len(g))
    for d in g:
        ds = g[d]
        h.text(d)
        h.text(text(ds.attrs["unit"]))
        h.text(text(ds.attrs["description"]))
        kind = 3 if h5py.check_string_dtype(ds.dtype) else 2 if ds.dtype.kind in "iu" else 1
        h.integer(kind)
        h.integer(len(ds.shape))
        for n in ds.shape:
            h.integer(n)
        flat = list(np.reshape(ds[()], -1))
        for k in (1, 2, 3):
            h.integer(len(flat) if k == kind else 0)
            if k == kind:
                for x in flat:
                    h.number(x) if k == 1 else h.integer(int(x)) if k == 2 else h.text(text(x))
    return "%016x" % h.h


def stored_checksum(g):
    return text(g.attrs[CHECKSUM])


def set_checksum(g):
    """Writes record_checksum(g) as g's checksum, the group's last attribute (where hopelab reads it)."""
    value = record_checksum(g)
    del g.attrs[CHECKSUM]
    g.attrs.create(CHECKSUM, value, dtype=h5py.string_dtype("utf-8"))
