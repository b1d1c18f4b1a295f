# salescoach for production: `docker compose up` (compose.yaml) runs it beside PostgreSQL.
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 PIP_NO_CACHE_DIR=1 PIP_DISABLE_PIP_VERSION_CHECK=1

WORKDIR /app
# the tested versions first (constraints.txt), then the package itself from this folder
COPY constraints.txt pyproject.toml README.md LICENSE ./
COPY bot ./bot
COPY coaching ./coaching
COPY storage ./storage
COPY surveys ./surveys
RUN pip install -c constraints.txt '.[postgres]' && rm -rf /app/bot /app/coaching /app/storage /app/surveys

RUN useradd --create-home --uid 10001 salescoach
USER 10001
WORKDIR /home/salescoach

EXPOSE 3000
HEALTHCHECK --interval=30s --timeout=5s --start-period=30s --retries=3 \
  CMD ["python", "-c", "import sys, urllib.request; sys.exit(urllib.request.urlopen('http://127.0.0.1:3000/healthz', timeout=4).status != 200)"]

# serve applies the migrations at start-up, checks the setup, and refuses to start on a fatal finding
CMD ["salescoach", "serve", "--http", "--port", "3000"]
