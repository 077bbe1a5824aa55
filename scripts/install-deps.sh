#!/usr/bin/env bash
# Installs everything kiln needs to build, test and run its demo. Idempotent: a second run with
# everything present does no network work. Debian packages come from the archive; DuckDB, which
# Debian does not ship, comes from two pinned npm packages verified against their sha512 integrity.
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(dirname "$here")
stamp_dir="$root/third_party/.stamps"
mkdir -p "$stamp_dir"

log() { printf 'install-deps: %s\n' "$*" >&2; }

# Debian packages, pinned to the versions kiln was built and tested with (Debian 12 "bookworm").
# When the archive has replaced a pinned version with a security update, the pinned one is no
# longer downloadable; we then take the archive's current version and say so, rather than fail a
# fresh machine on a patch release.
DEBIAN_PACKAGES=(
  "cmake=3.25.1-1"
  "ninja-build=1.11.1-2~deb12u1"
  "g++=4:12.2.0-3"
  "ccache=4.8+really4.7.5-1"
  "pkgconf=1.8.1-1"
  "libyaml-dev=0.2.5-1"
  "nlohmann-json3-dev=3.11.2-2"
  "libcli11-dev=2.1.2+ds-1"
  "libspdlog-dev=1:1.10.0+ds-0.4"
  "libfmt-dev=9.1.0+ds1-2"
  "libpq-dev=15.18-0+deb12u1"
  "libmariadb-dev=1:10.11.19-0+deb12u1"
  "libxxhash-dev=0.8.1-1"
  "libssl-dev=3.0.19-1~deb12u2"
  "libgtest-dev=1.12.1-0.2"
  "libgmock-dev=1.12.1-0.2"
  "libbenchmark-dev=1.7.1-1"
  "libmimalloc-dev=2.0.9+ds-2"
  "python3"
  "python3-jinja2=3.1.2-1+deb12u3"
  "python3-jsonschema=4.10.3-1"
  "libclang-rt-14-dev=1:14.0.6-12"
  "nodejs"
)

package_name() { printf '%s' "${1%%=*}"; }

missing_packages() {
  local spec name
  for spec in "${DEBIAN_PACKAGES[@]}"; do
    name=$(package_name "$spec")
    if ! dpkg-query -W -f='${Status}' "$name" 2>/dev/null | grep -q 'install ok installed'; then
      printf '%s\n' "$spec"
    fi
  done
}

apt() { DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=600 "$@"; }

install_debian_packages() {
  local -a missing
  mapfile -t missing < <(missing_packages)
  [ ${#missing[@]} -eq 0 ] && return 0
  if [ "$(id -u)" -ne 0 ]; then
    log "missing Debian packages: ${missing[*]}"
    log "run this script as root (or install them with apt-get) and try again"
    exit 1
  fi
  log "installing Debian packages: ${missing[*]}"
  apt update -qq
  local -a resolved=()
  local spec name version
  for spec in "${missing[@]}"; do
    name=$(package_name "$spec")
    version=${spec#*=}
    if [ "$spec" != "$name" ] && ! apt-cache madison "$name" | awk '{print $3}' | grep -qxF "$version"; then
      log "pinned $spec is no longer in the archive; taking the current $name"
      resolved+=("$name")
    else
      resolved+=("$spec")
    fi
  done
  apt install -y -qq --no-install-recommends "${resolved[@]}" >/dev/null
}

# fetch_npm PACKAGE@VERSION SHA512-INTEGRITY DEST-DIR: `npm pack` the tarball, check it, unpack it.
fetch_npm() {
  local spec=$1 integrity=$2 dest=$3
  local work
  work=$(mktemp -d)
  log "downloading $spec from the npm registry"
  (cd "$work" && npm pack --silent "$spec" >/dev/null)
  local tarball
  tarball=$(ls "$work"/*.tgz)
  local actual
  actual="sha512-$(openssl dgst -sha512 -binary "$tarball" | base64 -w0)"
  if [ "$actual" != "$integrity" ]; then
    log "integrity mismatch for $spec: expected $integrity, got $actual"
    exit 1
  fi
  mkdir -p "$dest"
  tar -xzf "$tarball" -C "$dest"
  rm -rf "$work"
}

install_duckdb() {
  local dir="$root/third_party/duckdb"
  local stamp="$stamp_dir/duckdb-1.4.4"
  if [ -f "$stamp" ] && [ -f "$dir/lib/libduckdb.so" ] && [ -f "$dir/include/duckdb.h" ]; then
    return 0
  fi
  rm -rf "$dir"
  mkdir -p "$dir/lib" "$dir/include"
  local unpack
  unpack=$(mktemp -d)
  fetch_npm "@duckdb/node-bindings-linux-x64@1.4.4-r.4" \
    "sha512-jBTL/WvfwxLToFa/pVHfT6elMtltJGnc3wSuxZD9OfMltit9YUdVFS37vBFQzXMT1Z8OWjtSjMh+zPKxOwHLHA==" \
    "$unpack/bindings"
  fetch_npm "duckdb@1.4.4" \
    "sha512-hEJJ5hyVF0VLj3dmOLpsWrQR0b3d4Ykqtygm6iUXjHJDDnSqg/USKxcb5qvNrOhFYPgktayU6dXCtgPqcmmpog==" \
    "$unpack/headers"
  cp "$(find "$unpack/bindings" -name 'libduckdb.so' | head -1)" "$dir/lib/libduckdb.so"
  cp "$unpack/headers/package/src/duckdb/src/include/duckdb.h" "$dir/include/duckdb.h"
  rm -rf "$unpack"
  echo "DuckDB v1.4.4 (6ddac802ff)" >"$stamp"
  log "DuckDB 1.4.4 installed in third_party/duckdb"
}

install_debian_packages
# npm ships inside NodeSource's nodejs package; Debian's separate npm package conflicts with it.
if ! command -v npm >/dev/null 2>&1; then
  apt install -y -qq --no-install-recommends npm >/dev/null
fi
install_duckdb
