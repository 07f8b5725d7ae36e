"""safetensors files in NumPy: read and write F32, BF16, F16, I64, I32 (little-endian).

Format (huggingface/safetensors): u64 little-endian header length N, N bytes of JSON
{name: {"dtype", "shape", "data_offsets": [begin, end]}, "__metadata__": {str: str}},
then the raw data; offsets count from the first byte after the header.
BF16 is the top 16 bits of an IEEE float32; writing rounds to nearest, ties to even.
"""

import hashlib
import json
import struct

import numpy as np

NUMPY_DTYPE = {"F32": "<f4", "F16": "<f2", "I64": "<i8", "I32": "<i4", "BF16": "<u2"}
ITEM_BYTES = {"F32": 4, "F16": 2, "I64": 8, "I32": 4, "BF16": 2}


class SafetensorsError(ValueError):
    pass


def bf16_bits_to_f32(bits):
    """bits: uint16 array -> float32 with those bits as its high half."""
    return (bits.astype(np.uint32) << 16).view(np.float32)


def f32_to_bf16_bits(x):
    """x: float32 array -> uint16 BF16 bits, round to nearest even (NaN kept quiet)."""
    u = np.ascontiguousarray(x, dtype=np.float32).view(np.uint32).astype(np.uint64)
    rounded = ((u + 0x7FFF + ((u >> 16) & 1)) >> 16).astype(np.uint16)
    nan = np.isnan(x)
    rounded[nan] = 0x7FC0
    return rounded


def read_safetensors(path):
    """-> ({name: ndarray}, metadata). BF16 tensors come back as float32 (exact widening)."""
    with open(path, "rb") as f:
        blob = f.read()
    if len(blob) < 8:
        raise SafetensorsError("%s: shorter than the 8-byte header length" % path)
    (n,) = struct.unpack("<Q", blob[:8])
    if 8 + n > len(blob):
        raise SafetensorsError("%s: header length %d past the end of the file" % (path, n))
    try:
        header = json.loads(blob[8:8 + n].decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as e:
        raise SafetensorsError("%s: bad JSON header (%s)" % (path, e))
    data = memoryview(blob)[8 + n:]
    metadata = header.pop("__metadata__", {}) or {}
    tensors = {}
    for name, info in header.items():
        dtype = info.get("dtype")
        if dtype not in NUMPY_DTYPE:
            raise SafetensorsError("%s: tensor %s has unsupported dtype %s" % (path, name, dtype))
        shape = tuple(int(s) for s in info["shape"])
        begin, end = (int(o) for o in info["data_offsets"])
        count = int(np.prod(shape, dtype=np.int64))
        if end - begin != count * ITEM_BYTES[dtype] or end > len(data) or begin < 0:
            raise SafetensorsError("%s: tensor %s offsets [%d, %d) do not hold %s %s"
                                   % (path, name, begin, end, dtype, shape))
        arr = np.frombuffer(data[begin:end], dtype=NUMPY_DTYPE[dtype]).reshape(shape)
        tensors[name] = bf16_bits_to_f32(arr) if dtype == "BF16" else arr.copy()
    return tensors, metadata


def write_safetensors(path, tensors, dtypes=None, metadata=None):
    """tensors: {name: array}; dtypes: {name: "F32" | "BF16" | "F16" | "I64" | "I32"}.

    A tensor without an entry in dtypes is stored as I64 when integer, else F32.
    """
    dtypes = dtypes or {}
    header, chunks, offset = {}, [], 0
    for name in sorted(tensors):
        arr = np.asarray(tensors[name])
        dtype = dtypes.get(name, "I64" if np.issubdtype(arr.dtype, np.integer) else "F32")
        if dtype not in NUMPY_DTYPE:
            raise SafetensorsError("tensor %s: unsupported dtype %s" % (name, dtype))
        if dtype == "BF16":
            raw = f32_to_bf16_bits(arr.astype(np.float32)).astype("<u2").tobytes()
        else:
            raw = np.ascontiguousarray(arr.astype(NUMPY_DTYPE[dtype])).tobytes()
        header[name] = {"dtype": dtype, "shape": list(arr.shape),
                        "data_offsets": [offset, offset + len(raw)]}
        chunks.append(raw)
        offset += len(raw)
    if metadata:
        header["__metadata__"] = {str(k): str(v) for k, v in metadata.items()}
    text = json.dumps(header, separators=(",", ":")).encode("utf-8")
    text += b" " * ((-len(text)) % 8)  # pad so the data starts 8-byte aligned
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(text)))
        f.write(text)
        for c in chunks:
            f.write(c)


def tensors_sha256(path):
    """SHA-256 over a file's tensors (sorted names; name, dtype, shape, little-endian bytes), so
    that file metadata (paths, dates) does not change it; make_transformers_golden.py computes
    the same with the safetensors package."""
    h = hashlib.sha256()
    tensors, _ = read_safetensors(path)
    for name in sorted(tensors):
        a = np.ascontiguousarray(tensors[name])
        h.update(("%s|%s|%s|" % (name, a.dtype.str, list(a.shape))).encode())
        h.update(a.tobytes())
    return h.hexdigest()
