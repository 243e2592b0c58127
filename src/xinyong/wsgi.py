"""WSGI entry point: `xinyong serve` runs this under gunicorn (docs/deploy.md)."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "xinyong.settings")
application = get_wsgi_application()
