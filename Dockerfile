# The tracker's production image: gunicorn serving Django; the same image runs the Celery
# worker, beat and the one-shot migrate step (see docker-compose.yml).
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1

WORKDIR /app

# Dependencies first, read from pyproject.toml, so a code change does not reinstall them.
COPY pyproject.toml ./
RUN python -c "import tomllib; print('\n'.join(tomllib.load(open('pyproject.toml', 'rb'))['project']['dependencies']))" > /tmp/requirements.txt \
    && pip install -r /tmp/requirements.txt \
    && rm /tmp/requirements.txt

COPY . .

# Static files are part of the image. The key and database below exist only for this
# command: settings refuse to load with DEBUG off without a long random key, so one is
# made here and thrown away with the command (the image never holds a key).
RUN DEBUG=false DATABASE_URL=sqlite:////tmp/build.sqlite3 \
    SECRET_KEY="$(python -c 'import secrets; print(secrets.token_urlsafe(50))')" \
    python manage.py collectstatic --noinput \
    && rm -f /tmp/build.sqlite3

# Run as an unprivileged user that owns nothing in /app. It owns only the folder where
# source snapshots are kept (the compose file mounts a volume there, shared by web and
# worker: the worker writes snapshots, the web tier serves archived copies).
RUN useradd --system --uid 10001 --no-create-home --home-dir /nonexistent tracker \
    && mkdir -p /var/lib/tracker/snapshots && chown tracker /var/lib/tracker/snapshots
ENV ARCHIVE_ROOT=/var/lib/tracker/snapshots
USER tracker

EXPOSE 8000
CMD ["gunicorn", "--config", "config/gunicorn.conf.py", "--bind", "0.0.0.0:8000"]
