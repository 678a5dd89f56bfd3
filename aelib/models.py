"""Models the book has already taught, for later chapters to reuse.

Each of these is written out layer by layer in the chapter that teaches it
(chapter 2: the vanilla autoencoder; chapter 3: the deep one). Later chapters
build them from here so that they can compare against them without repeating
the code.
"""

import time

import numpy as np

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


def deep_autoencoder(hidden, code_size, name="deep_autoencoder"):
    """Chapter 3's deep autoencoder: 784 -> hidden... (ReLU) -> linear code ->
    reversed hidden... (ReLU) -> 784 (sigmoid).

    The same signature and defaults as the chapter's own `deep_autoencoder`.
    Returns (autoencoder, encoder, decoder), sharing layers, not compiled.
    """
    return dense_autoencoder(code_size, hidden=hidden, activation="relu", code_activation=None,
                             output_activation="sigmoid", name=name)


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


def reconstruct(model, images, batch_size=1000):
    """The model's output for `images`, as a float32 array of shape (n, 784).

    images: any MNIST shape, pixels in [0, 1]; reshaped to the model's input.
    Calls the model directly, batch by batch, rather than ``model.predict()``:
    predict builds and traces a new function for every model it is given, which
    is slow when a chapter evaluates many models and makes TensorFlow warn about
    retracing.
    """
    import keras
    shape = tuple(model.input_shape[1:])
    x = as_images(images, "images").reshape((-1,) + shape)
    batch_size = check_int(batch_size, "batch_size", 1, 10**7)
    out = [keras.ops.convert_to_numpy(model(x[i:i + batch_size], training=False))
           for i in range(0, len(x), batch_size)]
    return np.concatenate(out).reshape(len(x), -1).astype(np.float32)


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


def conv_dense_code_autoencoder(code_size=30, filters=(32, 64), name="conv_dense_code_autoencoder"):
    """A convolutional autoencoder with a dense code of `code_size` numbers.

    Two stride-2 Conv2D layers (ReLU; 28 -> 14 -> 7), a linear Dense code, then
    the mirror: Dense (ReLU) to 7 x 7 x filters[1], two stride-2
    Conv2DTranspose layers (7 -> 14 -> 28), the last with a sigmoid. Input and
    output shape (28, 28, 1). Returns (autoencoder, encoder), not compiled.
    """
    import keras
    from keras import layers

    code_size = check_int(code_size, "code_size", 1, 100_000)
    f1, f2 = (check_int(f, "filters", 1, 4096) for f in filters)
    inputs = keras.Input(shape=(28, 28, 1), name="image")
    x = layers.Conv2D(f1, 3, strides=2, activation="relu", padding="same", name="enc_conv1")(inputs)
    x = layers.Conv2D(f2, 3, strides=2, activation="relu", padding="same", name="enc_conv2")(x)
    code = layers.Dense(code_size, name="code")(layers.Flatten(name="flatten")(x))  # linear code
    x = layers.Dense(7 * 7 * f2, activation="relu", name="dec_dense")(code)
    x = layers.Reshape((7, 7, f2), name="unflatten")(x)
    x = layers.Conv2DTranspose(f1, 3, strides=2, activation="relu", padding="same", name="dec_convT1")(x)
    outputs = layers.Conv2DTranspose(1, 3, strides=2, activation="sigmoid", padding="same",
                                     name="reconstruction")(x)
    return keras.Model(inputs, outputs, name=name), keras.Model(inputs, code, name="encoder")


# --- chapter 5: regularized autoencoders (written out and explained there) ------

L1_WEIGHT = 4e-4      # sparse, L1 on the code
RHO = 0.05            # sparse, KL: target mean activation of a code unit
KL_WEIGHT = 1e-3
CAE_WEIGHT = 1e-3     # contractive
TRAIN_SIGMA = 0.3     # denoising: Gaussian noise level in training


