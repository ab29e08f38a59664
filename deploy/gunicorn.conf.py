"""gunicorn settings for production: gunicorn -c deploy/gunicorn.conf.py app:app

The documented proxy (Varnish, or nginx) runs on the same host and is the only client whose
forwarded headers are believed. No client may set SCRIPT_NAME or PATH_INFO: the site's root
comes from NEWSROOM_SITE_URL (newsroom/delivery/app_root.py), so those headers are dropped.
"""

import multiprocessing
import os

bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000")
workers = int(os.environ.get("WEB_CONCURRENCY", multiprocessing.cpu_count() * 2 + 1))
worker_class = "sync"
timeout = 30
graceful_timeout = 20

# Only the proxy on this host may say the request came over HTTPS (X-Forwarded-Proto).
forwarded_allow_ips = os.environ.get("NEWSROOM_PROXY_IPS", "127.0.0.1,::1")
# Nobody, the proxy included, may move the application root (F-1): no SCRIPT_NAME header.
forwarder_headers = ""
# Header names with an underscore cannot be told apart from dashes: drop them.
header_map = "drop"

# K2 (RELIABILITY.md): a search of up to 10,000 characters, each percent-encoded as UTF-8
# (up to 9 bytes per character as %XX%XX%XX), fits in the request line.
limit_request_line = 0  # no limit: the longest address K2 promises is ~90 kB
limit_request_fields = 100
limit_request_field_size = 16 * 1024
