"""Same machine, same seed, same data: the same numbers, bit for bit, in two fresh
kernels started from different working directories with different hash seeds
(as a book build and a plain nbclient or nbval run differ).

One small training, as the chapters do it: aelib.setup() (seeds and op
determinism), a chapter-2 style autoencoder, Keras's shuffled minibatches, then
the trained weights and the test error, hashed.
"""

import hashlib
import os

import nbformat
import pytest
from nbclient import NotebookClient

pytestmark = pytest.mark.slow

TRAIN_AND_HASH = """\
import hashlib
import numpy as np
import aelib
import keras

aelib.setup(verbose=False)
data = aelib.load_mnist(verbose=False)
x_fit, x_val = aelib.data.validation_split(data.x_train.reshape(-1, 784), seed=0)
keras.utils.set_random_seed(42)
autoencoder, _, _ = aelib.models.dense_autoencoder(32)
autoencoder.compile(optimizer="adam", loss="binary_crossentropy")
autoencoder.fit(x_fit, x_fit, epochs=2, batch_size=64, shuffle=True, verbose=0)
weights = hashlib.sha256(b"".join(w.tobytes() for w in autoencoder.get_weights())).hexdigest()
error = aelib.metrics.per_image_squared_error(
    data.x_test, aelib.models.reconstruct(autoencoder, data.x_test))
print(weights, repr(float(error)))
"""


def run_in_fresh_kernel(cwd, hash_seed):
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(TRAIN_AND_HASH)])
    env_backup = dict(os.environ)
    os.environ["PYTHONHASHSEED"] = hash_seed  # the kernel inherits it
    try:
        NotebookClient(nb, timeout=600, kernel_name="python3",
                       resources={"metadata": {"path": str(cwd)}}).execute()
    finally:
        os.environ.clear()
        os.environ.update(env_backup)
    printed = "".join(out.get("text", "") for out in nb.cells[0].outputs if out.get("name") == "stdout")
    weights, error = printed.split()
    return weights, float(error)


def test_two_fresh_kernels_train_to_identical_weights(tmp_path):
    from helpers import ROOT

    first = run_in_fresh_kernel(ROOT / "chapters", "0")
    second = run_in_fresh_kernel(tmp_path, "12345")
    assert len(first[0]) == 64 and 0 < first[1] < 100, first  # it trained and measured something
    assert first == second, f"two runs of the same training differ: {first} vs {second}"
