"""Batched evaluation: fixed batch shapes, padding, order and progress."""

import numpy as np
import pytest

from posterior_recovery.batching import map_batches


@pytest.mark.parametrize("n, batch_size", [(10, 4), (8, 4), (3, 5), (1, 1)])
def test_map_batches_sees_one_shape_and_returns_every_row_in_order(n, batch_size):
    shapes, progress = [], []

    def double(x):
        shapes.append(x.shape)
        return 2 * x[:, 0]

    x = np.arange(2 * n, dtype=float).reshape(n, 2)
    result = map_batches(double, x, batch_size, progress=lambda done, total: progress.append(
        (done, total)))  # fmt: skip
    np.testing.assert_array_equal(result, 2 * x[:, 0])
    assert set(shapes) == {(batch_size, 2)}  # the last batch is padded, not shorter
    assert len(shapes) == -(-n // batch_size)
    assert progress[-1] == (n, n) and [d for d, _ in progress] == sorted(d for d, _ in progress)
