# syntax=docker/dockerfile:1
#
# Carrel in a container: docker build --build-arg VERSION=1.2.3 -t carrel .
# docker run -p 8080:8080 -v carrel-data:/data carrel
# Administer it with the same binary, e.g.
# docker run --rm -v carrel-data:/data carrel user add --email E --name N --admin

# Build stage: mattn/go-sqlite3 needs cgo, so this is a glibc build that the
# (same-release) Debian runtime below can run.
FROM golang:1.26-bookworm AS build
ARG VERSION=dev
WORKDIR /src
ENV CGO_ENABLED=1
COPY go.mod go.sum ./
RUN --mount=type=cache,target=/go/pkg/mod go mod download
COPY . .
RUN --mount=type=cache,target=/go/pkg/mod --mount=type=cache,target=/root/.cache/go-build \
    go build -trimpath -ldflags "-s -w -X main.version=${VERSION}" -o /out/carrel ./cmd/carrel

# Runtime stage: the binary, CA certificates (S3, SAML metadata, DOIs over
# HTTPS) and curl for the health check; nothing else.
FROM debian:bookworm-slim
RUN apt-get update \
    && apt-get install -y --no-install-recommends ca-certificates curl \
    && rm -rf /var/lib/apt/lists/* \
    && groupadd --system --gid 10001 carrel \
    && useradd --system --uid 10001 --gid 10001 --home-dir /data --no-create-home --shell /usr/sbin/nologin carrel \
    && mkdir /data \
    && chown carrel:carrel /data \
    && chmod 0750 /data
COPY --from=build /out/carrel /usr/local/bin/carrel
# Ownership is set before VOLUME: changes to a volume's path made after it
# is declared are discarded.
VOLUME ["/data"]
WORKDIR /data
USER 10001:10001
ENV CARREL_SERVER_DATA_DIR=/data \
    CARREL_SERVER_ADDR=0.0.0.0:8080
EXPOSE 8080
# If you change CARREL_SERVER_ADDR's port, override this check to match.
HEALTHCHECK --interval=30s --timeout=5s CMD curl -fsS http://127.0.0.1:8080/healthz || exit 1
ENTRYPOINT ["/usr/local/bin/carrel"]
CMD ["serve"]
