"""Gunicorn settings for Lantern, from the environment; access logs carry no personal data."""

import gc
import os

_cores = len(os.sched_getaffinity(0))

bind = os.environ.get("GUNICORN_BIND") or f"0.0.0.0:{os.environ.get('PORT', '8000')}"
# Each Wagtail worker holds its own copy of the app in memory: cap the classic 2n+1.
workers = int(os.environ.get("WEB_CONCURRENCY") or min(2 * _cores + 1, 8))
# More than one thread turns the sync worker into gthread.
threads = int(os.environ.get("GUNICORN_THREADS", "1"))
worker_class = "sync"
timeout = 30
graceful_timeout = 20
keepalive = 5
# Recycling a worker guards against memory that grows, at the price of a cold start (imports,
# URL resolvers, templates compiled afresh) for the requests that follow. Workers stay flat
# under load (about 136 MB peak RSS whatever the network's size, docs/performance.md), so
# every ~10,000 requests is enough; jitter keeps workers from restarting all at once.
# GUNICORN_MAX_REQUESTS=0 turns recycling off; lower it if workers do grow.
max_requests = int(os.environ.get("GUNICORN_MAX_REQUESTS") or 10_000)
max_requests_jitter = max_requests // 10
# Heartbeat files in memory, not on the container's overlay disk.
worker_tmp_dir = "/dev/shm" if os.path.isdir("/dev/shm") else None  # noqa: S108
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1,::1")
# No runtime control socket (gunicornc) in $HOME: nothing uses it.
control_socket_disable = True


def post_worker_init(worker):
    """What a worker has loaded by now (Django, Wagtail, Lantern's code, the URLs) lives as
    long as the worker: take it out of the garbage collector's sight. A full collection then
    looks at what requests made, about a tenth as many objects: it took ~115 ms, once every
    few hundred requests, and made the slowest requests slower still."""
    from django.urls import get_resolver

    get_resolver().url_patterns  # noqa: B018 (imports the URLconf, as the first request would)
    gc.freeze()


accesslog = "-"
# Survivor safety: no client IP, user agent, referrer or query string, which can identify
# people or carry what they searched for. Method, path, status, duration in ms, the Host, and
# the request id the app logs with (cms.observability), to find a request's other lines.
access_log_format = "%(m)s %(U)s %(s)s %(M)sms host=%({host}i)s request_id=%({x-request-id}o)s"

# LOG_FORMAT=json: gunicorn's own lines (access and errors) are JSON objects too, like Django's.
if os.environ.get("LOG_FORMAT") == "json":
    logconfig_dict = {
        "version": 1,
        "disable_existing_loggers": False,
        "formatters": {"json": {"()": "cms.observability.JsonFormatter"}},
        "handlers": {
            "access": {
                "class": "logging.StreamHandler",
                "formatter": "json",
                "stream": "ext://sys.stdout",
            },
            "error": {
                "class": "logging.StreamHandler",
                "formatter": "json",
                "stream": "ext://sys.stderr",
            },
        },
        # Until Django's own LOGGING takes over in each worker.
        "root": {"handlers": ["error"], "level": "INFO"},
        "loggers": {
            "gunicorn.access": {"handlers": ["access"], "level": "INFO", "propagate": False},
            "gunicorn.error": {"handlers": ["error"], "level": "INFO", "propagate": False},
        },
    }
