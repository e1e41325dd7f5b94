#!/usr/bin/env bash
# Runs Carrel's benchmarks (`make bench`) and writes BENCHMARKS.md.
#
# Idempotent: installs what the benchmarks need only if it is missing
# (Debian's nginx, as the download baseline), builds carrel into
# .cache/bin, and runs each benchmark driver. Run it from the repository
# root; extra arguments go to the core driver (e.g. -size 268435456).
#
# Environment: BENCH_WORK (work directory for the large test files;
# default .cache/bench), BENCH_OUT (default BENCHMARKS.md),
# BENCH_SEARCH_SIZES (corpus sizes of the search benchmark, default
# 100000,1000000; the 1M run takes over an hour, mostly seeding, and
# .cache/bin/bench-search -reuse measures again on the corpus it left),
# BENCH_SEARCH_INGEST (items of each corpus created through the API),
# BENCH_S3_SIZE (file size of the S3 storage benchmark; default 256 MiB).
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."
root=$(pwd)
work=${BENCH_WORK:-$root/.cache/bench}
out=${BENCH_OUT:-$root/BENCHMARKS.md}
bin=$root/.cache/bin

say() { printf 'bench: %s\n' "$*" >&2; }

have_nginx() { command -v nginx >/dev/null 2>&1 || [ -x /usr/sbin/nginx ]; }

if ! have_nginx; then
	say "nginx is not installed; installing Debian's nginx-light (or nginx)"
	sudo=""
	if [ "$(id -u)" -ne 0 ]; then
		command -v sudo >/dev/null 2>&1 || { say "need root or sudo to apt-get install nginx-light"; exit 1; }
		sudo=sudo
	fi
	export DEBIAN_FRONTEND=noninteractive
	$sudo apt-get update -qq
	if ! $sudo apt-get install -y -qq --no-install-recommends nginx-light; then
		$sudo apt-get install -y -qq --no-install-recommends nginx
	fi
	have_nginx || { say "nginx is still not available"; exit 1; }
fi
nginx=$(command -v nginx 2>/dev/null || echo /usr/sbin/nginx)

mkdir -p "$bin" "$work"
say "building carrel and the benchmark driver into $bin"
version=$(git describe --tags --always --dirty 2>/dev/null || echo dev)
go build -trimpath -ldflags "-X main.version=$version" -o "$bin/carrel" ./cmd/carrel
go build -o "$bin/bench-core" ./bench/core
go build -o "$bin/bench-stats" ./bench/stats
# FTS5, the search benchmark's baseline, needs go-sqlite3's sqlite_fts5 tag;
# only the benchmark driver is built with it.
go build -tags sqlite_fts5 -o "$bin/bench-search" ./bench/search

say "core path: upload and download (this takes a few minutes for 1 GiB)"
"$bin/bench-core" -carrel "$bin/carrel" -nginx "$nginx" -work "$work" -out "$out" \
	-command "make bench (bash scripts/bench.sh${*:+ $*})" \
	"$@"
say "S3 storage: upload and download through Carrel on MinIO against minio-go direct (BENCH_S3_SIZE bytes)"
bash scripts/minio.sh
"$bin/bench-core" -minio "$bin/minio" -carrel "$bin/carrel" -work "$work" -out "$out" -size "${BENCH_S3_SIZE:-268435456}" \
	-command "make bench (bash scripts/bench.sh)"
say "usage statistics: downloads per second with [stats] on and off"
"$bin/bench-stats" -carrel "$bin/carrel" -work "$work/stats" -out "$out" \
	-command "make bench (bash scripts/bench.sh)"
say "wrote $out"

say "web pages: render times with 100,000 seeded items (seeding takes several minutes the first time)"
go build -o "$bin/bench-web" ./bench/web
"$bin/bench-web" -carrel "$bin/carrel" -work "$work/web" -out "$out"
say "wrote $out"

sizes=${BENCH_SEARCH_SIZES:-100000,1000000}
say "search: ingest, reindex and faceted search at $sizes items (long; BENCH_SEARCH_SIZES chooses the sizes)"
BENCH_SEARCH_SIZES=$sizes "$bin/bench-search" -carrel "$bin/carrel" -work "$work/search" -out "$out" \
	-command "BENCH_SEARCH_SIZES=$sizes make bench, which runs .cache/bin/bench-search"
say "wrote $out"
