"""TensorFlow, imported without its start-up banner.

TensorFlow's C++ runtime writes lines such as "Could not find cuda drivers on your
machine" and "failed call to cuInit" to the process's stderr when it is imported and
first looks for devices, before any logging can be configured (no environment variable
silences them in TensorFlow 2.21). On a machine without a GPU they are noise, and in a
failed job's log they look like its cause. Importing this module imports TensorFlow and
lists its devices with stderr sent to /dev/null, then logs the devices it found; every
module that uses TensorFlow (globalemu, keras, margarine) imports this first.
"""

import contextlib
import logging
import os
import sys

from . import _jax  # noqa: F401 - margarine, imported after this, computes with JAX in float64


@contextlib.contextmanager
def _stderr_discarded():
    sys.stderr.flush()
    saved = os.dup(2)
    with open(os.devnull, "w") as null:
        os.dup2(null.fileno(), 2)
        try:
            yield
        finally:
            os.dup2(saved, 2)
            os.close(saved)


with _stderr_discarded():
    import tensorflow

    DEVICES = [device.name for device in tensorflow.config.list_physical_devices()]

logging.getLogger(__name__).info("TensorFlow %s devices: %s", tensorflow.__version__, DEVICES)
