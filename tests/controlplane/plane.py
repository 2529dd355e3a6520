"""A real control plane for tests: etcd and kube-apiserver on loopback, nothing left behind.

The binaries come from ``NETFENCE_K8S_BIN`` (scripts/k8s-parts.sh builds them). Each process
runs in its own process group and gets SIGKILL when the test process dies (PR_SET_PDEATHSIG),
so a killed pytest leaves no server; a normal or interrupted run stops them and removes the
temporary folder (finalizer and atexit). Folders of earlier runs whose owner died are removed.
"""

from __future__ import annotations

import atexit
import base64
import contextlib
import ctypes
import json
import os
import shutil
import signal
import socket
import subprocess
import tempfile
import time
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import pytest
import urllib3
import yaml

from tests.controlplane.certs import Authority, KeyPair, service_account_keys

REQUIRE = "NETFENCE_REQUIRE_CONTROLPLANE"
BINARIES = ("kube-apiserver", "etcd", "kubectl", "helm", "kustomize")
FOLDER_PREFIX = "netfence-controlplane-"
OWNER_FILE = "owner.pid"
ADMIN = "admin"
READER = "reader"
READER_NAME = "netfence-reader"
START_TIMEOUT = 120.0
# The rules of ClusterRole ``view``: ``view`` itself is filled in by the controller manager's
# aggregation controller, which does not run here.
VIEW_ROLE = "system:aggregate-to-view"
PR_SET_PDEATHSIG = 1
# Writes to namespaces and NetworkPolicies, one event each when the response is complete.
AUDIT_POLICY = {
    "apiVersion": "audit.k8s.io/v1",
    "kind": "Policy",
    "omitStages": ["RequestReceived", "ResponseStarted"],
    "rules": [
        {
            "level": "Metadata",
            "verbs": ["create", "patch", "update", "delete"],
            "resources": [
                {"group": "", "resources": ["namespaces"]},
                {"group": "networking.k8s.io", "resources": ["networkpolicies"]},
            ],
        },
        {"level": "None"},
    ],
}


def missing_binaries(folder: str | None) -> str | None:
    """Why the control plane cannot start from ``folder`` (None when it can)."""
    if not folder:
        if shutil.which("go") is None:
            return "go is not installed, so scripts/k8s-parts.sh cannot build the real parts"
        return "NETFENCE_K8S_BIN is not set (scripts/test.sh sets it from scripts/k8s-parts.sh)"
    lacking = [name for name in BINARIES if not os.access(Path(folder, name), os.X_OK)]
    if lacking:
        return f"NETFENCE_K8S_BIN={folder} lacks {', '.join(lacking)}"
    return None


def parts_or_skip() -> Path:
    """The folder of built parts, or skip the test (fail when required) saying why not."""
    folder = os.environ.get("NETFENCE_K8S_BIN")
    reason = missing_binaries(folder)
    if reason is None and folder:
        return Path(folder)
    message = f"control-plane tests need the real parts: {reason}"
    if os.environ.get(REQUIRE) == "1":
        pytest.fail(f"{REQUIRE}=1 but {message}", pytrace=False)
    pytest.skip(message)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def _die_with_parent() -> None:
    """In the child before exec: SIGKILL when the test process dies, own process group."""
    libc = ctypes.CDLL(None, use_errno=True)
    libc.prctl(PR_SET_PDEATHSIG, signal.SIGKILL)
    os.setpgid(0, 0)


def remove_orphaned_folders(parent: Path) -> None:
    """Temporary folders of earlier runs whose test process no longer exists."""
    for folder in parent.glob(f"{FOLDER_PREFIX}*"):
        try:
            owner = int((folder / OWNER_FILE).read_text())
        except (OSError, ValueError):
            continue
        if not Path(f"/proc/{owner}").exists():
            shutil.rmtree(folder, ignore_errors=True)


