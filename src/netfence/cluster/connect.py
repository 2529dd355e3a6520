"""Connecting to a cluster the way kubectl does, and one-line errors naming the server."""

from __future__ import annotations

import json
import os
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

import urllib3
import yaml
from kubernetes import client, config
from kubernetes.client.exceptions import ApiException
from kubernetes.config.config_exception import ConfigException

from netfence.cluster.errors import ApiStatusError, ClusterError
from netfence.cluster.kubeconfig import bounded_plugins, check_kubeconfig
from netfence.sanitize import clean

IN_CLUSTER_HOST = "KUBERNETES_SERVICE_HOST"
DEFAULT_KUBECONFIG = "~/.kube/config"
ATTEMPTS = 3  # per call: transport failures and 429/503 with Retry-After are retried
BACKOFF = 0.2
MAX_ANSWER_BYTES = 256 * 1024 * 1024


@dataclass(frozen=True)
class ConnectOptions:
    """Where to connect: kubectl's ``--kubeconfig`` and ``--context``, and a request timeout."""

    kubeconfig: str | None = None
    context: str | None = None
    timeout: float = 15.0
    environ: Mapping[str, str] = field(default_factory=lambda: dict(os.environ))


@dataclass(frozen=True)
class Connection:
    """An API client plus the server and context it talks to."""

    api: client.ApiClient
    server: str
    context: str
    timeout: float
    user: str = ""

    def describe(self) -> str:
        return f"{self.server} (context {self.context})" if self.context else self.server

    def target(self) -> str:
        """Where a write goes, as kubectl names it: context, cluster server and user."""
        return (
            f"context {self.context or '(none)'}, server {self.server}, "
            f"user {self.user or '(none)'}"
        )

    def call(self, operation: Callable[..., Any], *args: Any, **kwargs: Any) -> dict[str, Any]:
        """Run one client operation and return the response JSON object; failures raise
        ClusterError. Everything, retries and their waits included, ends within ``timeout``."""
        deadline = time.monotonic() + self.timeout
        for attempt in range(ATTEMPTS):
            remaining = max(deadline - time.monotonic(), 0.1)
            try:
                with bounded_plugins(remaining) as killed:
                    response = operation(
                        *args, _preload_content=False, _request_timeout=remaining, **kwargs
                    )
                if killed:
                    raise ClusterError(killed[0])
                return self.answer(response.read(MAX_ANSWER_BYTES + 1))
            except ApiException as exc:
                wait = _retry_after(exc)
                if wait is None or attempt + 1 == ATTEMPTS or time.monotonic() + wait >= deadline:
                    raise self.status_error(exc) from None
                time.sleep(wait)
            except (urllib3.exceptions.HTTPError, OSError) as exc:
                wait = BACKOFF * 2**attempt
                if attempt + 1 == ATTEMPTS or time.monotonic() + wait >= deadline:
                    raise ClusterError(
                        f"cannot reach the Kubernetes API server at {self.describe()}: "
                        f"{_reason(exc)}"
                    ) from None
                time.sleep(wait)
        raise AssertionError("unreachable")  # pragma: no cover

    def answer(self, body: bytes) -> dict[str, Any]:
        """The JSON object the server answered; anything else is one clear ClusterError."""
        where = f"the API server at {self.server}"
        if len(body) > MAX_ANSWER_BYTES:
            raise ClusterError(f"{where} answered more than {MAX_ANSWER_BYTES} bytes")
        try:
            data = json.loads(body or b"{}")
        except ValueError:
            start = clean(body[:40].decode("utf-8", "replace"))
            raise ClusterError(f'{where} answered something that is not JSON: "{start}"') from None
        if not isinstance(data, dict):
            raise ClusterError(f"{where} answered a JSON {type(data).__name__}, not an object")
        return data

    def status_error(self, exc: ApiException) -> ApiStatusError:
        try:
            body = json.loads(exc.body or "{}")
        except ValueError:
            body = {}
        body = body if isinstance(body, dict) else {}
        status = int(exc.status or 0)
        message = str(body.get("message") or exc.reason or "no message")
        reason = str(body.get("reason") or exc.reason or "")
        if status == 401:
            text = f"the API server at {self.describe()} rejected the credentials (401 {reason})"
        elif status == 403:
            text = f"missing permission at {self.server}: {message}"
        else:
            text = f"the API server at {self.server} answered {status} {reason}: {message}"
        return ApiStatusError(text, status, reason, body)


def _retry_after(exc: ApiException) -> float | None:
    """The seconds a 429 or 503 asks to wait before a retry, when it says."""
    if exc.status not in (429, 503):
        return None
    value = (exc.headers or {}).get("Retry-After", "")
    try:
        return max(float(value), 0.0) if value.isascii() and len(value) < 10 else None
    except ValueError:
        return None


