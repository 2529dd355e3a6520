#!/usr/bin/env bash
# The whole test suite, from a fresh clone: installs what it needs (idempotently), then runs
# ruff, mypy and pytest. Extra arguments go to pytest.
set -euo pipefail
cd "$(dirname "$0")/.."

debs=(nftables iproute2 dnsmasq-base wget chromium)
missing=()
for deb in "${debs[@]}"; do
  dpkg-query -W -f='${Status}' "$deb" 2>/dev/null | grep -q "install ok installed" || missing+=("$deb")
done
# The test venv needs ensurepip (Debian's python3-venv) when python3 is Debian's own.
python3 -c 'import ensurepip' 2>/dev/null || missing+=(python3-venv)
if ((${#missing[@]})); then
  if [[ $(id -u) -eq 0 ]]; then
    echo "test.sh: installing Debian packages: ${missing[*]}"
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  else
    echo "test.sh: not root, cannot install ${missing[*]}; tests that need them will be skipped"
  fi
fi

# Like the README's main job, the suite lives in a venv (PEP 668 refuses a system-wide pip).
venv="${NETFENCE_TEST_VENV:-.venv}"
[[ -x "$venv/bin/python" ]] || python3 -m venv "$venv"
venv="$(cd "$venv" && pwd)"
"$venv/bin/python" -m pip install -q --disable-pip-version-check -e '.[test]'
export PATH="$venv/bin:$PATH"

# The peer analyzer for differential tests lives in its own venv; the product never imports it.
nca_venv="${NETFENCE_NCA_VENV:-$HOME/.cache/netfence/nca-venv}"
if [[ ! -x "$nca_venv/bin/nca" ]]; then
  python3 -m venv "$nca_venv"
  "$nca_venv/bin/pip" install -q --disable-pip-version-check network-config-analyzer==2.1.0
fi
export NETFENCE_NCA="$nca_venv/bin/nca"

# The real control-plane parts for tests/controlplane/: built once from the Go module proxy
# into a cache (a later run builds nothing); without go those tests skip, saying why.
if command -v go >/dev/null 2>&1; then
  NETFENCE_K8S_BIN="$(bash scripts/k8s-parts.sh | tail -n 1)"
  export NETFENCE_K8S_BIN
else
  echo "test.sh: go not found: the control-plane tests (tests/controlplane) will be skipped"
fi

ruff check src tests benchmarks
mypy
python3 -m pytest "$@"
