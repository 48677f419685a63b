#!/usr/bin/env bash
# Prepares this machine for nbstart's end-to-end tests; safe to run again and quick when all is there.
#   1. Debian packages: podman and what it needs here, mmdebstrap, bindfs/fuse3, sshd, ssh, git.
#   2. podman answers, using the project's test/e2e/containers.conf (CONTAINERS_CONF).
#   3. The hub venv .cache/hub-venv (scripts/hub-venv.ts: the hub stack from PyPI, kept by a hash of
#      its pins), then the base image localhost/nbstart-debian:bookworm: a minimal, apt-capable bookworm made with
#      mmdebstrap and `podman import`ed. The tarball is kept in .cache/ (in .gitignore), named by a
#      hash of its recipe, so a wiped podman storage is refilled in seconds and a changed package
#      list rebuilds it. NBSTART_BASE_REBUILD=1 forces a fresh mmdebstrap (e.g. for newer packages).
# Needs root (apt-get, rootful podman, mmdebstrap --mode=root). Callers then use:
#   export CONTAINERS_CONF="$repo/test/e2e/containers.conf"
set -euo pipefail

repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
export CONTAINERS_CONF="$repo/test/e2e/containers.conf"

BASE_IMAGE=localhost/nbstart-debian:bookworm
# Podman 4.3 from bookworm; with --no-install-recommends this is the whole working set (conmon,
# containernetworking-plugins, iptables and containers-common come in as dependencies). Rootful
# podman needs no uidmap, slirp4netns, netavark or aardvark-dns.
# The hub tests (test/e2e/hub-*.test.ts, hub/tests): python3-venv for .cache/hub-venv (the hub stack
# from PyPI, scripts/hub-venv.ts), slapd for a real LDAP directory, docker.io for a real Docker
# engine and swarm (each test starts its own daemon: nothing here starts a service), catatonit for
# the pause container of `podman kube play` (test/e2e/hub-kube.test.ts).
HOST_PACKAGES=(podman runc mmdebstrap bindfs fuse3 openssh-server openssh-client git curl python3-venv slapd docker.io catatonit)
# Headless Chromium for the label screenshots (test/e2e/label.test.ts), with one font so text renders.
HOST_PACKAGES+=(chromium fonts-dejavu-core)
# pip on the host downloads the images' wheels (scripts/images/wheels.ts; builds get no HTTPS here);
# a python3 with pip earlier on PATH (pyenv) is used first.
HOST_PACKAGES+=(python3-pip)
# The base image's recipe. Everything that changes the tarball belongs here, since its hash names it.
BASE_SUITE=bookworm
BASE_VARIANT=apt
# What the images in docker-stacks/ and test/e2e/images/ install, so their apt-get steps are no-ops.
BASE_INCLUDE=ca-certificates,bash,tini,libatomic1,libnss-wrapper,sudo,openssh-client,git,locales
BASE_MIRRORS=(
  "deb http://deb.debian.org/debian bookworm main"
  "deb http://deb.debian.org/debian bookworm-updates main"
  "deb http://deb.debian.org/debian-security bookworm-security main"
)
# Like Debian's slim images: no man pages, docs or translations (also for later apt-get installs,
# since mmdebstrap leaves these options in /etc/dpkg/dpkg.cfg.d/).
BASE_DPKGOPTS=(
  "path-exclude=/usr/share/man/*"
  "path-exclude=/usr/share/doc/*"
  "path-include=/usr/share/doc/*/copyright"
  "path-exclude=/usr/share/locale/*"
  "path-include=/usr/share/locale/locale.alias"
  "path-exclude=/usr/share/info/*"
)

say() { printf 'setup: %s\n' "$*"; }
die() { printf 'setup: ERROR: %s\n' "$*" >&2; exit 1; }