def _reason(exc: BaseException) -> str:
    """A short cause for a transport failure (refused, timed out, dropped)."""
    seen: BaseException | None = exc
    while seen is not None:
        if isinstance(seen, urllib3.exceptions.MaxRetryError) and seen.reason is not None:
            seen = seen.reason
            continue
        if isinstance(seen, ConnectionRefusedError) or "refused" in str(seen).lower():
            return "connection refused"
        if isinstance(seen, TimeoutError | urllib3.exceptions.TimeoutError):
            return "timed out"
        if isinstance(seen, urllib3.exceptions.ProtocolError):
            return "the connection was dropped"
        seen = seen.__cause__ or seen.__context__
    return type(exc).__name__


def kubeconfig_source(options: ConnectOptions) -> str | None:
    """The kubeconfig path list kubectl would read, or None for in-cluster config."""
    if options.kubeconfig:
        return options.kubeconfig
    env = options.environ.get("KUBECONFIG", "")
    if env.strip(os.pathsep):
        return env
    default = os.path.expanduser(DEFAULT_KUBECONFIG)
    if os.path.exists(default) or not options.environ.get(IN_CLUSTER_HOST):
        return default
    return None


def connect(options: ConnectOptions) -> Connection:
    """Load kubeconfig (flag, KUBECONFIG list, ~/.kube/config) or in-cluster config."""
    source = kubeconfig_source(options)
    configuration = client.Configuration()
    context = user = ""
    try:
        if source is None:
            config.load_incluster_config(client_configuration=configuration)  # type: ignore[no-untyped-call]
            context, user = "in-cluster", "the pod's service account"
        else:
            if options.kubeconfig and not os.path.exists(options.kubeconfig):
                raise ClusterError(f"kubeconfig {options.kubeconfig} does not exist")
            if not any(os.path.exists(p) for p in source.split(os.pathsep) if p):
                raise ClusterError(_no_kubeconfig(options, source))
            check_kubeconfig(source)
            with bounded_plugins(options.timeout) as killed:
                config.load_kube_config(  # type: ignore[no-untyped-call]
                    config_file=source,
                    context=options.context,
                    client_configuration=configuration,
                    persist_config=False,
                )
            if killed:
                raise ClusterError(f"cannot use kubeconfig {source}: {killed[0]}")
            context, user = _context_and_user(source, options.context)
    except ConfigException as exc:
        where = "in-cluster config" if source is None else f"kubeconfig {source}"
        raise ClusterError(f"cannot use {where}: {_one_line(exc)}") from None
    except (
        OSError,
        ValueError,
        TypeError,
        AttributeError,
        KeyError,
        RecursionError,
        yaml.YAMLError,
    ) as exc:
        raise ClusterError(f"cannot read kubeconfig {source}: {_one_line(exc)}") from None
    configuration.retries = urllib3.Retry(total=0, respect_retry_after_header=False)
    if not configuration.verify_ssl:
        # The kubeconfig asks for insecure-skip-tls-verify: said once by preflight, not on
        # every request.
        urllib3.disable_warnings(urllib3.exceptions.InsecureRequestWarning)
    return Connection(
        client.ApiClient(configuration), configuration.host, context, options.timeout, user
    )


def _no_kubeconfig(options: ConnectOptions, source: str) -> str:
    """Why there is no kubeconfig to read, and how to name one."""
    if options.kubeconfig or options.environ.get("KUBECONFIG", "").strip(os.pathsep):
        return f"no kubeconfig: none of KUBECONFIG={source} exists; set --kubeconfig"
    return f"no kubeconfig: {DEFAULT_KUBECONFIG} does not exist; set --kubeconfig or KUBECONFIG"


def _context_and_user(source: str, wanted: str | None) -> tuple[str, str]:
    """The context in use (``wanted`` or the current one) and the user it names."""
    try:
        contexts, active = config.list_kube_config_contexts(config_file=source)  # type: ignore[no-untyped-call]
    except (ConfigException, OSError, ValueError, TypeError, AttributeError):
        return wanted or "", ""
    named = [c for c in contexts or [] if isinstance(c, dict) and c.get("name") == wanted]
    entry = (named[0] if named else None) if wanted else active
    if not isinstance(entry, dict):
        return wanted or "", ""
    details = entry.get("context")
    user = details.get("user", "") if isinstance(details, dict) else ""
    return str(wanted or entry.get("name", "")), str(user or "")


def _one_line(exc: BaseException) -> str:
    return " ".join(str(exc).split()) or type(exc).__name__


def check_reachable(connection: Connection) -> str:
    """The server's version string; raises ClusterError when the server cannot be used."""
    data = connection.call(client.VersionApi(connection.api).get_code)
    return str(data.get("gitVersion", "unknown version"))
