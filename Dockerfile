# syntax=docker/dockerfile:1
# One image for every Bourse service; ECS picks the service by command (infrastructure/compute.py):
#   docker run IMAGE serve --role api --host 0.0.0.0 --port 8000 --adapters aws
#   docker run IMAGE engine --ops-port 9100 --adapters aws
# Given no command, it serves every role in one process (memory mode unless BOURSE_ADAPTERS says).

# The web page, built from its sources and pinned packages; only the built files go further.
FROM node:22-bookworm-slim AS web
# Where the page's assets are served from, when not by the app itself at /static/ (the AWS
# environment: its CloudFront name, https://static.DOMAIN/).
ARG ASSETS_URL=""
WORKDIR /web
COPY web/package.json web/package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY web/index.html web/admin.html web/vite.config.js web/tsconfig.json ./
COPY web/src src
RUN BOURSE_ASSETS_URL="$ASSETS_URL" npm run build

FROM python:3.11-slim-bookworm AS build
# Runtime extras of the package to install, comma-separated (empty: the core package only).
ARG EXTRAS=""
ENV PIP_NO_CACHE_DIR=1 PIP_DISABLE_PIP_VERSION_CHECK=1
# The install compiles the domain with mypyc (setup.py), which needs a C compiler; only this
# stage has one, the runtime stage takes the built extensions.
RUN apt-get update \
    && apt-get install -y --no-install-recommends gcc libc6-dev \
    && rm -rf /var/lib/apt/lists/*
# The virtual environment has the same path in both stages, so its scripts run unchanged.
RUN python -m venv /opt/bourse
WORKDIR /src
COPY pyproject.toml setup.py README.md ./
COPY domain domain
COPY application application
COPY adapters adapters
COPY entrypoints entrypoints
COPY infrastructure infrastructure
RUN /opt/bourse/bin/pip install ".${EXTRAS:+[$EXTRAS]}"
COPY migrations /opt/bourse/migrations

FROM python:3.11-slim-bookworm AS runtime
ENV PATH=/opt/bourse/bin:$PATH \
    PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1
RUN groupadd --system --gid 10001 bourse \
    && useradd --system --uid 10001 --gid bourse --no-create-home --shell /usr/sbin/nologin bourse
COPY --from=build /opt/bourse /opt/bourse
COPY --from=web /web/dist /opt/bourse/web
ENV BOURSE_WEB_DIST=/opt/bourse/web
USER 10001:10001
WORKDIR /opt/bourse
EXPOSE 8000 8001
ENTRYPOINT ["bourse"]
CMD ["serve", "--host", "0.0.0.0", "--port", "8000"]
