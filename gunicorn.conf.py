"""Gunicorn settings for Lantern, from the environment; access logs carry no personal data."""

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
max_requests = 1000
max_requests_jitter = 100
# Heartbeat files in memory, not on the container's overlay disk.
worker_tmp_dir = "/dev/shm" if os.path.isdir("/dev/shm") else None  # noqa: S108
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1,::1")
# No runtime control socket (gunicornc) in $HOME: nothing uses it.
control_socket_disable = True

accesslog = "-"
# Survivor safety: no client IP, user agent, referrer or query string, which can identify
# people or carry what they searched for. Method, path, status, duration in ms and the Host.
access_log_format = "%(m)s %(U)s %(s)s %(M)sms host=%({host}i)s"
