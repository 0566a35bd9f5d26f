"""gunicorn settings for the skill as an Alexa web service (the [server] install extra).

Run behind a TLS-terminating reverse proxy on the same host (docs/web-service.md):

    SKILL_ID=amzn1.ask.skill.... TABLE_NAME=... \
        gunicorn -c infra/web/gunicorn.conf.py 'runner_strength.web.server:production_app()'

`runner-strength serve` (waitress, in the [web] extra) is the portable alternative with the same
app and verification; gunicorn is the usual choice on Linux when a process manager restarts
workers and several cores serve requests.

Command-line options override these (`--bind`, `--workers`); the skill's own settings (SKILL_ID,
TABLE_NAME, LOG_LEVEL ...) come from the environment through runner_strength/config.py.
"""

# Loopback only: the reverse proxy in front terminates HTTPS; Alexa never reaches this port.
bind = "127.0.0.1:8080"
# Threads in few processes: a turn is milliseconds of CPU and waits on the store and Alexa's
# APIs. Each worker builds the skill once (content, store client) and serves many requests.
worker_class = "gthread"
workers = 2
threads = 8
# Alexa gives up after 8 s; a request still running after 7 s is a stuck one, so the worker is
# recycled rather than left hanging (the same 7 s as the Lambda function's timeout).
timeout = 7
graceful_timeout = 10
# The proxy keeps connections open to gunicorn; a short keep-alive frees threads from idle ones.
keepalive = 10
# Alexa's requests are small: the same header limits as waitress's in `serve`.
limit_request_line = 8190
limit_request_fields = 100
limit_request_field_size = 16384
# The proxy on this host sets X-Forwarded-For / -Proto; trust it and nobody else.
forwarded_allow_ips = "127.0.0.1,::1"
# Build the app in each worker after the fork: boto3 clients and sockets must not be shared.
preload_app = False
# One line per request to stdout (no query strings: requests carry none), errors to stderr.
accesslog = "-"
errorlog = "-"
loglevel = "info"
