"""The sandbox's Docker image: :data:`SANDBOX_IMAGE`, :func:`ensure_image`, :func:`image_present`.

The image is Python 3 on Debian with a non-root user ``sandbox`` (uid 10001) and ``/work``.
``docker/sandbox.Dockerfile`` builds it from the official Python image where a registry is
reachable; ``docker/build_offline.sh`` makes the same runtime from Debian packages
(debootstrap + ``docker import``) where it is not. :func:`ensure_image` picks between them.
"""

from __future__ import annotations

import fcntl
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

__all__ = ["BASE_IMAGE", "DOCKER_DIR", "SANDBOX_IMAGE", "ensure_image", "image_present"]

#: The runtime image every :class:`~sandbox.docker.DockerSandbox` container starts from.
SANDBOX_IMAGE = "guide-rl/sandbox:py3"
#: The registry image ``docker/sandbox.Dockerfile`` builds on.
BASE_IMAGE = "python:3.11-slim"
#: Where the build files live: the ``docker/`` folder of a source checkout.
DOCKER_DIR = Path(__file__).resolve().parents[1] / "docker"

#: Seconds a registry pull may go without progress before the offline build takes over.
PULL_STALL_S = 20.0
_LOCK_PATH = Path(tempfile.gettempdir()) / "guide-rl-sandbox-image.lock"


def image_present(client: Any, image: str = SANDBOX_IMAGE) -> bool:
    """Whether the Docker daemon behind ``client`` already holds ``image``."""
    import docker.errors

    try:
        client.images.get(image)
    except docker.errors.ImageNotFound:
        return False
    return True


def ensure_image(client: Any, image: str = SANDBOX_IMAGE) -> str:
    """Return ``image``, building the sandbox image first if the daemon lacks it.

    Tries ``docker/sandbox.Dockerfile`` when the base image can be pulled, otherwise runs
    ``docker/build_offline.sh`` (a few minutes; needs root and debootstrap). A file lock keeps
    concurrent callers from building twice.

    Raises:
        ValueError: ``image`` is not the sandbox image and the daemon does not have it.
        FileNotFoundError: the ``docker/`` build files are not there (non-editable install).
        RuntimeError: both builds failed.
    """
    if image_present(client, image):
        return image
    if image != SANDBOX_IMAGE:
        raise ValueError(f"Docker image {image!r} not found; pull or build it first")
    _check_build_files(image)
    with _LOCK_PATH.open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not image_present(client, image):
            _build(client, image)
    return image


def _check_build_files(image: str) -> None:
    if not (DOCKER_DIR / "sandbox.Dockerfile").is_file():
        raise FileNotFoundError(
            f"the sandbox image {image} is missing and its build files are not installed with "
            f"the package (looked in {DOCKER_DIR}). From a guide-rl source checkout run: "
            f"docker build -f docker/sandbox.Dockerfile -t {image} docker/   (or, without "
            f"registry access: sudo docker/build_offline.sh {image})")


def _build(client: Any, image: str) -> None:
    import docker.errors

    _say(f"building the sandbox image {image} (first use only)")
    if _pull_base(client):
        try:
            client.images.build(path=str(DOCKER_DIR), dockerfile="sandbox.Dockerfile", tag=image,
                                rm=True, forcerm=True, pull=False)
            _say(f"built {image} from {BASE_IMAGE}")
            return
        except (docker.errors.BuildError, docker.errors.APIError) as error:
            _say(f"Dockerfile build failed ({error}); trying the offline build")
    _build_offline(image)


def _pull_base(client: Any) -> bool:
    """Pull :data:`BASE_IMAGE`; False when the registry fails or stalls for PULL_STALL_S."""
    if image_present(client, BASE_IMAGE):
        return True
    _say(f"pulling {BASE_IMAGE}")
    state = {"last": time.monotonic(), "done": False, "error": ""}

    def pull() -> None:
        try:
            for _ in client.api.pull(BASE_IMAGE, stream=True, decode=True):
                state["last"] = time.monotonic()
            state["done"] = True
        except Exception as error:  # noqa: BLE001 - any failure means "use the offline build"
            state["error"] = str(error)

    worker = threading.Thread(target=pull, daemon=True)
    worker.start()
    while worker.is_alive() and time.monotonic() - float(state["last"]) < PULL_STALL_S:
        worker.join(timeout=0.5)
    if state["done"] and image_present(client, BASE_IMAGE):
        return True
    _say(f"registry not reachable ({state['error'] or 'no progress'}); building offline")
    return False


def _build_offline(image: str) -> None:
    script = DOCKER_DIR / "build_offline.sh"
    _say(f"running {script} (debootstrap; takes a few minutes)")
    done = subprocess.run(["sh", str(script), image], stdout=sys.stderr, check=False)
    if done.returncode != 0:
        raise RuntimeError(f"{script} failed with exit code {done.returncode}; build the image "
                           f"by hand: sudo {script} {image}")


def _say(message: str) -> None:
    print(f"[guide-rl sandbox] {message}", file=sys.stderr, flush=True)


def main(argv: list[str] | None = None) -> int:
    """``python -m sandbox.images``: make sure the sandbox image exists and print its name."""
    import argparse

    import docker

    parser = argparse.ArgumentParser(
        prog="python -m sandbox.images",
        description=f"Make sure the Docker daemon holds the sandbox image {SANDBOX_IMAGE} and "
                    "print its name. If it is missing, build it: from "
                    f"docker/sandbox.Dockerfile (FROM {BASE_IMAGE}) when the registry answers, "
                    "else offline from Debian packages with docker/build_offline.sh "
                    "(debootstrap, then docker import; needs root, takes a few minutes). "
                    "Exit status 1 if neither build works.")
    parser.add_argument("--check", action="store_true",
                        help="only report whether the image is present (exit 1 if not); "
                             "build nothing")
    args = parser.parse_args(argv)
    try:
        client = docker.from_env(version="auto")
        if args.check:
            present = image_present(client)
            print(f"{SANDBOX_IMAGE}: {'present' if present else 'missing'}")
            return 0 if present else 1
        client = docker.from_env(version="auto")
        print(ensure_image(client))
    except Exception as exc:  # noqa: BLE001 - a command-line tool reports, it does not trace
        _say(f"could not provide {SANDBOX_IMAGE}: {exc}")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
