import numpy as np
import pytest

from aelib import metrics, models


def test_dense_autoencoder_shapes_and_training_lowers_error():
    import keras
    keras.utils.set_random_seed(0)
    auto, enc, dec = models.dense_autoencoder(code_size=8, hidden=(32,))
    assert [l.name for l in enc.layers[1:]] == ["encoder_1", "code"]
    assert [l.name for l in dec.layers[1:]] == ["decoder_1", "reconstruction"]
    x = np.random.default_rng(0).random((256, 28, 28)).astype(np.float32) ** 4
    auto.compile(optimizer="adam", loss="binary_crossentropy")
    before = metrics.per_image_squared_error(x, auto.predict(x.reshape(256, 784), verbose=0))
    history = models.fit_autoencoder(auto, x, epochs=5, batch_size=32, x_val=x[:32])
    after = metrics.per_image_squared_error(x, auto.predict(x.reshape(256, 784), verbose=0))
    assert history.seconds > 0 and len(history.history["val_loss"]) == 5
    assert after < before
    assert enc.predict(x[:3].reshape(3, 784), verbose=0).shape == (3, 8)


def test_bad_arguments():
    with pytest.raises(ValueError, match="code_size"):
        models.dense_autoencoder(code_size=0)
    auto, _, _ = models.dense_autoencoder(code_size=4)
    auto.compile(optimizer="adam", loss="mse")
    with pytest.raises(ValueError, match="divide by 255"):
        models.fit_autoencoder(auto, np.full((4, 784), 200.0, dtype=np.float32), epochs=1)


def test_conv_autoencoder_shapes():
    auto, enc = models.conv_autoencoder()
    x = np.random.default_rng(0).random((2, 28, 28, 1)).astype(np.float32)
    assert auto.predict(x, verbose=0).shape == (2, 28, 28, 1)
    assert enc.predict(x, verbose=0).shape == (2, 4, 4, 8)


def test_strided_conv_autoencoder_matches_chapter_4():
    auto, enc = models.strided_conv_autoencoder()
    x = np.random.default_rng(0).random((2, 28, 28, 1)).astype(np.float32)
    assert auto.predict(x, verbose=0).shape == (2, 28, 28, 1)
    assert enc.predict(x, verbose=0).shape == (2, 4, 4, 8)
    assert auto.count_params() == 9_593  # chapter 4's shape table
    with pytest.raises(ValueError, match="filters"):
        models.strided_conv_autoencoder(filters=0)


def test_import_and_setup_without_tensorflow():
    """`import aelib` starts no TensorFlow; setup(tensorflow=False) neither (the results chapter)."""
    import subprocess
    import sys
    script = ("import sys, aelib, numpy as np, matplotlib as mpl\n"
              "assert 'tensorflow' not in sys.modules\n"
              "aelib.setup(seed=3, tensorflow=False)\n"
              "a = np.random.rand()\n"
              "aelib.setup(seed=3, tensorflow=False, verbose=False)\n"
              "assert np.random.rand() == a and mpl.rcParams['figure.facecolor'] == 'white'\n"
              "print('tensorflow' in sys.modules)\n")
    out = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True).stdout
    lines = out.splitlines()
    assert len(lines) == 2 and lines[0].endswith("| seed 3 | TensorFlow not loaded") and lines[1] == "False", out


def test_deep_autoencoder_has_a_linear_code():
    auto, enc, dec = models.deep_autoencoder((128, 64), 32)
    code = enc.get_layer("code")
    assert code.get_config()["activation"] == "linear" and code.units == 32
    assert [enc.get_layer(f"encoder_{i}").get_config()["activation"] for i in (1, 2)] == ["relu", "relu"]
    assert dec.get_layer("reconstruction").get_config()["activation"] == "sigmoid"
    assert auto.count_params() == 222_384  # 784-128-64-32-64-128-784


@pytest.mark.parametrize("penalty, corrupt", [
    (None, None), (models.l1_penalty, None), (models.kl_penalty, None),
    (models.contractive_penalty, None), (None, models.gaussian_corruption)])
def test_regularized_autoencoder_trains_with_each_penalty(penalty, corrupt):
    import keras
    keras.utils.set_random_seed(0)
    model = models.regularized_autoencoder(penalty, corrupt, units=64)
    model.compile(optimizer=keras.optimizers.Adam(3e-3))
    x = np.random.default_rng(0).random((256, 784)).astype(np.float32) ** 4
    history = models.fit_autoencoder(model, x, epochs=3, batch_size=64)  # fit(x, x) works too
    losses = history.history["reconstruction"]
    assert losses[-1] < losses[0], losses
    penalties = history.history["penalty"]
    assert (penalties[-1] > 0) == (penalty is not None), penalties
    assert model.encoder(x[:2]).shape == (2, 64) and model(x[:2]).shape == (2, 784)
    assert model.count_params() == 784 * 64 + 64 + 64 * 784 + 784


