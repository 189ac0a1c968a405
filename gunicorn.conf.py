"""gunicorn settings for Trellis: `gunicorn -c gunicorn.conf.py wsgi:app`.

Access log lines carry no paths or query strings (they can hold one-time tokens) and no
referrer: the method, status, size and duration are enough to operate the service.
"""

import os

bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000")
workers = int(os.environ.get("GUNICORN_WORKERS", "4"))
accesslog = "-"
access_log_format = '%(h)s %(t)s "%(m)s" %(s)s %(B)s %(M)sms'
errorlog = "-"
# The app's own logging filter also masks tokens if a path ever reaches a message.
