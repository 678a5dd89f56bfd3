"""Helpers for the chapters' Checks.

A chapter writes its model out in plain Keras, where the reader sees it, and
`aelib.models` holds the one builder that later chapters and the benchmark
reuse; the chapter's Checks compare the two with `architecture`.
"""

# The settings that define what a layer computes; a layer type without one gives None.
LAYER_SETTINGS = ("units", "filters", "kernel_size", "strides", "padding", "output_padding",
                  "activation", "use_bias", "pool_size", "size", "interpolation", "batch_shape")


def architecture(model, _nested=False):
    """(layer type, *LAYER_SETTINGS) for the model's input and every layer in order,
    nested models expanded: models with equal architectures differ only in their
    weights. A nested model's own input layer is left out (its shape is the output
    of the layer before), so a model built flat and one built from an encoder and
    a decoder compare equal when they compute the same way."""
    import keras
    rows = []
    for layer in model.layers:
        if isinstance(layer, keras.Model):
            rows += architecture(layer, _nested=True)
        elif not (_nested and isinstance(layer, keras.layers.InputLayer)):
            config = layer.get_config()
            rows.append((type(layer).__name__,) + tuple(config.get(key) for key in LAYER_SETTINGS))
    return rows
