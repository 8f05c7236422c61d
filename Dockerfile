# syntax=docker/dockerfile:1
# The CARE image: every process of the pipeline (`care worker`, `care inference`, `care topics`).
#   docker build -t care:0.1.0 .
#   docker run --rm care:0.1.0 --help
# Runs as the non-root user 10001 (the Helm chart's runAsUser), with a read-only root filesystem in
# Kubernetes: only /tmp (faust's data dir, CARE_DATA_DIR=/tmp/care-data) is written.

ARG PYTHON_IMAGE=python:3.11-slim

# --- build: install the project and its pinned dependencies into a virtual environment -------------
FROM ${PYTHON_IMAGE} AS build
ENV PIP_DISABLE_PIP_VERSION_CHECK=1 \
    PIP_NO_CACHE_DIR=1 \
    PYTHONDONTWRITEBYTECODE=1
RUN python -m venv /opt/care
WORKDIR /src
COPY pyproject.toml README.md ./
COPY services ./services
RUN /opt/care/bin/pip install --upgrade pip==25.3 \
 && /opt/care/bin/pip install . \
 && /opt/care/bin/care --help >/dev/null

# --- runtime: the virtual environment only, no compilers, no sources -------------------------------
FROM ${PYTHON_IMAGE} AS runtime
RUN groupadd --system --gid 10001 care \
 && useradd --system --uid 10001 --gid care --no-create-home --home-dir /nonexistent \
      --shell /usr/sbin/nologin care
COPY --from=build /opt/care /opt/care
ENV PATH=/opt/care/bin:$PATH \
    PYTHONUNBUFFERED=1 \
    PYTHONDONTWRITEBYTECODE=1 \
    CARE_DATA_DIR=/tmp/care-data
USER 10001:10001
WORKDIR /tmp
# gRPC (care inference) and Prometheus metrics (every process)
EXPOSE 50051 9464
ENTRYPOINT ["care"]
CMD ["--help"]
