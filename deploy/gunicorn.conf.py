"""gunicorn's settings for fazhi (deploy/compose.yaml and deploy/systemd/fazhi-web.service).

Sizing (docs/operations.md): a worker process per core, with a few threads each (pages wait on
the database more than they compute); a page at a province's scale may take seconds, an export
longer, hence the timeout. Workers are replaced after a number of requests so that memory a
large export took is given back.
"""

import os

bind = os.environ.get("FAZHI_BIND", "0.0.0.0:8000")
workers = int(os.environ.get("FAZHI_WEB_WORKERS", str(os.cpu_count() or 2)))
threads = int(os.environ.get("FAZHI_WEB_THREADS", "4"))
timeout = 120
graceful_timeout = 60
max_requests = 2000
max_requests_jitter = 200
# the access log to stdout (journald, docker logs); the client's address is the proxy's X-Real-IP
accesslog = "-"
access_log_format = '%({x-real-ip}i)s %(l)s %(u)s %(t)s "%(r)s" %(s)s %(b)s %(M)sms'
errorlog = "-"