@dataclass
class Process:
    """One server process and its log file."""

    name: str
    popen: subprocess.Popen[bytes]
    log: Path

    def tail(self, lines: int = 15) -> str:
        try:
            text = self.log.read_text(errors="replace").splitlines()
        except OSError:
            return ""
        return "\n".join(text[-lines:])

    def stop(self) -> None:
        if self.popen.poll() is None:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.popen.pid, signal.SIGTERM)
            try:
                self.popen.wait(timeout=10)
            except subprocess.TimeoutExpired:
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(self.popen.pid, signal.SIGKILL)
                self.popen.wait(timeout=10)


class StartError(RuntimeError):
    """A server did not come up; the message ends with its log's last lines."""


@dataclass
class ControlPlane:
    """etcd + kube-apiserver in a temporary folder, with admin and read-only users."""

    bin: Path
    folder: Path = field(init=False)
    port: int = field(init=False, default=0)
    processes: list[Process] = field(default_factory=list)
    users: dict[str, KeyPair] = field(default_factory=dict)
    startup_seconds: float = 0.0

    def __post_init__(self) -> None:
        parent = Path(tempfile.gettempdir())
        remove_orphaned_folders(parent)
        self.folder = Path(tempfile.mkdtemp(prefix=FOLDER_PREFIX, dir=parent))
        (self.folder / OWNER_FILE).write_text(str(os.getpid()))
        self._pools: dict[str, urllib3.PoolManager] = {}

    @property
    def server(self) -> str:
        return f"https://127.0.0.1:{self.port}"

    @property
    def ca(self) -> Path:
        return self.folder / "pki" / "ca.crt"

    @property
    def kubeconfig(self) -> Path:
        return self.folder / "kubeconfig"

    @property
    def audit_log(self) -> Path:
        return self.folder / "audit.log"

    def audit(self, since: int = 0) -> list[dict[str, Any]]:
        """Audit events of writes to namespaces and policies, from line ``since`` on."""
        lines = self.audit_log.read_text().splitlines()[since:]
        return [json.loads(line) for line in lines if line.strip()]

    def start(self) -> None:
        """Certificates, etcd, kube-apiserver, /readyz, the read-only binding, kubeconfig."""
        began = time.monotonic()
        atexit.register(self.stop)
        pki = self.folder / "pki"
        pki.mkdir()
        authority = Authority(pki)
        serving = authority.issue(
            "apiserver",
            "kube-apiserver",
            server_ips=("127.0.0.1", "10.96.0.1"),
            server_names=("localhost", "kubernetes", "kubernetes.default.svc"),
        )
        self.users[ADMIN] = authority.issue(
            "admin", "netfence-admin", organization="system:masters"
        )
        self.users[READER] = authority.issue("reader", READER_NAME)
        accounts = service_account_keys(pki)
        audit_policy = self.folder / "audit-policy.yaml"
        audit_policy.write_text(yaml.safe_dump(AUDIT_POLICY))
        etcd_url = self._start_etcd()
        self.port = free_port()
        self._spawn(
            "kube-apiserver",
            [
                f"--etcd-servers={etcd_url}",
                "--bind-address=127.0.0.1",
                "--advertise-address=127.0.0.1",
                "--endpoint-reconciler-type=none",
                f"--secure-port={self.port}",
                f"--cert-dir={pki}",
                f"--tls-cert-file={serving.cert}",
                f"--tls-private-key-file={serving.key}",
                f"--client-ca-file={authority.cert}",
                "--service-account-issuer=https://kubernetes.default.svc",
                f"--service-account-key-file={accounts.cert}",
                f"--service-account-signing-key-file={accounts.key}",
                "--service-cluster-ip-range=10.96.0.0/16",
                "--authorization-mode=RBAC",
                f"--audit-policy-file={audit_policy}",
                f"--audit-log-path={self.audit_log}",
                "--profiling=false",
                "--v=0",
            ],
        )
        self._wait(lambda: self.request("GET", "/readyz", expect=None)[0] == 200, "/readyz")
        self.apply_object(
            {
                "apiVersion": "rbac.authorization.k8s.io/v1",
                "kind": "ClusterRoleBinding",
                "metadata": {"name": "netfence-reader-view"},
                "roleRef": {
                    "apiGroup": "rbac.authorization.k8s.io",
                    "kind": "ClusterRole",
                    "name": VIEW_ROLE,
                },
                "subjects": [
                    {"apiGroup": "rbac.authorization.k8s.io", "kind": "User", "name": READER_NAME}
                ],
            }
        )
        self.kubeconfig.write_text(yaml.safe_dump(self.kubeconfig_data()))
        self.kubeconfig.chmod(0o600)
        self.startup_seconds = time.monotonic() - began

    def _start_etcd(self) -> str:
        client_url = f"http://127.0.0.1:{free_port()}"
        peer_url = f"http://127.0.0.1:{free_port()}"
        self._spawn(
            "etcd",
            [
                "--name=netfence",
                f"--data-dir={self.folder / 'etcd'}",
                f"--listen-client-urls={client_url}",
                f"--advertise-client-urls={client_url}",
                f"--listen-peer-urls={peer_url}",
                f"--initial-advertise-peer-urls={peer_url}",
                f"--initial-cluster=netfence={peer_url}",
                "--unsafe-no-fsync",
                "--log-level=warn",
            ],
        )
        pool = urllib3.PoolManager(retries=False, timeout=2)

        def healthy() -> bool:
            try:
                return pool.request("GET", f"{client_url}/health").status == 200
            except urllib3.exceptions.HTTPError:
                return False

        self._wait(healthy, "etcd /health")
        return client_url

    def _spawn(self, name: str, args: list[str]) -> None:
        log = self.folder / f"{name}.log"
        with log.open("wb") as out:
            popen = subprocess.Popen(
                [str(self.bin / name), *args],
                stdin=subprocess.DEVNULL,
                stdout=out,
                stderr=subprocess.STDOUT,
                preexec_fn=_die_with_parent,
                cwd=self.folder,
            )
        self.processes.append(Process(name, popen, log))

    def _wait(self, ready: Callable[[], bool], what: str) -> None:
        deadline = time.monotonic() + START_TIMEOUT
        while time.monotonic() < deadline:
            for process in self.processes:
                if process.popen.poll() is not None:
                    raise StartError(
                        f"{process.name} exited with {process.popen.returncode} while waiting "
                        f"for {what}:\n{process.tail()}"
                    )
            try:
                if ready():
                    return
            except urllib3.exceptions.HTTPError:
                pass
            time.sleep(0.25)
        raise StartError(f"{what} not ready in {START_TIMEOUT:.0f} s:\n{self.processes[-1].tail()}")

    def stop(self) -> None:
        """Stop every process (newest first) and remove the temporary folder."""
        for process in reversed(self.processes):
            process.stop()
        self.processes.clear()
        for pool in self._pools.values():
            pool.clear()
        shutil.rmtree(self.folder, ignore_errors=True)
        atexit.unregister(self.stop)

    def pool(self, user: str = ADMIN) -> urllib3.PoolManager:
        if user not in self._pools:
            pair = self.users[user]
            self._pools[user] = urllib3.PoolManager(
                maxsize=16,
                block=True,
                cert_reqs="CERT_REQUIRED",
                ca_certs=str(self.ca),
                cert_file=str(pair.cert),
                key_file=str(pair.key),
                retries=False,
                timeout=urllib3.Timeout(connect=5, read=60),
            )
        return self._pools[user]

    def request(
        self,
        method: str,
        path: str,
        body: Mapping[str, Any] | None = None,
        *,
        user: str = ADMIN,
        params: Mapping[str, str] | None = None,
        content_type: str = "application/json",
        expect: Iterable[int] | None = (200, 201),
    ) -> tuple[int, dict[str, Any]]:
        """One API call as ``user``; the status and decoded JSON answer."""
        query = ("?" + urlencode(dict(params))) if params else ""
        response = self.pool(user).request(
            method,
            f"{self.server}{path}{query}",
            body=json.dumps(body).encode() if body is not None else None,
            headers={"Content-Type": content_type, "Accept": "application/json"},
        )
        try:
            data = json.loads(response.data or b"{}")
        except ValueError:
            data = {"raw": response.data.decode(errors="replace")}
        if expect is not None and response.status not in tuple(expect):
            raise AssertionError(f"{method} {path} answered {response.status}: {data}")
        return response.status, data if isinstance(data, dict) else {"value": data}

    def apply_object(self, obj: Mapping[str, Any], manager: str = "netfence-tests") -> None:
        """Server-side apply of one object as the admin."""
        self.request(
            "PATCH",
            object_path(obj),
            obj,
            params={"fieldManager": manager, "force": "true"},
            content_type="application/apply-patch+yaml",
        )

    def wait_for_crd(self, name: str) -> None:
        """Until the CustomResourceDefinition ``name`` is Established."""
        path = f"/apis/apiextensions.k8s.io/v1/customresourcedefinitions/{name}"

        def established() -> bool:
            conditions = (self.request("GET", path)[1].get("status") or {}).get("conditions")
            return any(
                c.get("type") == "Established" and c.get("status") == "True"
                for c in conditions or []
            )

        self._wait(established, f"CRD {name}")

    def kubeconfig_data(self) -> dict[str, Any]:
        """Contexts ``admin`` (current) and ``reader`` with embedded client certificates."""

        def b64(path: Path) -> str:
            return base64.b64encode(path.read_bytes()).decode()

        return {
            "apiVersion": "v1",
            "kind": "Config",
            "clusters": [
                {
                    "name": "netfence-test",
                    "cluster": {"server": self.server, "certificate-authority-data": b64(self.ca)},
                }
            ],
            "users": [
                {
                    "name": user,
                    "user": {
                        "client-certificate-data": b64(pair.cert),
                        "client-key-data": b64(pair.key),
                    },
                }
                for user, pair in self.users.items()
            ],
            "contexts": [
                {"name": user, "context": {"cluster": "netfence-test", "user": user}}
                for user in self.users
            ],
            "current-context": ADMIN,
        }


