"""Models the book has already taught, for later chapters to reuse.

Each of these is written out layer by layer in the chapter that teaches it
(chapter 2: the vanilla autoencoder; chapter 3: the deep one). Later chapters
build them from here so that they can compare against them without repeating
the code.
"""

import time

from ._validate import as_images, check_int


def dense_autoencoder(code_size=32, hidden=(), activation="relu", code_activation="relu",
                      output_activation="sigmoid", name="dense_autoencoder"):
    """A fully connected autoencoder 784 -> hidden... -> code_size -> ...reversed -> 784.

    hidden: sizes of the encoder's hidden layers, e.g. (128, 64); the decoder
    mirrors them. Returns (autoencoder, encoder, decoder), three Keras models
    sharing layers; the autoencoder is not compiled.
    """
    import keras  # imported here so that `import aelib` does not start TensorFlow
    from keras import layers

    code_size = check_int(code_size, "code_size", 1, 100_000)
    hidden = tuple(check_int(h, "hidden layer size", 1, 100_000) for h in hidden)
    inputs = keras.Input(shape=(784,), name="image")
    x = inputs
    for i, units in enumerate(hidden):
        x = layers.Dense(units, activation=activation, name=f"encoder_{i + 1}")(x)
    code = layers.Dense(code_size, activation=code_activation, name="code")(x)
    encoder = keras.Model(inputs, code, name="encoder")

    code_input = keras.Input(shape=(code_size,), name="code_input")
    y = code_input
    for i, units in enumerate(reversed(hidden)):
        y = layers.Dense(units, activation=activation, name=f"decoder_{i + 1}")(y)
    outputs = layers.Dense(784, activation=output_activation, name="reconstruction")(y)
    decoder = keras.Model(code_input, outputs, name="decoder")

    autoencoder = keras.Model(inputs, decoder(encoder(inputs)), name=name)
    return autoencoder, encoder, decoder


def fit_autoencoder(model, x_train, epochs, batch_size=256, x_val=None, verbose=0):
    """Train `model` (already compiled) to reconstruct its input: fit(x, x).

    x_train, x_val: images in [0, 1], any MNIST shape; they are reshaped to the
    model's input shape. Returns the Keras History, with the wall-clock
    training time added as `history.seconds`.
    """
    shape = tuple(model.input_shape[1:])
    x = as_images(x_train, "x_train").reshape((-1,) + shape)
    val = None
    if x_val is not None:
        xv = as_images(x_val, "x_val").reshape((-1,) + shape)
        val = (xv, xv)
    epochs = check_int(epochs, "epochs", 1, 100_000)
    start = time.perf_counter()
    history = model.fit(x, x, epochs=epochs, batch_size=batch_size, shuffle=True,
                        validation_data=val, verbose=verbose)
    history.seconds = time.perf_counter() - start
    return history


def conv_autoencoder(name="conv_autoencoder"):
    """The classic convolutional autoencoder of chapter 4 (4 x 4 x 8 = 128-d code).

    Conv2D + MaxPooling encoder, Conv2D + UpSampling2D decoder, as in the Keras
    blog. Input and output shape (28, 28, 1). Returns (autoencoder, encoder),
    not compiled.
    """
    import keras
    from keras import layers

    inputs = keras.Input(shape=(28, 28, 1), name="image")
    x = layers.Conv2D(16, 3, activation="relu", padding="same")(inputs)
    x = layers.MaxPooling2D(2, padding="same")(x)
    x = layers.Conv2D(8, 3, activation="relu", padding="same")(x)
    x = layers.MaxPooling2D(2, padding="same")(x)
    x = layers.Conv2D(8, 3, activation="relu", padding="same")(x)
    code = layers.MaxPooling2D(2, padding="same", name="code")(x)  # 4 x 4 x 8
    x = layers.Conv2D(8, 3, activation="relu", padding="same")(code)
    x = layers.UpSampling2D(2)(x)
    x = layers.Conv2D(8, 3, activation="relu", padding="same")(x)
    x = layers.UpSampling2D(2)(x)
    x = layers.Conv2D(16, 3, activation="relu", padding="valid")(x)  # 16 -> 14
    x = layers.UpSampling2D(2)(x)
    outputs = layers.Conv2D(1, 3, activation="sigmoid", padding="same", name="reconstruction")(x)
    return keras.Model(inputs, outputs, name=name), keras.Model(inputs, code, name="encoder")


def strided_conv_autoencoder(filters=16, name="strided_conv_autoencoder"):
    """Chapter 4's strided convolutional autoencoder (4 x 4 x 8 = 128-d code).

    Strided Conv2D encoder, Conv2DTranspose decoder. Input and output shape
    (28, 28, 1). Returns (autoencoder, encoder), not compiled.
    """
    import keras
    from keras import layers

    filters = check_int(filters, "filters", 1, 4096)
    inputs = keras.Input(shape=(28, 28, 1), name="image")
    x = layers.Conv2D(filters, 3, strides=2, activation="relu", padding="same")(inputs)
    x = layers.Conv2D(filters, 3, strides=2, activation="relu", padding="same")(x)
    code = layers.Conv2D(8, 3, strides=2, activation="relu", padding="same", name="code")(x)  # 4 x 4 x 8
    x = layers.Conv2DTranspose(filters, 3, strides=2, activation="relu", padding="same",
                               output_padding=0)(code)  # 4 -> 7, the mirror of 7 -> 4
    x = layers.Conv2DTranspose(filters, 3, strides=2, activation="relu", padding="same")(x)
    x = layers.Conv2DTranspose(filters, 3, strides=2, activation="relu", padding="same")(x)
    outputs = layers.Conv2D(1, 3, activation="sigmoid", padding="same", name="reconstruction")(x)
    return keras.Model(inputs, outputs, name=name), keras.Model(inputs, code, name="encoder")
