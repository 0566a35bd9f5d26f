"""The skill as a self-hosted Alexa web service: flask-ask-sdk, verification on `cryptography`.

Importing the package first runs `compat.ensure_importable()`, because flask-ask-sdk cannot be
imported on OpenSSL 3.0.10+ without it (see `runner_strength.web.compat`); every module here may
then import the SDK normally.
"""

from runner_strength.web.compat import ensure_importable

ensure_importable()
