"""gunicorn settings for `make serve` (production): `gunicorn -c gunicorn.conf.py run:app`.

Every worker is a separate process holding its own database pool; workers and hosts share
nothing but the database, the files folder and the jobs queue (and Redis for login throttling,
when RATELIMIT_STORAGE_URI points at it), so more of them can be added behind the reverse proxy.
"""

import multiprocessing
import os

bind = os.environ.get("UPRAVA_BIND", "127.0.0.1:8000")
workers = int(os.environ.get("WEB_CONCURRENCY", min(2 * multiprocessing.cpu_count() + 1, 8)))
threads = int(os.environ.get("UPRAVA_THREADS", "1"))
# Report pages over a year of appeals may take a while; a stuck worker is still recycled.
# Imports and long exports no longer run in a request: the background-jobs worker (`flask app
# worker`, started beside gunicorn by `make serve`) does them, so the timeout only bounds pages.
timeout = int(os.environ.get("UPRAVA_TIMEOUT", "120"))
graceful_timeout = 30
keepalive = 5
# Recycle workers now and then so that a slow leak never grows for weeks.
max_requests = 2000
max_requests_jitter = 200
# No preload: each worker builds its own app and database pool after the fork.
preload_app = False
# Trust X-Forwarded-* only from the proxy on this host; the app applies ProxyFix (PROXY_FIX_X_FOR).
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1")

# gunicorn 23+ opens a management socket in the home directory; nothing here uses it.
control_socket_disable = True

# The app logs one JSON line per request itself; gunicorn's own access log would duplicate it.
accesslog = None
errorlog = "-"
loglevel = os.environ.get("LOG_LEVEL", "info").lower()
logconfig_dict = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"json": {"()": "app.ops.logs.JsonFormatter"}},
    "handlers": {"stderr": {"class": "logging.StreamHandler", "formatter": "json", "stream": "ext://sys.stderr"}},
    "root": {"handlers": ["stderr"], "level": loglevel.upper()},
    "loggers": {
        "gunicorn.error": {"handlers": ["stderr"], "level": loglevel.upper(), "propagate": False},
        "gunicorn.access": {"handlers": [], "propagate": False},
    },
}

raw_env = ["UPRAVA_ENV=production"]
