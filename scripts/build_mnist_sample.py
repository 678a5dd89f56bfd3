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

from aelib.data import IMAGE_MAGIC, LABEL_MAGIC, parse_idx

N_TRAIN = 8000
SEED = 20060728  # date of Hinton & Salakhutdinov's Science paper
ATTRIBUTION = (
    "MNIST database of handwritten digits, Yann LeCun, Corinna Cortes and "
    "Christopher J.C. Burges, http://yann.lecun.com/exdb/mnist/ ; licensed "
    "CC BY-SA 3.0 (https://creativecommons.org/licenses/by-sa/3.0/). This "
    "file holds the 10,000 official test images, split 8,000/2,000."
)


def read_idx(path, magic):
    """Return the payload of a (possibly gzipped) IDX file as a uint8 array, and its sha256."""
    raw = gzip.decompress(Path(path).read_bytes()) if str(path).endswith(".gz") else Path(path).read_bytes()
    return parse_idx(raw, magic, str(path)), hashlib.sha256(raw).hexdigest()


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
