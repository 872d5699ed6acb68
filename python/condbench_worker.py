"""Serve your solvers to condbench over its worker protocol (docs/workers.md). Needs numpy only.

    from condbench_worker import solver, serve
    import numpy as np

    @solver("mine.solve", kinds=["general", "spd"], precisions=["f32", "f64"],
            description="np.linalg.solve: LAPACK ?gesv", flop_method="lu")
    def mine_solve(A, b):
        return np.linalg.solve(A, b)

    if __name__ == "__main__":
        serve()

A solver gets A (m x n, Fortran order) and b (m) in the row's working precision (float32 or
float64) and returns x in that same precision -- or Result(x, iterations=..., fallback=...,
note=..., extra={...}) to report facts. A function with a parameter named `kind` also gets the
problem kind ("general", "spd", "least_squares", "underdetermined"). Raise Failed("why") (or
let any exception out) for a failed row; warnings raised during the call go into the row's
note. The call is timed here; call split() between factorization and solve to report the two
phases (without it the whole call is factor_s, as LAPACK's one-call drivers are in condbench).

Importing this module points file descriptor 1 at stderr: the protocol owns the real stdout,
and print() -- yours or a library's -- must not corrupt it.
"""

import ctypes
import inspect
import json
import os
import platform
import re
import struct
import sys
import time
import warnings

import numpy as np

PROTOCOL = 1
_MAGIC = b"CBWK"
_HELLO, _SOLVE, _BYE = 1, 2, 3
_HELLO_REPLY, _RESULT, _ERROR = 101, 102, 199
_KINDS = ("general", "spd", "least_squares", "underdetermined")
_DTYPES = {4: np.dtype("<f4"), 8: np.dtype("<f8")}

__all__ = ["solver", "serve", "split", "Result", "Failed", "add_versions", "on_threads"]


def _take_stdout():
    """The protocol's own copies of stdin and stdout; fd 0 becomes /dev/null, fd 1 stderr."""
    sys.stdout.flush()
    proto_in, proto_out = os.dup(0), os.dup(1)
    null = os.open(os.devnull, os.O_RDONLY)
    os.dup2(null, 0)
    os.close(null)
    os.dup2(2, 1)
    return proto_in, proto_out


_IN, _OUT = _take_stdout()


class Failed(Exception):
    """Raise from a solver for a failed row; the message is the row's reason."""


class Result:
    """x with the facts condbench records beside it (results.csv: iterations, fallback, note, facts)."""

    def __init__(self, x, iterations=None, fallback=False, note="", extra=None):
        self.x, self.iterations, self.fallback, self.note = x, iterations, fallback, note
        self.extra = dict(extra or {})


class _Entry:
    def __init__(self, fn, name, kinds, precisions, description, flop_method, unavailable):
        bad = [k for k in kinds if k not in _KINDS]
        if bad:
            raise ValueError(f"{name}: unknown kinds {bad} (known: {', '.join(_KINDS)})")
        bad = [p for p in precisions if p not in ("f32", "f64")]
        if bad:
            raise ValueError(f"{name}: unknown precisions {bad} (f32, f64)")
        self.fn, self.name, self.kinds, self.precisions = fn, name, list(kinds), list(precisions)
        self.description = description or (fn.__doc__ or name).strip().splitlines()[0]
        self.flop_method, self.unavailable = flop_method, unavailable or ""
        self.wants_kind = "kind" in inspect.signature(fn).parameters

    def hello(self):
        d = {"name": self.name, "kinds": self.kinds, "precisions": self.precisions,
             "description": self.description}
        if self.flop_method:
            d["flop_method"] = self.flop_method
        if self.unavailable:
            d["unavailable"] = self.unavailable
        return d


_solvers = []
_versions = {}
_thread_setters = []
_split_at = None


def solver(name, kinds=("general", "spd"), precisions=("f32", "f64"), description="", flop_method="",
           unavailable=None):
    """Decorator: offer fn(A, b) -> x (or Result) to condbench as solver `name` (backend.method).

    unavailable: None, or why it cannot run on this machine ("scipy not importable: ..."): the
    solver is still listed, and condbench skips it with that reason.
    """
    def register(fn):
        _solvers.append(_Entry(fn, name, kinds, precisions, description, flop_method, unavailable))
        return fn
    return register


def split():
    """Marks the end of the factorization: time before it is factor_s, after it solve_s."""
    global _split_at
    _split_at = time.perf_counter()


