# centinela in a container: `docker build -t centinela .`, then
#   docker run -p 8080:8080 -v $PWD/my.yaml:/etc/centinela/centinela.yaml:ro centinela
# The image's own configuration (packaging/container.yaml) logs to stdout and
# proxies to http://host.docker.internal:8000 — mount yours in its place.

# Build: a Release binary (debug info split off), installed into /out.
FROM debian:12-slim AS build
RUN apt-get update -qq && apt-get install -y -qq --no-install-recommends \
      build-essential cmake ninja-build pkg-config libboost1.81-dev libyaml-cpp-dev \
      libfmt-dev libhiredis-dev libssl-dev zlib1g-dev libbrotli-dev libzstd-dev \
      libhyperscan-dev libpcre2-dev libmodsecurity-dev libmimalloc-dev \
    && rm -rf /var/lib/apt/lists/*
WORKDIR /src
COPY CMakeLists.txt ./
COPY src src
# the dashboard's chart library, embedded into the binary
COPY third_party third_party
COPY packaging packaging
COPY docs docs
COPY examples examples
COPY README.md ./
RUN cmake -S . -B build -G Ninja -DCMAKE_BUILD_TYPE=Release -DCENTINELA_BUILD_TESTS=OFF \
      -DCMAKE_INSTALL_PREFIX=/usr \
    && cmake --build build --target centinela \
    && DESTDIR=/out cmake --install build \
    && cp packaging/container.yaml /out/etc/centinela/centinela.yaml

# Run: the libraries (libmodsecurity3 for `waf.engine: modsecurity`), Debian's
# OWASP CRS (the WAF's default rules), curl for
# the health check, and a user without a shell or a home.
FROM debian:12-slim
RUN apt-get update -qq && apt-get install -y -qq --no-install-recommends \
      libyaml-cpp0.7 libfmt9 libhiredis0.14 libssl3 zlib1g libbrotli1 libzstd1 \
      libhyperscan5 libpcre2-8-0 libmodsecurity3 libmimalloc2.0 modsecurity-crs curl \
      ca-certificates \
    && rm -rf /var/lib/apt/lists/* \
    && useradd --system --user-group --no-create-home --home-dir /nonexistent \
         --shell /usr/sbin/nologin centinela \
    && install -d -o centinela -g centinela /var/cache/centinela /var/log/centinela
COPY --from=build /out/ /
USER centinela
EXPOSE 8080
# The admin listener stays inside the container (127.0.0.1:9901).
HEALTHCHECK --interval=10s --timeout=3s --start-period=60s --retries=3 \
  CMD curl -fs http://127.0.0.1:9901/health || exit 1
STOPSIGNAL SIGTERM
ENTRYPOINT ["/usr/bin/centinela"]
CMD ["run", "-c", "/etc/centinela/centinela.yaml"]
