"""Kubeconfig files read with bounds before the Kubernetes client sees them, and credential
plugins that cannot outlive the request deadline."""

from __future__ import annotations

import logging
import os
import subprocess
from collections.abc import Iterator
from contextlib import contextmanager
from types import SimpleNamespace
from typing import Any

from kubernetes.config import exec_provider, kube_config
from kubernetes.config.config_exception import ConfigException

from netfence.cluster.errors import ClusterError
from netfence.load.sources import read_text
from netfence.load.yamlread import Limits, read_stream

# A kubeconfig is a few kilobytes, megabytes with many embedded certificates.
KUBECONFIG_LIMITS = Limits(
    max_bytes=16 * 1024 * 1024, max_depth=32, max_alias_nodes=10_000, max_documents=2
)


def check_kubeconfig(source: str) -> None:
    """Refuse a kubeconfig in the ``source`` path list that is too large, deep, aliased or
    not a regular file (missing files in a list are skipped, as kubectl does)."""
    for path in source.split(os.pathsep):
        if not path or not os.path.lexists(path):
            continue
        text, problem = read_text(path, KUBECONFIG_LIMITS, size_option=None)
        if problem is None and text is not None:
            _, problems = read_stream(text, path, KUBECONFIG_LIMITS)
            problem = problems[0] if problems else None
        if problem is not None:
            raise ClusterError(f"cannot use kubeconfig {problem.render()}")


class _BoundedPopen(subprocess.Popen[Any]):
    """A credential plugin process killed when it outlives ``deadline`` seconds (the
    message goes to ``killed``: the client would only log it and go on without
    credentials)."""

    deadline: float = 15.0
    killed: list[str]

    def communicate(self, input: Any = None, timeout: float | None = None) -> Any:
        try:
            return super().communicate(input, timeout=min(timeout or self.deadline, self.deadline))
        except subprocess.TimeoutExpired:
            self.kill()
            super().communicate()
            message = (
                f"the credential plugin did not answer within {self.deadline:g}s "
                "(killed; see --request-timeout)"
            )
            self.killed.append(message)
            raise ConfigException(message) from None


@contextmanager
def bounded_plugins(seconds: float) -> Iterator[list[str]]:
    """While active, exec and cmd-path credential plugins are killed after ``seconds``;
    yields the list of messages about plugins killed (the client's own log is muted)."""
    killed: list[str] = []
    bounded = type("BoundedPopen", (_BoundedPopen,), {"deadline": seconds, "killed": killed})
    shim = SimpleNamespace(Popen=bounded, PIPE=subprocess.PIPE)
    modules = (vars(exec_provider), vars(kube_config))
    saved = [module["subprocess"] for module in modules]
    for module in modules:
        module["subprocess"] = shim
    muted = logging.root.manager.disable
    logging.disable(logging.CRITICAL)
    try:
        yield killed
    finally:
        logging.disable(muted)
        for module, original in zip(modules, saved, strict=True):
            module["subprocess"] = original
