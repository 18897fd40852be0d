# The guide-rl sandbox runtime: Python 3 and a non-root user, nothing else.
# Build: docker build -f docker/sandbox.Dockerfile -t guide-rl/sandbox:py3 docker/
# Without a reachable registry, docker/build_offline.sh makes the same image from Debian packages.
FROM python:3.11-slim

RUN groupadd --gid 10001 sandbox \
    && useradd --uid 10001 --gid 10001 --home-dir /work --no-create-home --shell /bin/sh sandbox \
    && mkdir -p /work && chown 10001:10001 /work

USER 10001:10001
WORKDIR /work
