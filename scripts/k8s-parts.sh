#!/usr/bin/env bash
# Builds the real control-plane parts the live tests use (kube-apiserver, kubectl, etcd, helm,
# kustomize) with this machine's `go`, from the Go module proxy only, using the pinned wrapper
# modules in tools/k8s/. Binaries go to
#   ${NETFENCE_K8S_CACHE:-$HOME/.cache/netfence/k8s}/<key>/bin/
# where <key> names the versions and hashes the wrapper modules, so a second run builds nothing,
# and the policy-tier CRDs of sigs.k8s.io/network-policy-api (a Go module) into <key>/crds/.
# Prints that bin folder on its last line of stdout. Exit 3 when go is missing.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
tools="$root/tools/k8s"

if ! command -v go >/dev/null 2>&1; then
  echo "k8s-parts.sh: go not found; the control-plane parts cannot be built" >&2
  exit 3
fi

# Only this machine's go: never a toolchain download.
export GOTOOLCHAIN=local

module_version() {  # module_version DIR MODULE -> the version DIR's go.mod requires
  (cd "$1" && go list -m -f '{{.Version}}' "$2")
}

k8s_version="$(module_version "$tools/kubernetes" k8s.io/kubernetes)"
etcd_version="$(module_version "$tools/etcd" go.etcd.io/etcd/server/v3)"
helm_version="$(module_version "$tools/helm" helm.sh/helm/v4)"
kustomize_version="$(module_version "$tools/kustomize" sigs.k8s.io/kustomize/kustomize/v5)"
go_version="$(go env GOVERSION)"
digest="$(cd "$tools" && cat ./*/go.mod ./*/go.sum ./*/*.go | sha256sum | cut -c1-10)"
key="kubernetes-${k8s_version}_etcd-${etcd_version}_helm-${helm_version}_kustomize-${kustomize_version}_${go_version}_${digest}"
cache="${NETFENCE_K8S_CACHE:-$HOME/.cache/netfence/k8s}/$key"
bin="$cache/bin"
mkdir -p "$bin"

minor="${k8s_version#v1.}"; minor="${minor%%.*}"
version_flags=""
for pkg in k8s.io/component-base/version k8s.io/client-go/pkg/version; do
  version_flags+=" -X $pkg.gitVersion=$k8s_version -X $pkg.gitMajor=1 -X $pkg.gitMinor=$minor"
  version_flags+=" -X $pkg.gitTreeState=clean -X $pkg.buildDate=1970-01-01T00:00:00Z"
done

build() {  # build NAME DIR PACKAGE [LDFLAGS]
  local name="$1" dir="$2" package="$3" ldflags="-s -w ${4:-}"
  if [[ -x "$bin/$name" ]]; then
    return 0
  fi
  local start=$SECONDS
  echo "k8s-parts.sh: building $name ($package) ..." >&2
  (cd "$dir" && CGO_ENABLED=0 go build -trimpath -ldflags "$ldflags" \
      -o "$bin/$name.partial" "$package")
  mv "$bin/$name.partial" "$bin/$name"
  echo "k8s-parts.sh: built $name in $((SECONDS - start)) s" >&2
}

build kube-apiserver "$tools/kubernetes" k8s.io/kubernetes/cmd/kube-apiserver "$version_flags"
build kubectl "$tools/kubernetes" k8s.io/kubernetes/cmd/kubectl "$version_flags"
build etcd "$tools/etcd" .
build helm "$tools/helm" helm.sh/helm/v4/cmd/helm
build kustomize "$tools/kustomize" sigs.k8s.io/kustomize/kustomize/v5

# AdminNetworkPolicy and BaselineAdminNetworkPolicy (v1alpha1) are in v0.1.1;
# ClusterNetworkPolicy in v0.3.0's standard channel.
crds="$cache/crds"
if [[ ! -f "$crds/.complete" ]]; then
  mkdir -p "$crds"
  for release in v0.1.1:config/crd v0.3.0:config/crd/standard; do
    dir="$(cd "$tools" && go mod download -json "sigs.k8s.io/network-policy-api@${release%%:*}" |
      sed -n 's/^[[:space:]]*"Dir": "\(.*\)",$/\1/p')"
    cp "$dir/${release#*:}"/policy.networking.k8s.io_*.yaml "$crds/"
  done
  chmod u+w "$crds"/*.yaml
  touch "$crds/.complete"
fi

echo "$bin"
