#!/usr/bin/python3
"""The lectures' own calls as condbench solvers: numpy, scipy and torch (CPU), and the lecture's
smart_solve and Gram-Schmidt as written (docs/workers.md, "The shipped Python stack").

Run by condbench with Debian's interpreter, /usr/bin/python3 (Debian's python3-numpy,
python3-scipy and python3-torch are built for it). Every call is the library's own, unchanged;
a library that does not import here leaves its solvers listed as unavailable with the reason.
"""

import os
import re
import sys

sys.dont_write_bytecode = True  # no __pycache__ in the source tree, which may be read-only

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "python"))

import numpy as np  # noqa: E402

from condbench_worker import Result, add_versions, on_threads, serve, solver, split  # noqa: E402

SQUARE = ["general", "spd"]
ALL = ["general", "spd", "least_squares", "underdetermined"]


def _missing(lib, exc):
    return f"{lib} not importable here: {type(exc).__name__}: {exc}"


try:
    import scipy
    import scipy.linalg
    NO_SCIPY = None
    add_versions(scipy=scipy.__version__)
except Exception as e:  # noqa: BLE001 -- whatever stops the import is the reason
    NO_SCIPY = _missing("scipy", e)

try:
    import torch
    NO_TORCH = None
    add_versions(torch=torch.__version__,
                 torch_build=", ".join(re.findall(r"(?:BLAS|LAPACK)_INFO=\w+", torch.__config__.show())))

    def _torch_threads(n):
        if torch.get_num_threads() != n:
            torch.set_num_threads(n)
        return torch.get_num_threads()

    on_threads(_torch_threads, "torch_threads")
except Exception as e:  # noqa: BLE001
    NO_TORCH = _missing("torch", e)


def _rank_note(rank, shape):
    k = min(shape)
    return f"rank {rank} < min(m, n) = {k}: a minimum-norm solution of the truncated problem" if rank < k else ""


# --- numpy ---------------------------------------------------------------------------------------

@solver("numpy.solve", SQUARE, description="np.linalg.solve(A, b): LAPACK ?gesv (LU with partial pivoting)",
        flop_method="lu")
def numpy_solve(A, b):
    return np.linalg.solve(A, b)


@solver("numpy.inv", SQUARE, description="np.linalg.inv(A) @ b: the explicit inverse (?gesv with B = I), "
        "then a product -- the lectures' anti-pattern")
def numpy_inv(A, b):
    return np.linalg.inv(A) @ b


@solver("numpy.lstsq", ALL, description="np.linalg.lstsq(A, b, rcond=None): LAPACK ?gelsd (SVD), "
        "rcond = eps * max(m, n)")
def numpy_lstsq(A, b):
    x, _, rank, _ = np.linalg.lstsq(A, b, rcond=None)
    return Result(x, note=_rank_note(rank, A.shape), extra={"rank": int(rank)})


def stable_pseudoinverse(A, rcond=1e-10):
    """The lecture's function, verbatim (Part 7)."""
    U, s, Vt = np.linalg.svd(A, full_matrices=False)
    s_inv = np.where(s > rcond * s[0], 1.0 / s, 0.0)
    return Vt.T @ np.diag(s_inv) @ U.T


@solver("numpy.pinv", ALL, description="the lecture's stable_pseudoinverse(A) @ b: np.linalg.svd, "
        "singular values below 1e-10 * s_max zeroed")
def numpy_pinv(A, b):
    return stable_pseudoinverse(A) @ b


# --- scipy ---------------------------------------------------------------------------------------

@solver("scipy.solve", SQUARE, description="scipy.linalg.solve(A, b): ?getrf + ?getrs (+ ?gecon, which "
        "warns when ill-conditioned)", flop_method="lu", unavailable=NO_SCIPY)
def scipy_solve(A, b):
    return scipy.linalg.solve(A, b)


@solver("scipy.solve_pos", ["spd"], description="scipy.linalg.solve(A, b, assume_a='pos'): ?potrf + ?potrs "
        "(+ ?pocon)", flop_method="cholesky", unavailable=NO_SCIPY)
def scipy_solve_pos(A, b):
    return scipy.linalg.solve(A, b, assume_a="pos")


@solver("scipy.lu_solve", SQUARE, description="scipy.linalg.lu_factor + lu_solve: ?getrf, then ?getrs",
        flop_method="lu", unavailable=NO_SCIPY)
def scipy_lu_solve(A, b):
    lu_piv = scipy.linalg.lu_factor(A)
    split()
    return scipy.linalg.lu_solve(lu_piv, b)


@solver("scipy.cho_solve", ["spd"], description="scipy.linalg.cho_factor(A, lower=True) + cho_solve: ?potrf, "
        "then ?potrs", flop_method="cholesky", unavailable=NO_SCIPY)
def scipy_cho_solve(A, b):
    c = scipy.linalg.cho_factor(A, lower=True)
    split()
    return scipy.linalg.cho_solve(c, b)


def _scipy_lstsq(driver, what):
    @solver(f"scipy.lstsq_{driver}", ALL, description=f"scipy.linalg.lstsq(A, b, lapack_driver='{driver}'): "
            f"LAPACK ?{driver} ({what}), cond = eps", unavailable=NO_SCIPY)
    def run(A, b):
        x, _, rank, _ = scipy.linalg.lstsq(A, b, lapack_driver=driver)
        return Result(x, note=_rank_note(rank, A.shape), extra={"rank": int(rank)})
    return run


