"""Build aelib's offline MNIST sample from the official IDX files.

Usage:
    python scripts/build_mnist_sample.py IMAGES.idx3-ubyte.gz LABELS.idx1-ubyte.gz \
        [--out aelib/_data/mnist_sample.npz]

The input is MNIST's official *test* split (10,000 images). It is split,
stratified by label with a fixed seed, into 8,000 images for training and
2,000 for evaluation. A stratified random split (rather than the first 8,000)
matters: the first 5,000 test images were written by different people than the
last 5,000 (NIST SD-3 versus SD-1), and the second half is harder.

MNIST (LeCun, Cortes and Burges) is licensed CC BY-SA 3.0; the attribution
travels with the sample in aelib/_data/README.md and inside the .npz itself.
"""

import argparse
import gzip
import hashlib
from pathlib import Path

import numpy as np

IMAGE_MAGIC, LABEL_MAGIC = 2051, 2049
N_TRAIN = 8000
SEED = 20060728  # date of Hinton & Salakhutdinov's Science paper
ATTRIBUTION = (
    "MNIST database of handwritten digits, Yann LeCun, Corinna Cortes and "
    "Christopher J.C. Burges, http://yann.lecun.com/exdb/mnist/ ; licensed "
    "CC BY-SA 3.0 (https://creativecommons.org/licenses/by-sa/3.0/). This "
    "file holds the 10,000 official test images, split 8,000/2,000."
)


def read_idx(path, magic):
    """Return the payload of a (possibly gzipped) IDX file as a uint8 array."""
    opener = gzip.open if str(path).endswith(".gz") else open
    with opener(path, "rb") as f:
        raw = f.read()
    got = int.from_bytes(raw[:4], "big")
    if got != magic:
        raise ValueError(f"{path}: IDX magic number is {got}, expected {magic}. "
                         "Pass the images file first and the labels file second.")
    ndim = raw[3]
    shape = [int.from_bytes(raw[4 + 4 * i: 8 + 4 * i], "big") for i in range(ndim)]
    data = np.frombuffer(raw, dtype=np.uint8, offset=4 + 4 * ndim)
    if data.size != int(np.prod(shape)):
        raise ValueError(f"{path}: header promises shape {shape} but the file holds "
                         f"{data.size} values; the file is truncated or corrupt.")
    return data.reshape(shape), hashlib.sha256(raw).hexdigest()


def stratified_split(labels, n_train, seed):
    rng = np.random.default_rng(seed)
    train_idx = []
    for digit in range(10):
        idx = rng.permutation(np.flatnonzero(labels == digit))
        train_idx.append(idx[: round(len(idx) * n_train / len(labels))])
    train_idx = np.concatenate(train_idx)
    # fix rounding so the split is exactly n_train / rest
    rest = np.setdiff1d(np.arange(len(labels)), train_idx)
    if len(train_idx) > n_train:
        rest = np.concatenate([rest, train_idx[n_train:]])
        train_idx = train_idx[:n_train]
    elif len(train_idx) < n_train:
        extra = rng.choice(rest, n_train - len(train_idx), replace=False)
        train_idx = np.concatenate([train_idx, extra])
        rest = np.setdiff1d(rest, extra)
    return rng.permutation(train_idx), rng.permutation(rest)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("images", type=Path)
    parser.add_argument("labels", type=Path)
    parser.add_argument("--out", type=Path,
                        default=Path(__file__).resolve().parents[1] / "aelib/_data/mnist_sample.npz")
    args = parser.parse_args(argv)

    images, images_sha = read_idx(args.images, IMAGE_MAGIC)
    labels, labels_sha = read_idx(args.labels, LABEL_MAGIC)
    if images.shape[1:] != (28, 28) or len(images) != len(labels):
        raise ValueError(f"expected N x 28 x 28 images and N labels, got {images.shape} "
                         f"and {labels.shape}")
    train_idx, test_idx = stratified_split(labels, N_TRAIN, SEED)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    np.savez_compressed(
        args.out,
        x_train=images[train_idx], y_train=labels[train_idx],
        x_test=images[test_idx], y_test=labels[test_idx],
        attribution=np.array(ATTRIBUTION),
        source_sha256=np.array([images_sha, labels_sha]),
    )
    print(f"wrote {args.out}: {len(train_idx)} train / {len(test_idx)} test images "
          f"(images sha256 {images_sha[:12]}..., labels sha256 {labels_sha[:12]}...)")


if __name__ == "__main__":
    main()
