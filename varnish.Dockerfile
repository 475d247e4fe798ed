# The edge cache's image (compose.yaml's `edge`): Debian's Varnish with varnish-modules, whose
# xkey purges pages by tag, running varnish.vcl. No official Varnish image ships varnish-modules.
# Bookworm, named: its Varnish 7.1 and varnish-modules 0.20 are the ones varnish.vcl is tested
# with (tests/reliability/test_edge.py, on the same Debian packages).
FROM debian:bookworm-slim

# Exact Debian revisions are not pinned, as the archive drops them on each security update.
# hadolint ignore=DL3008
RUN apt-get update \
    && apt-get install -y --no-install-recommends varnish varnish-modules \
    && rm -rf /var/lib/apt/lists/*

COPY varnish.vcl /etc/varnish/lantern.vcl

# `readers` is published (behind the TLS proxy); `purges` is reached by Lantern's containers
# only, on compose's network (varnish.vcl accepts PURGE there alone).
EXPOSE 8080 6081

# varnishd starts as root to set up its work directory, then runs the cache process as
# Debian's unprivileged `vcache` user. In the foreground (-F), as PID 1, so a SIGTERM stops it.
# No management port (-T none): the VCL changes with a new image. 256 MB of pages in memory:
# a reader's page is about 18 KB (gzipped, 5 KB), so tens of thousands of pages.
CMD ["varnishd", "-F", "-f", "/etc/varnish/lantern.vcl", "-a", "readers=:8080", "-a", "purges=:6081", "-s", "malloc,256m", "-T", "none"]
