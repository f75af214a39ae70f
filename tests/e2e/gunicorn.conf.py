"""gunicorn settings for the browser scenarios: none, on purpose.

gunicorn reads ./gunicorn.conf.py by default, and the repository's one is for production
(UPRAVA_ENV=production, secure cookies, JSON logs). The scenarios run the development
config over plain HTTP on 127.0.0.1, so the harness points gunicorn at this empty file.
"""
