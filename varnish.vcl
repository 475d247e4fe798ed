# Lantern's edge cache: Varnish 7.1 with varnish-modules' xkey (Debian's `varnish` and
# `varnish-modules`), in front of gunicorn (compose.yaml's `edge`, docs/deploy.md#scale-out).
#
# Lantern decides what may be kept and for how long; this file only carries that out:
# - a reader's page says `Cache-Control: public, max-age=0, s-maxage=N` (LANTERN_CDN_SECONDS)
#   and `xkey: k1 k2 …`, the hashed tags of everything it shows (docs/caching.md);
# - a change sends `PURGE /` with `xkey-purge: k1 k2 …` to the `purges` socket, and every page
#   that shows what changed is gone before the next request;
# - editors, previews, the admin and the APIs' writes are passed through, never stored.
# tests/reliability/test_edge.py runs it in front of gunicorn; the backend there is rewritten.
vcl 4.1;

import std;
import xkey;

# compose.yaml's web service. tests/reliability/edge.py and .ci/image-check point its host
# and port elsewhere.
backend web {
    .host = "web";
    .port = "8000";
    .connect_timeout = 2s;
    .first_byte_timeout = 35s;  # gunicorn's worker timeout is 30 s
    .between_bytes_timeout = 10s;
    # /healthz answers while gunicorn does, without the database (cms/health.py): a sick
    # backend is one that does not answer at all, and only then is stale content served.
    .probe = {
        .request =
            "GET /healthz HTTP/1.1"
            "Host: edge-probe"
            "Connection: close";
        .interval = 2s;
        .timeout = 2s;
        .window = 3;
        .threshold = 2;
    }
}

# Who may purge. Also the socket: varnishd listens on `readers` (published, behind the TLS
# proxy) and `purges` (reached only from inside: compose's network, or localhost). Through
# Docker's port forwarding a reader's request can arrive from the network's gateway, a private
# address, so the address alone would not be enough.
acl purgers {
    "localhost";
    "127.0.0.1";
    "::1";
    "10.0.0.0"/8;
    "172.16.0.0"/12;
    "192.168.0.0"/16;
}

# Cookies a request may bring to Lantern. Readers' pages need none: Lantern's URLs name the
# language (/es/…), and no reader page reads a cookie. `sessionid` (editors, anyone signed in)
# and `csrftoken` (set by the few pages with a form: the admin, giving's steps) make a request
# personal: it is passed through with them. Any other cookie (a partner site's analytics on the
# same domain, say) is dropped, so it neither splits nor bypasses the cache.
# If SESSION_COOKIE_NAME or CSRF_COOKIE_NAME change in Django's settings, change them here.

sub vcl_recv {
    # This file's own flags (below) are never taken from a client.
    if (req.restarts == 0) {
        unset req.http.X-Lantern-Stale-OK;
        unset req.http.X-Lantern-Lookup;
    }
    if (req.method == "PURGE") {
        if (local.socket != "purges" || client.ip !~ purgers) {
            return (synth(403, "Forbidden"));
        }
        if (!req.http.xkey-purge) {
            return (synth(400, "xkey-purge header missing"));
        }
        # A hard purge, not xkey.softpurge: a soft-purged page stays in the cache as stale,
        # and is served while the origin is down (grace, below). Lantern purges when a page
        # is unpublished, a hotline number is replaced or a survivor's consent ends: none of
        # those may come back, even during an outage. The cost is that the first readers
        # after a site-wide change wait for the origin (one fetch per URL: Varnish queues the
        # others behind it).
        set req.http.xkey-purged = xkey.purge(req.http.xkey-purge);
        return (synth(200, "Purged " + req.http.xkey-purged));
    }

    # Only GET and HEAD are ever cached: POSTs, the API's writes and anything else go through.
    if (req.method != "GET" && req.method != "HEAD") {
        return (pass);
    }
    # The admin, the management API (bearer tokens), Django's admin, previews of drafts
    # (/api/preview, no-store anyway) and the health checks: never from the cache.
    if (req.url ~ "^/(admin|django-admin|api/manage|api/preview)(/|\?|$)"
        || req.url ~ "^/(healthz|readyz)(\?|$)"
        || req.http.Authorization) {
        return (pass);
    }

    # Keep only Lantern's own cookies (above); HTTP/2 may split them over several headers.
    std.collect(req.http.Cookie, "; ");
    if (req.http.Cookie) {
        set req.http.Cookie = ";" + req.http.Cookie;
        set req.http.Cookie = regsuball(req.http.Cookie, "; +", ";");
        set req.http.Cookie = regsuball(req.http.Cookie, ";(sessionid|csrftoken)=", "; \1=");
        set req.http.Cookie = regsuball(req.http.Cookie, ";[^ ][^;]*", "");
        set req.http.Cookie = regsuball(req.http.Cookie, "^[; ]+|[; ]+$", "");
        if (req.http.Cookie == "") {
            unset req.http.Cookie;
        }
    }
    if (req.http.Cookie) {
        return (pass);
    }

    # Grace: while the origin answers, a page whose lifetime has just run out is served at
    # most 10 s stale while it is fetched again in the background. While it does not (the
    # probe fails, or it answers 5xx: vcl_synth retries with this flag), readers get the
    # last copy for up to 6 hours rather than an error. Purged pages are gone (hard purge),
    # so grace only ever serves a page that was true when it expired.
    if (req.restarts > 0 && req.http.X-Lantern-Stale-OK) {
        set req.grace = 6h;
    } elsif (std.healthy(req.backend_hint)) {
        set req.grace = 10s;
    }
    unset req.http.X-Lantern-Stale-OK;
    set req.http.X-Lantern-Lookup = "1";  # for vcl_synth; never sent to the origin
    return (hash);
}