def regularized_encoder_decoder(units=512):
    """Chapter 5's model: 784 -> `units` sigmoid code -> 784 sigmoid pixels.

    Returns (encoder, decoder), two functional Keras models.
    """
    import keras
    from keras import layers

    units = check_int(units, "units", 1, 100_000)
    image = keras.Input(shape=(784,), name="image")
    code = layers.Dense(units, activation="sigmoid", name="code")(image)
    encoder = keras.Model(image, code, name="encoder")
    code_input = keras.Input(shape=(units,), name="code_input")
    pixels = layers.Dense(784, activation="sigmoid", name="reconstruction")(code_input)
    decoder = keras.Model(code_input, pixels, name="decoder")
    return encoder, decoder


def regularized_autoencoder(penalty=None, corrupt=None, units=512, name="regularized_autoencoder"):
    """Chapter 5's RegularizedAutoencoder around a fresh `regularized_encoder_decoder`.

    penalty(model, inputs, code) -> scalar, added to the BCE (e.g. `l1_penalty`);
    corrupt(x) -> x, applied to the input of every batch (e.g. `gaussian_corruption`).
    Returns the model, not compiled; compile it with an optimizer only (the loss
    is in its train_step).
    """
    import keras
    import tensorflow as tf
    from keras import ops

    class RegularizedAutoencoder(keras.Model):
        """Encoder + decoder, trained on reconstruction + penalty (+ input corruption)."""

        def __init__(self, encoder, decoder, penalty=None, corrupt=None, **kwargs):
            super().__init__(**kwargs)
            self.encoder, self.decoder = encoder, decoder
            self.penalty, self.corrupt = penalty, corrupt
            self.reconstruction_tracker = keras.metrics.Mean(name="reconstruction")
            self.penalty_tracker = keras.metrics.Mean(name="penalty")

        @property
        def metrics(self):
            return [self.reconstruction_tracker, self.penalty_tracker]

        @property
        def input_shape(self):  # as a functional model has, for fit_autoencoder
            return self.encoder.input_shape

        def call(self, x):
            return self.decoder(self.encoder(x))

        def train_step(self, x):
            x = x[0] if isinstance(x, tuple) else x  # fit(x) or fit(x, x)
            inputs = self.corrupt(x) if self.corrupt else x
            with tf.GradientTape() as tape:
                code = self.encoder(inputs, training=True)
                rebuilt = self.decoder(code, training=True)
                reconstruction = ops.mean(keras.losses.binary_crossentropy(x, rebuilt))
                penalty = self.penalty(self, inputs, code) if self.penalty else 0.0
                loss = reconstruction + penalty
            grads = tape.gradient(loss, self.trainable_weights)
            self.optimizer.apply_gradients(zip(grads, self.trainable_weights))
            self.reconstruction_tracker.update_state(reconstruction)
            self.penalty_tracker.update_state(penalty)
            return {m.name: m.result() for m in self.metrics}

    encoder, decoder = regularized_encoder_decoder(units)
    model = RegularizedAutoencoder(encoder, decoder, penalty, corrupt, name=name)
    model.build((None, 784))
    return model


def l1_penalty(model, inputs, code):
    """L1_WEIGHT times the code's L1 norm, averaged over the batch."""
    from keras import ops
    return L1_WEIGHT * ops.mean(ops.sum(ops.abs(code), axis=1))


def kl_penalty(model, inputs, code):
    """KL_WEIGHT times the sum over units of KL(RHO || mean activation in the batch)."""
    from keras import ops
    rho_hat = ops.clip(ops.mean(code, axis=0), 1e-7, 1 - 1e-7)
    kl = RHO * ops.log(RHO / rho_hat) + (1 - RHO) * ops.log((1 - RHO) / (1 - rho_hat))
    return KL_WEIGHT * ops.sum(kl)


def contractive_penalty(model, inputs, code):
    """CAE_WEIGHT times the squared Frobenius norm of the encoder's Jacobian, batch mean
    (closed form for a one-layer encoder with an elementwise sigmoid)."""
    from keras import ops
    kernel = model.encoder.get_layer("code").kernel
    return CAE_WEIGHT * ops.mean(ops.sum((code * (1 - code)) ** 2 * ops.sum(kernel**2, axis=0), axis=1))


def gaussian_corruption(x):
    """x plus Gaussian noise of standard deviation TRAIN_SIGMA, clipped to [0, 1]."""
    import keras
    from keras import ops
    return ops.clip(x + TRAIN_SIGMA * keras.random.normal(ops.shape(x)), 0.0, 1.0)
