# One image for every role in docker-compose.yml: web (gunicorn), ws (daphne), worker, beat, migrate.
FROM python:3.11-slim-bookworm

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    VAR_DIR=/app/var

WORKDIR /app

# gettext's msgfmt compiles the translations below.
RUN apt-get update && apt-get install -y --no-install-recommends gettext \
    && rm -rf /var/lib/apt/lists/*

# Dependencies first, so that a code change does not reinstall them.
COPY pyproject.toml ./
RUN pip install .

COPY . .
# Static files are collected and the translations compiled at build time (hashed names, compressed) and served by WhiteNoise;
# the compose file also copies them to a volume that nginx serves directly.
RUN DEBUG=0 SECRET_KEY=collectstatic-only STATIC_MANIFEST=1 python manage.py collectstatic --noinput \
    && python manage.py compilemessages --ignore='.*' --verbosity 0 \
    && useradd --system --uid 10001 --home-dir /app supportgroups \
    && mkdir -p /app/var /srv/static && chown -R supportgroups /app/var /srv/static

USER supportgroups
EXPOSE 8000 8001
CMD ["gunicorn", "supportgroups.wsgi:application", "--bind", "0.0.0.0:8000", "--workers", "3", \
     "--forwarded-allow-ips", "*"]
