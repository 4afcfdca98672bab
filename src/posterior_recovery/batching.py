"""Evaluate a batched function over many rows in fixed-size batches."""

from __future__ import annotations

import numpy as np


def map_batches(fn, x, batch_size: int, progress=None) -> np.ndarray:
    """``fn`` applied to ``x`` (n, ...) in batches of exactly ``batch_size`` rows.

    The last batch is padded by repeating its final row, so a jit-compiled ``fn`` sees
    one shape and compiles once. ``progress(done, total)`` is called after each batch.
    Returns the concatenated outputs for the n input rows.
    """
    x = np.asarray(x)
    n = len(x)
    pad = (-n) % batch_size
    padded = np.concatenate([x, np.repeat(x[-1:], pad, axis=0)]) if pad else x
    outputs = []
    for start in range(0, len(padded), batch_size):
        outputs.append(np.asarray(fn(padded[start : start + batch_size])))
        if progress is not None:
            progress(min(start + batch_size, n), n)
    return np.concatenate(outputs)[:n]