# --- 1. packages -------------------------------------------------------------------------------
missing=()
for p in "${HOST_PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q '^install ok installed$' || missing+=("$p")
done
if [ ${#missing[@]} -eq 0 ]; then
  say "packages: all present (${HOST_PACKAGES[*]})"
else
  [ "$(id -u)" -eq 0 ] ||
    die "missing packages; as root run: apt-get update && apt-get install -y --no-install-recommends ${missing[*]}"
  say "packages: installing ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  # slapd and docker.io start their system services when installed; the tests run their own
  # daemons, so none is started (Debian's policy-rc.d convention; one already there is kept).
  policy=/usr/sbin/policy-rc.d
  made_policy=0
  if [ ! -e "$policy" ]; then
    printf '#!/bin/sh\nexit 101\n' >"$policy" && chmod 755 "$policy" && made_policy=1
    trap 'rm -f "$policy"' EXIT
  fi
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  if [ "$made_policy" = 1 ]; then rm -f "$policy"; trap - EXIT; fi
  say "packages: installed"
fi
[ "$(id -u)" -eq 0 ] || die "the e2e tests use rootful podman: run this script (and the tests) as root"

# --- 2. podman ---------------------------------------------------------------------------------
info=$(podman info --format '{{.Version.Version}} runtime={{.Host.OCIRuntime.Name}} cgroups={{.Host.CgroupManager}}/{{.Host.CgroupsVersion}} network={{.Host.NetworkBackend}}' 2>&1) ||
  die "podman does not work with CONTAINERS_CONF=$CONTAINERS_CONF: $info"
say "podman: $info (CONTAINERS_CONF=$CONTAINERS_CONF)"
# Free space where the images and the caches go: what a build that runs out of it will be read against.
graphroot=$(podman info --format '{{.Store.GraphRoot}}' 2>/dev/null) || graphroot=/var/lib/containers
say "disk: $(df -h --output=avail "$graphroot" | tail -1 | tr -d ' ') free for podman's images ($graphroot), $(df -h --output=avail "$repo" | tail -1 | tr -d ' ') for .cache"
[ -c /dev/fuse ] || say "warning: /dev/fuse is missing (bindfs tests will fail): modprobe fuse"

# --- 3. base image -----------------------------------------------------------------------------
cache="$repo/.cache"
mkdir -p "$cache"
# Parallel test runs share the cache and the podman storage: one setup at a time.
exec 9>"$cache/setup.lock"
flock 9

# --- 3a. the hub stack: .cache/hub-venv (scripts/hub-venv.ts; reused while the pins stay) ----------
start=$SECONDS
"$repo/node_modules/.bin/node" "$repo/scripts/hub-venv.ts" >/dev/null ||
  die "the hub venv (hub/requirements.txt) could not be made: it needs PyPI from this host"
say "hub venv: .cache/hub-venv ($((SECONDS - start))s)"

recipe=$(printf '%s\n' "v1" "$BASE_SUITE" "$BASE_VARIANT" "$BASE_INCLUDE" "${BASE_MIRRORS[@]}" "${BASE_DPKGOPTS[@]}" |
  sha256sum | cut -c1-12)
tarball="$cache/nbstart-debian-$BASE_SUITE-$recipe.tar"
label=org.nbstart.base.recipe

have=$(podman image inspect --format "{{index .Labels \"$label\"}}" "$BASE_IMAGE" 2>/dev/null || true)
if [ "$have" = "$recipe" ] && [ "${NBSTART_BASE_REBUILD:-0}" != 1 ]; then
  say "base image: $BASE_IMAGE present (recipe $recipe)"
  exit 0
fi

if [ ! -f "$tarball" ] || [ "${NBSTART_BASE_REBUILD:-0}" = 1 ]; then
  say "base image: mmdebstrap $BASE_SUITE ($BASE_VARIANT + $BASE_INCLUDE) -> ${tarball#"$repo"/}"
  opts=(--mode=root --variant="$BASE_VARIANT" --include="$BASE_INCLUDE" --quiet)
  for o in "${BASE_DPKGOPTS[@]}"; do opts+=(--dpkgopt="$o"); done
  start=$SECONDS
  rm -f "$tarball.tmp"
  if ! mmdebstrap "${opts[@]}" --format=tar "$BASE_SUITE" "$tarball.tmp" "${BASE_MIRRORS[@]}"; then
    rm -f "$tarball.tmp"
    die "mmdebstrap failed (it needs the Debian mirror deb.debian.org)"
  fi
  mv "$tarball.tmp" "$tarball"
  # Older recipes' tarballs are of no further use.
  find "$cache" -maxdepth 1 -name "nbstart-debian-*.tar" ! -name "${tarball##*/}" -delete
  say "base image: mmdebstrap done in $((SECONDS - start))s ($(du -m "$tarball" | cut -f1) MiB)"
fi

start=$SECONDS
podman import --quiet \
  --change "LABEL $label=$recipe" \
  --change 'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' \
  --change 'CMD ["bash"]' \
  "$tarball" "$BASE_IMAGE" >/dev/null
say "base image: imported $BASE_IMAGE (recipe $recipe) in $((SECONDS - start))s"
