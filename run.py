"""WSGI entry point: `flask --app run.py ...` or `gunicorn run:app`."""

from app import create_app

app = create_app()
