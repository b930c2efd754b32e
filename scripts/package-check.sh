#!/usr/bin/env bash
# Packaging as the field installs tools: build the release packages the way
# goreleaser releases them (a snapshot: nothing is published), install the
# .deb with dpkg -i on this machine, check that `mwoauth version` runs from
# /usr/bin, that man finds its pages and that the completions are where the
# shells look, then remove the package again. Needs dpkg, and root or sudo.
#
# On amd64 only the linux/amd64 build runs (MWOAUTH_RELEASE_LINUX_AMD64_ONLY,
# see .goreleaser.yaml): that is all the check installs, the archive and
# package steps still run, and it saves five sixths of the compile time.
# PACKAGE_CHECK_FULL=1 builds every release target, as a release does.
set -euo pipefail
cd "$(dirname "$0")/.."

SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO="sudo"
GORELEASER=(go run github.com/goreleaser/goreleaser/v2@v2.15.1)

if ! command -v dpkg >/dev/null 2>&1; then
  echo "error: package-check needs dpkg (Debian or Ubuntu)" >&2; exit 1
fi
if ! command -v man >/dev/null 2>&1; then
  echo "== installing man-db"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends man-db >/dev/null
fi
if dpkg -s mwoauth >/dev/null 2>&1; then
  echo "error: a mwoauth package is already installed; remove it first (dpkg -r mwoauth)" >&2; exit 1
fi
if grep -qs '^path-exclude=/usr/share/man' /etc/dpkg/dpkg.cfg.d/*; then
  echo "error: dpkg here excludes /usr/share/man (/etc/dpkg/dpkg.cfg.d), so no package can install man pages" >&2; exit 1
fi

arch=$(dpkg --print-architecture)
echo "== goreleaser release --snapshot"
if [ "${PACKAGE_CHECK_FULL:-}" = 1 ] || [ "$arch" != amd64 ]; then
  "${GORELEASER[@]}" release --snapshot --clean
else
  MWOAUTH_RELEASE_LINUX_AMD64_ONLY=1 "${GORELEASER[@]}" release --snapshot --clean
fi
debs=(dist/mwoauth_*_linux_"$arch".deb)
rpms=(dist/mwoauth*.rpm)
[ -f "${debs[0]}" ] || { echo "error: no .deb for linux/$arch in dist/" >&2; exit 1; }
[ -s "${rpms[0]}" ] || { echo "error: no .rpm in dist/" >&2; exit 1; }
deb=${debs[0]}

echo "== contents of $deb"
contents=$(dpkg-deb -c "$deb" | awk '{print $6}')
echo "$contents"
for want in ./usr/bin/mwoauth ./usr/share/man/man1/mwoauth.1.gz ./usr/share/man/man1/mwoauth-token-verify.1.gz \
    ./usr/share/man/man7/mwoauth-exit-codes.7.gz ./usr/share/man/man7/mwoauth-environment.7.gz \
    ./usr/share/bash-completion/completions/mwoauth ./usr/share/zsh/vendor-completions/_mwoauth \
    ./usr/share/fish/vendor_completions.d/mwoauth.fish ./usr/share/doc/mwoauth/copyright; do
  grep -qx -- "$want" <<<"$contents" || { echo "error: $deb lacks $want" >&2; exit 1; }
done

echo "== dpkg -i $deb"
trap '$SUDO dpkg -r mwoauth >/dev/null 2>&1 || true' EXIT
$SUDO dpkg -i "$deb"
[ "$(command -v mwoauth)" = /usr/bin/mwoauth ] || hash -r
echo "== mwoauth version"
/usr/bin/mwoauth version
if [ -n "$(git remote 2>/dev/null)" ]; then
  /usr/bin/mwoauth version --output json | grep -q '"commit": *"[0-9a-f]' || { echo "error: the packaged mwoauth has no commit stamped in" >&2; exit 1; }
else
  # goreleaser ignores the whole git state of a snapshot when it cannot read
  # a remote URL, so there is no commit to stamp (a clone always has origin).
  echo "note: no git remote, so goreleaser stamped no commit; not checked"
fi
echo "== man -w mwoauth"
page=$(man -w mwoauth)
echo "$page"
[ "$page" = /usr/share/man/man1/mwoauth.1.gz ] || { echo "error: man -w mwoauth found $page" >&2; exit 1; }
[ "$(man -w mwoauth-exit-codes)" = /usr/share/man/man7/mwoauth-exit-codes.7.gz ]
MANWIDTH=80 man mwoauth-token-verify 2>&1 >/dev/null | (! grep .) || { echo "error: man mwoauth-token-verify warned" >&2; exit 1; }

echo "== dpkg -r mwoauth"
$SUDO dpkg -r mwoauth
trap - EXIT
[ ! -e /usr/bin/mwoauth ] || { echo "error: /usr/bin/mwoauth is still there after dpkg -r" >&2; exit 1; }
echo "package check passed"