sub vcl_hash {
    # Production redirects plain HTTP to HTTPS: an `http` request's redirect must never be
    # served to an `https` one. (Host and URL are hashed by the built-in vcl_hash.)
    hash_data(req.http.X-Forwarded-Proto);
}

sub vcl_backend_fetch {
    unset bereq.http.X-Lantern-Lookup;
}

sub vcl_backend_response {
    # An origin error (the database down: 503) is never kept, nor allowed to replace the copy
    # that is here: the fetch is abandoned, and vcl_synth looks again for a stale copy.
    if (beresp.status >= 500 && !bereq.uncacheable) {
        return (abandon);
    }
    # Only what Lantern marks for a shared cache is kept: `s-maxage` (readers' pages and public
    # API answers with LANTERN_CDN_SECONDS) or `public` with a lifetime (hashed static files,
    # media). Not a personal answer, nor one that sets a cookie, whatever else it says.
    # Everything else (404s, redirects, pages without LANTERN_CDN_SECONDS) is fetched each time.
    # Hit-for-miss for 2 minutes: the next request goes to the origin without waiting for
    # this one, and is kept if its answer may be.
    if (bereq.uncacheable) {
        return (deliver);
    }
    if (beresp.http.Set-Cookie
        || beresp.http.Cache-Control ~ "(?i)(private|no-store|no-cache)"
        || beresp.http.Cache-Control !~ "(?i)(s-maxage=[1-9]|public)"
        || beresp.http.Vary ~ "\*"
        || beresp.ttl <= 0s) {
        set beresp.ttl = 120s;
        set beresp.uncacheable = true;
        return (deliver);
    }
    set beresp.grace = 6h;
    # Kept compressed, once: Django does not compress pages (whitenoise's static files come
    # compressed already). Readers whose browsers do not take gzip get it uncompressed.
    if (!beresp.http.Content-Encoding
        && beresp.http.Content-Type ~ "^(text/|application/(json|xml|atom\+xml|rss\+xml|javascript))") {
        set beresp.do_gzip = true;
    }
    return (deliver);
}

sub vcl_backend_error {
    # The origin did not answer (refused, timed out): as for its 5xx above.
    if (!bereq.uncacheable) {
        return (abandon);
    }
    set beresp.http.Content-Type = "text/plain; charset=utf-8";
    set beresp.http.Retry-After = "60";
    set beresp.body = {"This site is briefly unavailable. Please try again in a minute.
"};
    return (deliver);
}

sub vcl_deliver {
    # Tags are internal (they name pages and objects); readers see only whether it was a hit.
    unset resp.http.xkey;
    if (obj.uncacheable) {
        set resp.http.X-Cache = "PASS";
    } elsif (obj.hits > 0) {
        set resp.http.X-Cache = "HIT";
        # The request id and Lantern's own cache status are the first reader's, kept with the
        # page: this request never reached Lantern (X-Varnish names it at the edge).
        unset resp.http.X-Request-ID;
        unset resp.http.X-Lantern-Cache;
    } else {
        set resp.http.X-Cache = "MISS";
    }
    unset resp.http.Via;
}

sub vcl_synth {
    # The origin failed or was unreachable on a request that may be cached: look again, this
    # time taking a stale copy (grace, vcl_recv). Requests passed through (editors, the admin)
    # get the origin's own answer, error or not.
    if (resp.status == 503 && req.restarts == 0 && req.http.X-Lantern-Lookup) {
        set req.http.X-Lantern-Stale-OK = "1";
        return (restart);
    }
    set resp.http.Content-Type = "text/plain; charset=utf-8";
    if (resp.status == 503) {
        set resp.reason = "Service Unavailable";
        set resp.http.Retry-After = "60";
        set resp.body = {"This site is briefly unavailable. Please try again in a minute.
"};
    } else {
        set resp.body = resp.reason + {"
"};
    }
    return (deliver);
}
