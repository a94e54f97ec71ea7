# Podbrief: one image for `podbrief run` (HTTP or Socket Mode) and `podbrief worker`.
#   docker build -t podbrief .
#   docker run --env-file .env -p 3000:3000 -v podbrief-data:/data podbrief
#   docker run --env-file .env -e RUN_SCHEDULER=false ... podbrief            # web replicas
#   docker run --env-file .env podbrief podbrief worker                       # the one scheduler
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    PODBRIEF_DATA_DIR=/data \
    PORT=3000

RUN groupadd --system --gid 10001 podbrief \
    && useradd --system --uid 10001 --gid podbrief --home-dir /app --shell /usr/sbin/nologin podbrief \
    && mkdir -p /data && chown podbrief:podbrief /data

WORKDIR /app
COPY pyproject.toml README.md ./
COPY bot ./bot
COPY standin ./standin
COPY ingest ./ingest
COPY storage ./storage
COPY insights ./insights
RUN pip install . && rm -rf /app/build

USER podbrief
VOLUME ["/data"]
EXPOSE 3000

# Every process (HTTP, Socket Mode, worker) answers GET /healthz on PORT: 200 when the
# database answers and this process's scheduler (if any) keeps running, else 503.
HEALTHCHECK --interval=30s --timeout=5s --start-period=30s --retries=3 \
    CMD ["python", "-c", "import os, urllib.request; urllib.request.urlopen('http://127.0.0.1:%s/healthz' % os.environ.get('PORT', '3000'), timeout=4)"]

CMD ["podbrief", "run"]
