"""Deployment files: the entrypoint, gunicorn settings, health checks, production requirements."""
