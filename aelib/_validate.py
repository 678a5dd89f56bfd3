"""Input checks shared by aelib's public functions.

Every public function that takes images runs them through `as_images`, so a
reader who passes pixels in 0-255, NaNs, the wrong shape or a string gets a
ValueError that says what was received, what was expected and how to fix it.
"""

import numpy as np

IMAGE_SIDE = 28
N_PIXELS = IMAGE_SIDE * IMAGE_SIDE


def as_images(x, name="images", flatten=True):
    """Check that `x` is a batch of MNIST-sized images in [0, 1].

    Accepts shapes (n, 784), (n, 28, 28) or (n, 28, 28, 1), any float dtype.
    Returns a float32 array of shape (n, 784) if `flatten`, else (n, 28, 28).
    """
    if hasattr(x, "numpy") and not isinstance(x, np.ndarray):  # a tf/keras tensor
        x = x.numpy()
    if not isinstance(x, np.ndarray):
        raise ValueError(
            f"{name}: expected a numpy array of images, got {type(x).__name__}. "
            "Pass e.g. data.x_test, or wrap a list with np.asarray(...).")
    if x.dtype.kind not in "f":
        hint = (" Pixels look like 0-255 integers: divide by 255, e.g. "
                "x.astype('float32') / 255." if x.dtype.kind in "iub" else "")
        raise ValueError(
            f"{name}: expected floating-point pixels in [0, 1], got dtype {x.dtype}.{hint}")
    shape = x.shape
    if x.ndim == 4 and shape[1:] == (IMAGE_SIDE, IMAGE_SIDE, 1):
        x = x.reshape(len(x), N_PIXELS)
    elif x.ndim == 3 and shape[1:] == (IMAGE_SIDE, IMAGE_SIDE):
        x = x.reshape(len(x), N_PIXELS)
    elif not (x.ndim == 2 and shape[1] == N_PIXELS):
        single = " A single image needs a batch axis: use x[None] or x[i:i+1]." \
            if shape in ((N_PIXELS,), (IMAGE_SIDE, IMAGE_SIDE)) else ""
        raise ValueError(
            f"{name}: expected a batch of shape (n, 784), (n, 28, 28) or "
            f"(n, 28, 28, 1), got shape {shape}.{single}")
    if len(x) == 0:
        raise ValueError(f"{name}: got an empty batch (shape {shape}); pass at least one image.")
    finite = np.isfinite(x)
    if not finite.all():
        raise ValueError(
            f"{name}: {int((~finite).sum())} values are NaN or infinite. Check the "
            "model's output (a diverged training run produces NaNs) before computing metrics.")
    lo, hi = float(x.min()), float(x.max())
    if lo < 0.0 or hi > 1.0:
        hint = " They look like 0-255 pixels: divide by 255." if hi > 1.5 and lo >= 0 else \
            " Clip with np.clip(x, 0, 1) if small excursions are expected (e.g. after adding noise)."
        raise ValueError(
            f"{name}: pixel values must lie in [0, 1], got min {lo:.4g} and max {hi:.4g}.{hint}")
    x = x.astype(np.float32, copy=False)
    return x if flatten else x.reshape(len(x), IMAGE_SIDE, IMAGE_SIDE)


def same_length(a, b, name_a, name_b):
    if len(a) != len(b):
        raise ValueError(
            f"{name_a} has {len(a)} images but {name_b} has {len(b)}; they must be "
            "paired one to one (the i-th reconstruction belongs to the i-th original).")


def check_labels(y, n, name="labels"):
    y = np.asarray(y)
    if y.shape != (n,):
        raise ValueError(f"{name}: expected shape ({n},) to match the {n} points, got {y.shape}.")
    return y


def check_int(value, name, lo, hi):
    """Check lo <= value <= hi for an integer value."""
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)):
        raise ValueError(f"{name} must be an integer, got {value!r} ({type(value).__name__}).")
    if not lo <= value <= hi:
        raise ValueError(f"{name} must be between {lo} and {hi}, got {value}.")
    return int(value)
