#!/usr/bin/python3
"""A worker for the tests of python/condbench_worker.py: echo, checksums, facts, failures."""
import os
import sys

sys.dont_write_bytecode = True  # no __pycache__ in the source tree, which may be read-only
import time
import warnings

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "python"))

import numpy as np  # noqa: E402

from condbench_worker import Failed, Result, serve, solver, split  # noqa: E402

ALL = ["general", "spd", "least_squares", "underdetermined"]


@solver("py.echo", ALL, description="x = b[:n]")
def echo(A, b):
    return b[:A.shape[1]].copy()


@solver("py.column", ALL, description="x = A[:n, 1] (column-major order check)")
def column(A, b):
    return np.ascontiguousarray(A[:A.shape[1], 1])


@solver("py.facts", ALL, description="x = b, with every fact")
def facts(A, b):
    warnings.warn("careful")
    return Result(b.copy(), iterations=4, fallback=True, note="a note", extra={"steps": 2, "bad": float("nan")})


@solver("py.kind", ALL, description="x[0] = the kind's position")
def kind(A, b, kind):
    x = np.zeros(A.shape[1], A.dtype)
    x[0] = ["general", "spd", "least_squares", "underdetermined"].index(kind)
    return x


@solver("py.raises", ALL, description="raises ValueError")
def raises(A, b):
    raise ValueError("boom")


@solver("py.failed", ALL, description="raises Failed")
def failed(A, b):
    raise Failed("not today")


@solver("py.upcast", ALL, description="returns float64 whatever the input")
def upcast(A, b):
    return b.astype(np.float64)


@solver("py.prints", ALL, description="prints to stdout, then x = b")
def prints(A, b):
    print("this goes to stderr, not into the protocol")
    os.write(1, b"so does a raw write to fd 1\n")
    return b.copy()


@solver("py.split", ALL, description="sleeps 0.02 s, split(), sleeps 0.01 s")
def phases(A, b):
    time.sleep(0.02)
    split()
    time.sleep(0.01)
    return b.copy()


@solver("py.missing", ALL, description="cannot run here", unavailable="needs a library this machine lacks")
def missing(A, b):
    return b


if __name__ == "__main__":
    serve()
