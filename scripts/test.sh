#!/usr/bin/env bash
# The whole test suite, from a fresh Debian machine: installs (idempotently)
# what the tests need, then runs the checks and every test. `make test` and
# .ci/run call this script.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
mkdir -p .cache/bin
export PATH="$root/.cache/bin:$PATH"

# Debian packages the tests use: xmllint validates every XML Carrel writes.
need_pkgs=()
command -v xmllint >/dev/null || need_pkgs+=(libxml2-utils)
command -v bib2xml >/dev/null || need_pkgs+=(bibutils) # independent BibTeX/RIS parser
perl -MHTTP::OAI -e 1 2>/dev/null || need_pkgs+=(libhttp-oai-perl) # independent OAI-PMH harvester
command -v gcc >/dev/null || need_pkgs+=(gcc libc6-dev)
command -v chromium >/dev/null || need_pkgs+=(chromium fonts-liberation) # browser tests, driven by playwright-core
command -v node >/dev/null || need_pkgs+=(nodejs npm)
[ -x /usr/sbin/slapd ] || need_pkgs+=(slapd) # the LDAP directory the sign-in tests start
command -v ldapadd >/dev/null || need_pkgs+=(ldap-utils)
python3 -c 'import smtpd' 2>/dev/null || need_pkgs+=(python3) # the SMTP server notifications are tested against
if ((${#need_pkgs[@]})); then
  echo "== installing Debian packages: ${need_pkgs[*]}"
  sudo_cmd=""; [ "$(id -u)" = 0 ] || sudo_cmd=sudo
  $sudo_cmd apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo_cmd apt-get install -y -qq --no-install-recommends "${need_pkgs[@]}"
fi

# Go tools, from the module proxy, cached under .cache/bin.
if [ ! -x .cache/bin/staticcheck ]; then
  echo "== installing staticcheck"
  GOBIN="$root/.cache/bin" go install honnef.co/go/tools/cmd/staticcheck@2025.1.1
fi

# npm packages for the browser tests (playwright-core, axe-core), pinned by
# test/browser/package-lock.json and installed under .cache/npm.
if ! cmp -s test/browser/package-lock.json .cache/npm/package-lock.json || [ ! -d .cache/npm/node_modules ]; then
  echo "== installing npm packages for the browser tests"
  rm -rf .cache/npm && mkdir -p .cache/npm
  cp test/browser/package.json test/browser/package-lock.json .cache/npm/
  (cd .cache/npm && npm ci --no-audit --no-fund --loglevel=error)
fi

# Server binaries the tests start on 127.0.0.1 (each script is idempotent
# and caches under .cache/bin): MinIO for the S3 storage backend.
bash scripts/minio.sh

echo "== gofmt"
unformatted=$(gofmt -l $(git ls-files '*.go' 2>/dev/null || find . -name '*.go' -not -path './.cache/*'))
if [ -n "$unformatted" ]; then
  echo "gofmt would change:"; echo "$unformatted"; exit 1
fi
echo "== go vet"
go vet ./...
echo "== staticcheck"
staticcheck ./...
echo "== go test"
# CI=true makes a missing service a failure instead of a skip.
export CI="${CI:-true}"
go test -count=1 -timeout 20m ./... 2>&1 | tee .cache/test.log
status=${PIPESTATUS[0]}
passed=$(grep -c '^ok ' .cache/test.log || true)
failed=$(grep -c '^FAIL' .cache/test.log || true)
echo "packages: $passed passed, $failed failed"
exit "$status"
