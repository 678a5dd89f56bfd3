"""Plotting helpers. Each returns the matplotlib Figure it drew.

In a notebook, end the cell with ``plt.show()`` (or assign the figure) so the
figure is shown once.
"""

import matplotlib.pyplot as plt
import numpy as np

from ._validate import as_images, check_labels


def _grid_shape(n, ncols):
    ncols = min(ncols, n)
    return int(np.ceil(n / ncols)), ncols


def _grid(n, ncols, size, suptitle, titles, draw_one):
    """Lay out n panels in a grid; draw_one(ax, i) fills panel i."""
    if titles is not None and len(titles) != n:
        raise ValueError(f"got {len(titles)} titles for {n} images; pass one per image.")
    nrows, ncols = _grid_shape(n, ncols)
    fig, axes = plt.subplots(nrows, ncols, squeeze=False,
                             figsize=(size * ncols, size * nrows + 0.3 * bool(suptitle)))
    for i, ax in enumerate(axes.flat):
        ax.axis("off")
        if i < n:
            draw_one(ax, i)
            if titles is not None:
                ax.set_title(titles[i], fontsize=9)
    if suptitle:
        fig.suptitle(suptitle)
    fig.tight_layout()
    return fig


def image_grid(images, ncols=10, titles=None, suptitle=None, size=1.2, cmap="gray"):
    """Show images in a grid.

    images: (n, 784), (n, 28, 28) or (n, 28, 28, 1) in [0, 1]. Titles: n strings or None.
    """
    x = as_images(images, "images", flatten=False)
    return _grid(len(x), ncols, size, suptitle, titles,
                 lambda ax, i: ax.imshow(x[i], cmap=cmap, vmin=0, vmax=1))


def signed_image_grid(vectors, ncols=10, titles=None, suptitle=None, size=1.2):
    """Show 784-long vectors that may be negative (PCA components, weights) as images.

    Each image gets its own symmetric colour scale: red positive, blue negative.
    vectors: (n, 784) array of finite values.
    """
    v = np.asarray(vectors, dtype=np.float64)
    if v.ndim != 2 or v.shape[1] != 784 or not np.isfinite(v).all():
        raise ValueError(f"vectors: expected a finite (n, 784) array, got shape {v.shape}. "
                         "For a Dense kernel of shape (784, k), pass kernel.T.")

    def draw_one(ax, i):
        limit = np.abs(v[i]).max() or 1.0
        ax.imshow(v[i].reshape(28, 28), cmap="RdBu_r", vmin=-limit, vmax=limit)

    return _grid(len(v), ncols, size, suptitle, titles, draw_one)


# Labels in figures are set in points; a figure wider than the book's text
# column (about 730 px at 100 dpi) is shrunk to fit it, and its text with it.
TEXT_COLUMN_INCHES = 7.3
LABEL_POINTS = 11


def reconstruction_rows(originals, reconstructions, n=10, errors=True, size=0.85):
    """Originals on the top row, one row per model's reconstructions below.

    originals: (m, 784)-like images in [0, 1]. reconstructions: a dict
    {row label: images of the same shape}. Shows the first `n` images; with
    `errors`, each reconstruction is titled with its summed squared error.
    Sized so that the numbers stay readable when the figure is shrunk to the
    book's text column (tests/test_plots_widgets.py).
    """
    x = as_images(originals, "originals", flatten=False)
    if not isinstance(reconstructions, dict) or not reconstructions:
        raise ValueError("reconstructions must be a non-empty dict {label: images}, e.g. "
                         "{'PCA, k=32': pca_images, 'autoencoder': ae_images}.")
    rows = {label: as_images(r, f"reconstructions[{label!r}]", flatten=False)
            for label, r in reconstructions.items()}
    for label, r in rows.items():
        if len(r) < min(n, len(x)):
            raise ValueError(f"reconstructions[{label!r}] has {len(r)} images, fewer than "
                             f"the {min(n, len(x))} originals shown.")
    n = min(n, len(x))
    fig, axes = plt.subplots(1 + len(rows), n, squeeze=False,
                             figsize=(size * n + 1.6, (size + 0.25) * (1 + len(rows))))
    all_rows = [("original", x)] + list(rows.items())
    for r, (label, images) in enumerate(all_rows):
        for i in range(n):
            ax = axes[r, i]
            ax.imshow(images[i], cmap="gray", vmin=0, vmax=1)
            ax.set_xticks([]), ax.set_yticks([])
            for spine in ax.spines.values():
                spine.set_visible(False)
            if errors and r > 0:
                ax.set_title(f"{((images[i] - x[i]) ** 2).sum():.1f}", fontsize=LABEL_POINTS,
                             pad=2)
        axes[r, 0].set_ylabel(label, rotation=0, ha="right", va="center", fontsize=LABEL_POINTS)
    if errors:
        fig.suptitle("numbers: squared error of each reconstruction (summed over pixels)",
                     fontsize=LABEL_POINTS)
    fig.tight_layout()
    return fig


