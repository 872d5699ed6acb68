# Put first in PYTHONPATH, this makes `import torch` fail as on a machine without python3-torch:
# the worker tests check that torch's solvers are then listed as unavailable with the reason.
raise ImportError("simulated: torch is not installed")
