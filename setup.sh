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
  # reading ONNX Runtime profiles (`modelexport profile`)
  nlohmann-json3-dev
  # the HTML page's test opens it in headless Chromium (driven by playwright-core from npm)
  chromium
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

# ---------------------------------------------------------------- npm packages for tests

# tests/ort: onnxruntime-node, whose install script downloads extras we do not need (and may
# not reach); the package already bundles libonnxruntime.so. tests/browser: playwright-core,
# which drives Debian's /usr/bin/chromium (it never downloads a browser of its own). Scripts
# are skipped for both. Each folder is installed again when its package-lock.json changes (a
# copy of the one installed is kept in node_modules).
npm_ci() (
  cd "$1" || exit 1
  npm ci --ignore-scripts --no-audit --no-fund --loglevel=error
)

for folder in tests/ort:onnxruntime-node tests/browser:playwright-core; do
  dir="$ROOT/${folder%%:*}" package="${folder##*:}"
  LOCK="$dir/package-lock.json"
  INSTALLED_LOCK="$dir/node_modules/.modelexport-installed-lock.json"
  [[ -f "$LOCK" ]] || die "missing $LOCK"
  if [[ ! -d "$dir/node_modules/$package" ]] || ! cmp -s "$LOCK" "$INSTALLED_LOCK"; then
    command -v npm >/dev/null 2>&1 || die "npm not found on PATH"
    echo "setup.sh: installing $package in ${folder%%:*} (npm ci)"
    run_logged "npm ci in ${folder%%:*}" npm_ci "$dir"
    cp "$LOCK" "$INSTALLED_LOCK"
  fi
done

trap - ERR