def latent_scatter(codes_2d, labels, ax=None, title=None, max_points=5000, seed=0,
                   axis_labels=("code value 1", "code value 2")):
    """Scatter 2-D codes coloured by digit label, with a legend.

    codes_2d: (n, 2) floats; labels: (n,) digits 0-9. At most `max_points`
    points are drawn (a fixed random subset) so the figure stays readable.
    axis_labels: the names of the two code values, for the axes.
    """
    codes = np.asarray(codes_2d, dtype=np.float64)
    if codes.ndim != 2 or codes.shape[1] != 2 or not np.isfinite(codes).all():
        raise ValueError(f"codes_2d: expected finite values of shape (n, 2), got {codes.shape}.")
    labels = check_labels(labels, len(codes))
    if len(codes) > max_points:
        keep = np.random.default_rng(seed).choice(len(codes), max_points, replace=False)
        codes, labels = codes[keep], labels[keep]
    fig = None
    if ax is None:
        fig, ax = plt.subplots(figsize=(6, 5))
    cmap = plt.get_cmap("tab10")
    for digit in range(10):
        pick = labels == digit
        ax.scatter(codes[pick, 0], codes[pick, 1], s=4, alpha=0.6, color=cmap(digit),
                   label=str(digit), rasterized=True)
    ax.legend(title="digit", markerscale=3, fontsize=8, loc="center left",
              bbox_to_anchor=(1.0, 0.5))
    ax.set_xlabel(axis_labels[0])
    ax.set_ylabel(axis_labels[1])
    if title:
        ax.set_title(title)
    fig = fig or ax.figure
    fig.tight_layout()
    return fig


def training_curves(histories, metric="loss", log_scale=False, ax=None):
    """Plot training (solid) and validation (dashed) curves of several runs.

    histories: dict {label: keras History or its .history dict}.
    """
    if not isinstance(histories, dict) or not histories:
        raise ValueError("histories must be a non-empty dict {label: model.fit(...) result}.")
    fig = None
    if ax is None:
        fig, ax = plt.subplots(figsize=(7, 4))
    for i, (label, history) in enumerate(histories.items()):
        h = getattr(history, "history", history)
        if metric not in h:
            raise ValueError(f"history {label!r} has no {metric!r}; it has {sorted(h)}.")
        color = f"C{i}"
        epochs = np.arange(1, len(h[metric]) + 1)
        ax.plot(epochs, h[metric], color=color, label=f"{label} (train)")
        if f"val_{metric}" in h:
            ax.plot(epochs, h[f"val_{metric}"], color=color, ls="--", label=f"{label} (validation)")
    ax.set_xlabel("epoch")
    ax.set_ylabel(metric)
    if log_scale:
        ax.set_yscale("log")
    ax.legend(fontsize=8)
    fig = fig or ax.figure
    fig.tight_layout()
    return fig
