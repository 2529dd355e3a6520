"""The live transport: an ephemeral container in each source pod, commands run by exec.

An ephemeral container shares the pod's network namespace, so probes carry the pod's own
identity and policies (no label cloning). Kubernetes cannot remove ephemeral containers;
netfence's run ``sleep`` for a bounded time and then exit on their own.
"""

from __future__ import annotations

import secrets
import time
from collections.abc import Callable, Sequence
from typing import Any

from kubernetes import client
from kubernetes.client.exceptions import ApiException
from kubernetes.stream import stream
from websocket import WebSocketException

from netfence.cluster.connect import Connection
from netfence.cluster.errors import ClusterError
from netfence.cluster.probecmd import BusyboxCommands, ExecResult
from netfence.model import Endpoint

DEFAULT_IMAGE = "busybox:1.36"
START_TIMEOUT = 60.0
POLL_INTERVAL = 1.0


def ephemeral_container(name: str, image: str, lifetime: int) -> dict[str, Any]:
    """The ephemeral container netfence adds: unprivileged (fits PodSecurity "restricted"),
    sleeps, then exits on its own."""
    return {
        "name": name,
        "image": image,
        "command": ["sleep", str(lifetime)],
        "stdin": False,
        "tty": False,
        "securityContext": {
            "allowPrivilegeEscalation": False,
            "runAsNonRoot": True,
            "runAsUser": 65534,
            "capabilities": {"drop": ["ALL"]},
            "seccompProfile": {"type": "RuntimeDefault"},
        },
    }


def container_state(pod: dict[str, Any], name: str) -> tuple[str, str]:
    """``running`` / ``waiting`` / ``terminated`` / ``unknown`` and the reason given."""
    for status in (pod.get("status") or {}).get("ephemeralContainerStatuses") or []:
        if status.get("name") == name:
            state = status.get("state") or {}
            for key in ("running", "terminated", "waiting"):
                if key in state:
                    return key, str((state[key] or {}).get("reason") or "")
    return "unknown", ""


class KubeExecTransport:
    """Probe from live pods through ephemeral containers and the exec subresource."""

    def __init__(
        self,
        connection: Connection,
        image: str = DEFAULT_IMAGE,
        lifetime: int = 900,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self.commands = BusyboxCommands()
        self._connection = connection
        self._core = client.CoreV1Api(connection.api)
        self._image = image
        self._lifetime = lifetime
        self._sleep = sleep
        self._containers: dict[str, str] = {}

    def prepare(self, source: Endpoint) -> str | None:
        """Add an ephemeral container to ``source`` and wait until it runs."""
        name = f"netfence-probe-{secrets.token_hex(3)}"
        body = {
            "spec": {
                "ephemeralContainers": [ephemeral_container(name, self._image, self._lifetime)]
            }
        }
        try:
            self._connection.call(
                self._core.patch_namespaced_pod_ephemeralcontainers,
                source.name,
                source.namespace,
                body,
                _content_type="application/strategic-merge-patch+json",
            )
        except ClusterError as exc:
            return f"cannot add an ephemeral container: {exc}"
        self._containers[source.id] = name
        waited = 0.0
        while waited <= START_TIMEOUT:
            pod = self._connection.call(
                self._core.read_namespaced_pod, source.name, source.namespace
            )
            state, reason = container_state(pod, name)
            if state == "running":
                return None
            if state == "terminated" or reason in ("ErrImagePull", "ImagePullBackOff"):
                return f"probe container {state}: {reason or 'no reason given'}"
            self._sleep(POLL_INTERVAL)
            waited += POLL_INTERVAL
        return f"probe container not running after {START_TIMEOUT:.0f}s"

    def run(self, source: Endpoint, argv: Sequence[str], timeout: float) -> ExecResult:
        """Run ``argv`` in the source's probe container; its output and exit code."""
        try:
            response = stream(
                self._core.connect_get_namespaced_pod_exec,
                source.name,
                source.namespace,
                container=self._containers[source.id],
                command=list(argv),
                stderr=True,
                stdin=False,
                stdout=True,
                tty=False,
                _preload_content=False,
            )
            response.run_forever(timeout=timeout + 10)
            code = response.returncode
            output = response.read_all()
            response.close()
        except (ApiException, WebSocketException, OSError, ValueError, KeyError, TypeError) as exc:
            return ExecResult(None, f"exec failed: {exc}")
        return ExecResult(code, str(output))

    def cleanup(self) -> list[str]:
        """Ephemeral containers cannot be removed: say where they are and when they exit."""
        return [
            f"{ident}: ephemeral container {name} exits by itself within {self._lifetime}s"
            for ident, name in sorted(self._containers.items())
        ]
