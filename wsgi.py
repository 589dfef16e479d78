"""WSGI entry point: ``gunicorn wsgi:app`` in production, ``portal serve`` in the embedded mode."""

from portal import create_app

app = create_app()