def add_versions(**versions):
    """Library versions for run.json's context (numpy, python and the BLAS are there already)."""
    _versions.update({k: v for k, v in versions.items()})


def on_threads(setter, name=None):
    """setter(n) pins a library's threads to n (condbench sends its BLAS thread count with each
    solve); it returns the count now in effect, recorded in the row's facts as extra[name]."""
    _thread_setters.append((name or getattr(setter, "__qualname__", "threads"), setter))


# --- what the process runs with ---------------------------------------------------------------

def _loaded_libraries():
    with open("/proc/self/maps") as f:
        paths = {line.split(None, 5)[5].strip() for line in f if len(line.split(None, 5)) == 6}
    return sorted(p for p in paths if ".so" in os.path.basename(p))


class _OpenBlas:
    """The OpenBLAS this process has loaded (numpy's, through Debian's libblas.so.3 or directly)."""

    def __init__(self):
        # `import numpy` has loaded numpy.linalg, and with it numpy's LAPACK and BLAS.
        self.path, self.lib = None, None
        for p in _loaded_libraries():
            if "openblas" in os.path.basename(p):
                try:
                    lib = ctypes.CDLL(p)
                    lib.openblas_get_config.restype = ctypes.c_char_p
                    lib.openblas_get_corename.restype = ctypes.c_char_p
                    lib.openblas_get_num_threads.restype = ctypes.c_int
                    self.path, self.lib = p, lib
                    break
                except (OSError, AttributeError):
                    continue

    def describe(self):
        blas_like = [p for p in _loaded_libraries()
                     if re.match(r"lib.*(blas|lapack|mkl|blis|flame|atlas)", os.path.basename(p))]
        d = {"loaded": blas_like}
        if self.lib:
            config = self.lib.openblas_get_config().decode()
            d.update(library=self.path, name="OpenBLAS", config=config,
                     version=config.split()[1] if config.startswith("OpenBLAS ") else "unknown",
                     core=self.lib.openblas_get_corename().decode())
        return d

    def set_threads(self, n):
        if self.lib.openblas_get_num_threads() != n:
            self.lib.openblas_set_num_threads(n)
        return int(self.lib.openblas_get_num_threads())


_blas = None


def _numpy_build_blas():
    try:
        info = np.__config__.blas_opt_info  # numpy < 1.25
        return ", ".join(info.get("libraries", [])) or "unknown"
    except AttributeError:
        return "see numpy.show_config()"


# --- framing ----------------------------------------------------------------------------------

def _read_into(mv):
    while len(mv):
        k = os.readv(_IN, [mv])
        if k == 0:
            raise EOFError
        mv = mv[k:]


def _read(n):
    buf = bytearray(n)
    _read_into(memoryview(buf))
    return bytes(buf)


def _write(*parts):
    for part in parts:
        mv = memoryview(part).cast("B")
        while len(mv):
            mv = mv[os.write(_OUT, mv):]


def _send(mtype, *body):
    length = sum(memoryview(p).nbytes for p in body)
    _write(struct.pack("<4sIQ", _MAGIC, mtype, length), *body)


def _frame():
    magic, mtype, length = struct.unpack("<4sIQ", _read(16))
    if magic != _MAGIC:
        _fatal(f"bad framing: expected magic CBWK, got {magic!r}")
    return mtype, length


def _fatal(text):
    _send(_ERROR, text.encode())
    sys.exit(1)


def _json(obj):
    def clean(v):  # JSON has no NaN or Inf: such facts travel as text
        if isinstance(v, float) and not np.isfinite(v):
            return str(v)
        if isinstance(v, (np.integer, np.floating, np.bool_)):
            return clean(v.item())
        return v
    obj = {k: ({ek: clean(ev) for ek, ev in v.items()} if isinstance(v, dict) else clean(v))
           for k, v in obj.items()}
    return json.dumps(obj, allow_nan=False).encode()


# --- serving ----------------------------------------------------------------------------------

def _pin_threads(n, facts):
    if n <= 0:
        return
    if _blas and _blas.lib:
        facts["blas_threads"] = _blas.set_threads(n)
    for name, setter in _thread_setters:
        got = setter(n)
        if got is not None:
            facts[name] = int(got)


