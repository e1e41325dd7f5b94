#!/bin/sh
# Installs the MinIO server binary used by storage/s3's tests into
# .cache/bin/minio under the repository, unless it is already there.
# Pinned to the version the tests were written against. Building it takes several minutes; run it once, then:
#   go test ./storage/s3/   (or set CARREL_MINIO to another minio binary)
set -eu

root=$(cd "$(dirname "$0")/.." && pwd)
bin="$root/.cache/bin/minio"

if [ -x "$bin" ]; then
	echo "minio already installed: $bin"
	exit 0
fi

mkdir -p "$root/.cache/bin"
echo "building minio into $bin (this takes several minutes)..."
GOBIN="$root/.cache/bin" GOFLAGS=-buildvcs=false go install github.com/minio/minio@v0.0.0-20260212201848-7aac2a2c5b7c
echo "installed $bin"