def test_contractive_penalty_is_the_jacobian_norm():
    """The closed form equals the squared Frobenius norm of the encoder's Jacobian (by the tape)."""
    import tensorflow as tf
    model = models.regularized_autoencoder(units=16)
    x = tf.constant(np.random.default_rng(1).random((3, 784)).astype(np.float32))
    with tf.GradientTape() as tape:
        tape.watch(x)
        code = model.encoder(x)
    jacobian = tape.batch_jacobian(code, x)
    expected = models.CAE_WEIGHT * float(tf.reduce_mean(tf.reduce_sum(jacobian ** 2, axis=[1, 2])))
    assert float(models.contractive_penalty(model, x, code)) == pytest.approx(expected, rel=1e-4)


def test_conv_dense_code_autoencoder_shapes():
    auto, enc = models.conv_dense_code_autoencoder(30)
    x = np.random.default_rng(0).random((2, 28, 28, 1)).astype(np.float32)
    assert auto.predict(x, verbose=0).shape == (2, 28, 28, 1)
    assert enc.predict(x, verbose=0).shape == (2, 30)
    assert enc.get_layer("code").get_config()["activation"] == "linear"
    # 320 + 18,496 (convs) + 94,110 (code) + 97,216 (back) + 18,464 + 289 (transposed convs)
    assert auto.count_params() == 228_895
    with pytest.raises(ValueError, match="filters"):
        models.conv_dense_code_autoencoder(30, filters=(0, 8))


def test_reconstruct_matches_predict_in_any_shape():
    auto, _ = models.strided_conv_autoencoder()
    x = np.random.default_rng(2).random((7, 784)).astype(np.float32)
    out = models.reconstruct(auto, x, batch_size=3)  # batches of 3, 3 and 1
    assert out.shape == (7, 784) and out.dtype == np.float32
    np.testing.assert_allclose(out, auto.predict(x.reshape(7, 28, 28, 1), verbose=0).reshape(7, 784), atol=1e-5)
    with pytest.raises(ValueError, match="divide by 255"):
        models.reconstruct(auto, x * 255)


def test_architecture_tells_builders_apart_by_any_layer_setting():
    """aelib.checks.architecture: the chapters' Checks compare written-out models with
    aelib's builders through it, so it must see each setting that changes a model."""
    import keras
    from keras import layers

    from aelib.checks import architecture

    def conv(shape=(28, 28, 1), **changed):
        settings = dict(filters=8, kernel_size=3, strides=2, padding="same", activation="relu",
                        use_bias=True)
        settings.update(changed)
        inputs = keras.Input(shape=shape)
        return keras.Model(inputs, layers.Conv2D(**settings)(inputs))

    base = architecture(conv())
    assert base == architecture(conv())
    for change in (dict(strides=1), dict(padding="valid"), dict(kernel_size=5), dict(filters=4),
                   dict(use_bias=False), dict(activation="sigmoid"), dict(shape=(32, 32, 1))):
        assert architecture(conv(**change)) != base, change
    # Nested encoder and decoder are expanded; the code activation is seen.
    deep = architecture(models.deep_autoencoder((16,), 4)[0])
    assert [row[0] for row in deep].count("Dense") == 4
    assert deep != architecture(models.dense_autoencoder(4, hidden=(16,))[0])  # ReLU code, not linear
    # A model built flat, one built from an encoder and a decoder, and a Sequential
    # one compare equal when their layers are the same.
    flat_input = keras.Input(shape=(784,))
    flat_hidden = layers.Dense(32, activation="relu")(flat_input)
    flat = keras.Model(flat_input, layers.Dense(784, activation="sigmoid")(flat_hidden))
    sequential = keras.Sequential([keras.Input((784,)), layers.Dense(32, activation="relu"),
                                   layers.Dense(784, activation="sigmoid")])
    nested = architecture(models.dense_autoencoder(32)[0])
    assert architecture(flat) == nested == architecture(sequential)
    # The input shape counts, for a subclassed two-part model too.
    assert architecture(models.regularized_autoencoder())[0] == ("input", (None, 784))
