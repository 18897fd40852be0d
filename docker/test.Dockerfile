# The test image: guide-rl and its verifier and sandbox test suites on the sandbox runtime image.
#
# Build it with docker/build_test_image.sh, which assembles the context (the source tree, wheels
# of every dependency) so that the build needs no network:
#   bash docker/build_test_image.sh
#   docker run --rm --init guide-rl/tests pytest tests/verifiers tests/sandbox
# Inside the container the code tests use the "process" sandbox backend (rlimits and an
# unprivileged user), the container itself being the isolation.
ARG BASE=guide-rl/sandbox:py3
FROM ${BASE}
USER root
COPY wheels /tmp/wheels
# pip runs from its own wheel: the base image need not ship pip.
RUN set -- /tmp/wheels/pip-*.whl \
    && python3 "$1/pip" install --quiet --no-index --find-links /tmp/wheels \
        --break-system-packages --root-user-action=ignore "guide-rl[dev]" \
    && rm -rf /tmp/wheels
COPY src /src
ENV PYTHONDONTWRITEBYTECODE=1 GUIDE_RL_TEST_IMAGE=1
WORKDIR /src
CMD ["pytest", "tests/verifiers", "tests/sandbox"]