_scipy_lstsq("gelsd", "SVD, divide and conquer")
_scipy_lstsq("gelsy", "complete orthogonal factorization, QR with column pivoting")
_scipy_lstsq("gelss", "SVD")


# --- torch (CPU) ---------------------------------------------------------------------------------

def _t(a):
    return torch.from_numpy(a)


@solver("torch.solve", SQUARE, description="torch.linalg.solve(A, b) (CPU, LAPACK ?gesv)", flop_method="lu",
        unavailable=NO_TORCH)
def torch_solve(A, b):
    return torch.linalg.solve(_t(A), _t(b)).numpy()


@solver("torch.cholesky_solve", ["spd"], description="torch.linalg.cholesky(A) + torch.cholesky_solve "
        "(CPU: ?potrf, then ?potrs)", flop_method="cholesky", unavailable=NO_TORCH)
def torch_cholesky_solve(A, b):
    L = torch.linalg.cholesky(_t(A))
    split()
    return torch.cholesky_solve(_t(b).reshape(-1, 1), L).reshape(-1).numpy()


def _torch_lstsq(driver, kinds, what):
    @solver(f"torch.lstsq_{driver}", kinds, description=f"torch.linalg.lstsq(A, b, driver='{driver}') "
            f"(CPU, LAPACK ?{driver}: {what})", flop_method="qr" if driver == "gels" else "",
            unavailable=NO_TORCH)
    def run(A, b):
        out = torch.linalg.lstsq(_t(A), _t(b).reshape(-1, 1), driver=driver)
        x = out.solution.reshape(-1).numpy()
        if driver == "gels":
            return x
        rank = int(out.rank)
        return Result(x, note=_rank_note(rank, A.shape), extra={"rank": rank})
    return run


# gels is QR (LQ when m < n) and assumes full rank; torch's other drivers take any shape.
_torch_lstsq("gels", ["general", "spd", "least_squares", "underdetermined"], "QR, full rank assumed")
_torch_lstsq("gelsy", ALL, "QR with column pivoting")
_torch_lstsq("gelsd", ALL, "SVD, divide and conquer")
_torch_lstsq("gelss", ALL, "SVD")


# --- the lecture's own code ----------------------------------------------------------------------

@solver("lecture.smart_solve", ALL, description="the lecture's smart_solve (Part 8) as written: cho_factor/"
        "cho_solve when SPD, falling back to scipy.linalg.solve; solve for square; lstsq(rcond=None) otherwise",
        unavailable=NO_SCIPY)
def smart_solve(A, b, kind):
    m, n = A.shape
    # assume_spd: the lecture's caller says so; here the problem kind does.
    if m == n:
        if kind == "spd":
            try:
                c = scipy.linalg.cho_factor(A, lower=True)
                return Result(scipy.linalg.cho_solve(c, b), extra={"path": "cholesky"})
            except np.linalg.LinAlgError as e:
                # The lecture prints "Cholesky failed - matrix not SPD, falling back to LU": recorded instead.
                return Result(scipy.linalg.solve(A, b), fallback=True, extra={"path": "lu"},
                              note=f"Cholesky failed - matrix not SPD, falling back to LU ({e})")
        return Result(scipy.linalg.solve(A, b), extra={"path": "lu"})
    x, _, _, _ = np.linalg.lstsq(A, b, rcond=None)
    return Result(x, extra={"path": "lstsq"})


def gram_schmidt_qr(A):
    """The lecture's classical Gram-Schmidt QR, verbatim (Part 3)."""
    m, n = A.shape
    Q = np.zeros((m, n))
    R = np.zeros((n, n))

    for j in range(n):
        v = A[:, j].copy()
        for i in range(j):
            R[i, j] = Q[:, i] @ A[:, j]
            v -= R[i, j] * Q[:, i]
        R[j, j] = np.linalg.norm(v)
        if R[j, j] > 1e-10:
            Q[:, j] = v / R[j, j]

    return Q, R


@solver("lecture.gram_schmidt", ["general", "spd", "least_squares"], flop_method="gram_schmidt",
        description="the lecture's classical Gram-Schmidt (R[j,j] > 1e-10 cut-off; Q, R in float64 as np.zeros "
        "makes them), then scipy.linalg.solve_triangular(R, Q.T @ b)", unavailable=NO_SCIPY)
def lecture_gram_schmidt(A, b):
    Q, R = gram_schmidt_qr(A)
    split()
    x = scipy.linalg.solve_triangular(R, Q.T @ b)
    cut = int(np.count_nonzero(np.diag(R) <= 1e-10))
    notes = []
    if cut:
        notes.append(f"{cut} columns with R[j,j] <= 1e-10: Q[:, j] left zero")
    if x.dtype != A.dtype:
        notes.append(f"computed in {x.dtype} (the lecture's np.zeros), x rounded to {A.dtype}")
        x = x.astype(A.dtype)
    return Result(x, note="; ".join(notes), extra={"qr_dtype": str(Q.dtype), "cutoff_columns": cut})


if __name__ == "__main__":
    serve("python_stack")