PLURALS = {
    "Namespace": "namespaces",
    "ServiceAccount": "serviceaccounts",
    "Pod": "pods",
    "Service": "services",
    "NetworkPolicy": "networkpolicies",
    "ClusterRoleBinding": "clusterrolebindings",
    "ClusterRole": "clusterroles",
    "CustomResourceDefinition": "customresourcedefinitions",
    "Deployment": "deployments",
    "DaemonSet": "daemonsets",
}


def collection_path(api_version: str, kind: str, namespace: str | None = None) -> str:
    """The REST path of a kind's collection (in ``namespace`` when given)."""
    prefix = "/api/v1" if api_version == "v1" else f"/apis/{api_version}"
    scope = f"/namespaces/{namespace}" if namespace else ""
    return f"{prefix}{scope}/{PLURALS[kind]}"


def object_path(obj: Mapping[str, Any]) -> str:
    meta = obj.get("metadata") or {}
    base = collection_path(str(obj["apiVersion"]), str(obj["kind"]), meta.get("namespace"))
    return f"{base}/{meta['name']}"


@dataclass(frozen=True)
class Event:
    """One watch event: its type, the object's kind, namespace/name, resourceVersion, labels."""

    type: str
    kind: str
    ident: str
    resource_version: int
    obj: Mapping[str, Any]


def list_version(plane: ControlPlane, path: str) -> str:
    """The resourceVersion of a list, where a watch of the same path can start."""
    return str(plane.request("GET", path, params={"limit": "1"})[1]["metadata"]["resourceVersion"])


def events_since(plane: ControlPlane, path: str, resource_version: str) -> list[Event]:
    """Every change to ``path``'s collection after ``resource_version``, through a watch.

    The watch replays the changes since that version, then the server ends it after a second.
    """
    response = plane.pool().request(
        "GET",
        f"{plane.server}{path}?watch=1&resourceVersion={resource_version}&timeoutSeconds=1",
        headers={"Accept": "application/json"},
    )
    events = []
    for line in response.data.decode().splitlines():
        if not line.strip():
            continue
        event = json.loads(line)
        obj = event["object"]
        meta = obj.get("metadata") or {}
        ident = "/".join(p for p in (meta.get("namespace"), meta.get("name")) if p)
        events.append(
            Event(event["type"], obj.get("kind", ""), ident, int(meta["resourceVersion"]), obj)
        )
    return events
