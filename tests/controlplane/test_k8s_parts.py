"""The kubernetes wrapper module: its generator, and the committed go.mod it wrote."""

from __future__ import annotations

import importlib.util
import re
import subprocess
from pathlib import Path
from types import ModuleType

import pytest

from tests.conftest import ROOT

WRAPPERS = ROOT / "tools" / "k8s"
KUBERNETES_GO_MOD = """module k8s.io/kubernetes

go 1.26.0

require (
\tk8s.io/api v0.0.0
\tk8s.io/client-go v0.0.0
)

replace (
\tk8s.io/api => ./staging/src/k8s.io/api
\tk8s.io/client-go => ./staging/src/k8s.io/client-go
\tgithub.com/example/fork => github.com/example/fork v1.2.3
)
"""


def generator() -> ModuleType:
    spec = importlib.util.spec_from_file_location("gen", WRAPPERS / "gen_kubernetes_mod.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_generator_maps_each_staging_module_to_its_release() -> None:
    text = generator().wrapper_go_mod("v1.37.2", KUBERNETES_GO_MOD)
    assert "require k8s.io/kubernetes v1.37.2" in text
    assert "\tk8s.io/api => k8s.io/api v0.37.2\n" in text
    assert "\tk8s.io/client-go => k8s.io/client-go v0.37.2\n" in text
    assert "example/fork" not in text
    assert "\ngo 1.26.0\n" in text
    assert "tool k8s.io/kubernetes/cmd/kube-apiserver" in text


def test_committed_wrapper_maps_staging_modules_to_one_release() -> None:
    text = (WRAPPERS / "kubernetes" / "go.mod").read_text()
    (minor_patch,) = re.findall(r"\tk8s\.io/kubernetes v1\.(\d+\.\d+)", text)
    targets = set(re.findall(r"=> k8s\.io/[\w.-]+ (v\S+)", text))
    assert targets == {f"v0.{minor_patch}"}
    assert len(re.findall(r"=> k8s\.io/", text)) >= 30
    assert (WRAPPERS / "kubernetes" / "go.sum").stat().st_size > 0


def test_every_wrapper_asks_for_no_newer_go_than_the_machine() -> None:
    for go_mod in WRAPPERS.glob("*/go.mod"):
        (version,) = re.findall(r"^go (\S+)$", go_mod.read_text(), re.MULTILINE)
        assert tuple(int(p) for p in version.split(".")) <= (1, 26, 8), go_mod
        assert "toolchain" not in go_mod.read_text(), go_mod


@pytest.mark.controlplane
def test_a_second_run_of_the_build_script_builds_nothing(k8s_bin: Path) -> None:
    result = subprocess.run(
        ["bash", str(ROOT / "scripts" / "k8s-parts.sh")],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines()[-1] == str(k8s_bin)
    assert "building" not in result.stderr
