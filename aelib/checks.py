"""Helpers for the chapters' Checks.

A chapter writes its model out in plain Keras, where the reader sees it, and
`aelib.models` holds the one builder that later chapters and the benchmark
reuse; the chapter's Checks compare the two with `architecture`.
"""

# Layer settings compared (a layer type without a setting gives None). Weights,
# initializers and names are not: they do not change what the model computes.
LAYER_SETTINGS = ("units", "filters", "kernel_size", "strides", "padding", "output_padding",
                  "dilation_rate", "data_format", "groups", "activation", "use_bias",
                  "pool_size", "size", "interpolation", "rate", "stddev", "target_shape",
                  "negative_slope", "activity_regularizer", "kernel_regularizer")


def architecture(model):
    """The model's input shape, then (layer type, *LAYER_SETTINGS) for every layer
    in order, nested models expanded. A model built flat and one built from an
    encoder and a decoder compare equal when their layers are the same; so do a
    Sequential and a functional model."""
    return [("input", tuple(model.input_shape))] + _layer_rows(model)


def _layer_rows(model):
    import keras
    rows = []
    for layer in model.layers:
        if isinstance(layer, keras.Model):
            rows += _layer_rows(layer)
        elif not isinstance(layer, keras.layers.InputLayer):
            config = layer.get_config()
            rows.append((type(layer).__name__,) + tuple(config.get(key) for key in LAYER_SETTINGS))
    return rows