def _call(entry, A, b, kind):
    """Runs one solve: (status, x or None, facts dict, factor_s, solve_s)."""
    global _split_at
    facts = {}
    notes = []
    status, x = 0, None
    _split_at = None
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        t0 = time.perf_counter()
        try:
            out = entry.fn(A, b, kind=kind) if entry.wants_kind else entry.fn(A, b)
        except Failed as e:
            out, status, facts["reason"] = None, 1, str(e)
        except Exception as e:  # noqa: BLE001 -- any failure of the call is the row's reason
            out, status, facts["reason"] = None, 1, f"{type(e).__name__}: {e}"
        t1 = time.perf_counter()
    split_at = _split_at if _split_at is not None and t0 <= _split_at <= t1 else t1
    if isinstance(out, Result):
        if out.iterations is not None:
            facts["iterations"] = int(out.iterations)
        if out.fallback:
            facts["fallback"] = True
        if out.note:
            notes.append(out.note)
        if out.extra:
            facts["extra"] = dict(out.extra)
        out = out.x
    for w in caught:
        text = f"{w.category.__name__}: {w.message}"
        if text not in notes:
            notes.append(text)
    if notes:
        facts["note"] = "; ".join(notes)
    if status == 0:
        x = np.asarray(out)
        if x.dtype != A.dtype:
            # Answers come in the working precision; a solver that computes in another one says so
            # and converts itself, visibly -- never here behind its back.
            status, x = 1, None
            facts["reason"] = (f"solver returned {np.asarray(out).dtype} x for a {A.dtype} problem "
                               f"(convert explicitly if that is what the method does)")
        else:
            x = np.ascontiguousarray(x.reshape(-1))
    return status, x, facts, split_at - t0, t1 - split_at


def _solve(length):
    body = _read(40)
    rid, index, kind, esize, threads, m, n = struct.unpack("<QIIIIQQ", body)
    if esize not in _DTYPES:
        _fatal(f"element size {esize} (4 or 8)")
    if length != 40 + (m * n + m) * esize:
        _fatal(f"solve message of {length} bytes for a {m}x{n} problem of {esize}-byte elements")
    dtype = _DTYPES[esize]
    a = np.empty(m * n, dtype)
    b = np.empty(m, dtype)
    _read_into(memoryview(a).cast("B"))
    _read_into(memoryview(b).cast("B"))
    A = a.reshape((m, n), order="F")
    facts = {}
    if index >= len(_solvers) or kind >= len(_KINDS):
        status, x, factor_s, solve_s = 1, None, 0.0, 0.0
        facts["reason"] = f"no solver {index} or problem kind {kind} in this worker"
    elif _solvers[index].unavailable:
        status, x, factor_s, solve_s = 1, None, 0.0, 0.0
        facts["reason"] = _solvers[index].unavailable
    else:
        pins = {}
        _pin_threads(threads, pins)
        status, x, facts, factor_s, solve_s = _call(_solvers[index], A, b, _KINDS[kind])
        if pins:
            facts.setdefault("extra", {}).update(pins)
    facts_bytes = _json(facts) if facts else b""
    count = 0 if x is None else x.size
    head = struct.pack("<QIIQddQ", rid, status, esize if x is None else x.dtype.itemsize, count,
                       factor_s, solve_s, len(facts_bytes))
    _send(_RESULT, head, facts_bytes, x if x is not None else b"")


def serve(name=None):
    """Answers condbench's hello, then its solves, until it says goodbye or closes stdin."""
    global _blas
    _blas = _OpenBlas()
    versions = {"python": platform.python_version(), "python_executable": sys.executable,
                "numpy": np.__version__, "numpy_build_blas": _numpy_build_blas(), "blas": _blas.describe()}
    versions.update(_versions)
    setters = (["openblas_set_num_threads"] if _blas.lib else []) + [n for n, _ in _thread_setters]
    hello = {"protocol": PROTOCOL, "worker": name or os.path.splitext(os.path.basename(sys.argv[0]))[0],
             "versions": versions,
             "threads": {"follows": "the BLAS thread count condbench sends with each solve",
                         "set_with": setters},
             "solvers": [s.hello() for s in _solvers]}
    try:
        mtype, length = _frame()
        if mtype != _HELLO:
            _fatal(f"expected a hello (type 1) first, got type {mtype}")
        offered = struct.unpack("<I", _read(length)[:4])[0]
        if offered < PROTOCOL:
            _fatal(f"condbench speaks protocol {offered}, this module {PROTOCOL}")
        _send(_HELLO_REPLY, json.dumps(hello).encode())
        while True:
            mtype, length = _frame()
            if mtype == _SOLVE:
                _solve(length)
            elif mtype == _BYE:
                return
            else:
                _fatal(f"unexpected message type {mtype}")
    except EOFError:
        return  # condbench closed our stdin: it is done
