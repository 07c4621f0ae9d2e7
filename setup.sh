#!/usr/bin/env bash
# Installs what modelexport needs to build and test on Debian 12 (bookworm).
#
#   ./setup.sh
#
# Runs apt as root (through sudo when not root). Idempotent: prints nothing and
# touches nothing when everything is already there.
set -euo pipefail

export DEBIAN_FRONTEND=noninteractive

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"

PACKAGES=(
  meson ninja-build pkg-config g++ ccache
  libtorch-dev libonnx-dev libprotobuf-dev protobuf-compiler
  libboost-dev libboost-program-options-dev libyaml-cpp-dev
  libgtest-dev libgmock-dev
  python3-torch python3-torchvision python3-onnx
  git
  # LibTorch on Debian calls whatever BLAS the libblas.so.3 alternative points to; the
  # reference BLAS that comes by default makes Conv and MatMul 3x to 6x slower.
  libopenblas0-openmp
  # The fuzzers (meson setup -Dfuzz=true with CC=clang CXX=clang++): clang and libFuzzer.
  clang libclang-rt-14-dev
)

die() {
  echo "setup.sh: error: $*" >&2
  exit 1
}
trap 'echo "setup.sh: error: command failed (line $LINENO): $BASH_COMMAND" >&2' ERR

# Runs "$@", output to a fresh log in /tmp; on failure prints the log's tail and dies
# with message $1.
run_logged() {
  local what="$1" log status=0
  shift
  log="$(mktemp /tmp/modelexport-setup.XXXXXX.log)" || die "cannot create a log file in /tmp"
  "$@" >"$log" 2>&1 || status=$?
  if [[ $status -ne 0 ]]; then
    echo "setup.sh: error: $what failed (exit $status); last lines of $log:" >&2
    tail -n 30 "$log" >&2
    exit 1
  fi
  rm -f "$log"
}

# ---------------------------------------------------------------- Debian packages

command -v dpkg-query >/dev/null 2>&1 || die "dpkg-query not found: this script is for Debian 12"

# node/npm may come from elsewhere (nodesource, nvm, ...); installing Debian's on top of
# those breaks apt, so only ask for them when they are not on PATH at all.
command -v node >/dev/null 2>&1 || PACKAGES+=(nodejs)
command -v npm >/dev/null 2>&1 || PACKAGES+=(npm)

missing=()
for pkg in "${PACKAGES[@]}"; do
  status="$(dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null || true)"
  [[ "$status" == "install ok installed" ]] || missing+=("$pkg")
done

if [[ ${#missing[@]} -gt 0 ]]; then
  if [[ $(id -u) -eq 0 ]]; then
    SUDO=()
  elif command -v sudo >/dev/null 2>&1; then
    SUDO=(sudo env DEBIAN_FRONTEND=noninteractive)
  else
    die "need root to install ${missing[*]}: run as root or install sudo"
  fi
  echo "setup.sh: installing Debian packages: ${missing[*]}"
  APT=("${SUDO[@]}" apt-get -o DPkg::Lock::Timeout=600)
  run_logged "apt-get update" "${APT[@]}" update
  run_logged "apt-get install" "${APT[@]}" install -y --no-install-recommends "${missing[@]}"
fi

# ---------------------------------------------------------------- ONNX Runtime for tests

npm_ci() (
  cd "$ROOT/tests/ort" || exit 1
  npm ci --ignore-scripts --no-audit --no-fund --loglevel=error
)

# onnxruntime-node's install script downloads extras we do not need (and may not reach);
# the package already bundles libonnxruntime.so, so skip scripts. Installed again when
# package-lock.json changes (a copy of the one installed is kept in node_modules).
LOCK="$ROOT/tests/ort/package-lock.json"
INSTALLED_LOCK="$ROOT/tests/ort/node_modules/.modelexport-installed-lock.json"
[[ -f "$LOCK" ]] || die "missing $LOCK"
if [[ ! -d "$ROOT/tests/ort/node_modules/onnxruntime-node" ]] || ! cmp -s "$LOCK" "$INSTALLED_LOCK"; then
  command -v npm >/dev/null 2>&1 || die "npm not found on PATH"
  echo "setup.sh: installing onnxruntime-node in tests/ort (npm ci)"
  run_logged "npm ci in tests/ort" npm_ci
  cp "$LOCK" "$INSTALLED_LOCK"
fi

trap - ERR
