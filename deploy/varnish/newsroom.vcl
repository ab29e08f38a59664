vcl 4.1;
# Newsroom behind Varnish 7 with varnish-modules' xkey (Debian: varnish, varnish-modules).
#
# Keeps the public pages the app marks `Cache-Control: public` (front, article teasers,
# sections, authors, search, feeds, sitemap), one copy per address and page language, for
# as long as the app's s-maxage says; passes every reader who is logged in (a session or
# remember-me cookie), gift and preview links and the desk. The app purges what an editor
# changes with `PURGE /` and an `xkey` header naming the surrogate keys
# (NEWSROOM_CACHE_PURGE_URLS lists this cache's address).
#
# The app servers are `backend` blocks in backends.vcl beside this file, added to the
# round-robin director `servers` in its vcl_init (see the README, "The cache in front").

import std;
import directors;
import xkey;

include "backends.vcl";

# Who may purge: the app servers and workers. Add their addresses when they run elsewhere.
acl purgers {
    "127.0.0.1";
    "::1";
}

sub vcl_recv {
    set req.backend_hint = servers.backend();
    unset req.http.X-Cache;

    if (req.method == "PURGE") {
        if (client.ip !~ purgers) {
            return (synth(403, "Forbidden"));
        }
        if (!req.http.xkey) {
            return (synth(400, "Name the keys in an xkey header"));
        }
        set req.http.X-Purged = xkey.purge(req.http.xkey);
        return (synth(200, "Purged " + req.http.X-Purged));
    }
    # Varnish is one more proxy hop (it adds the client to X-Forwarded-For itself): it forwards
    # the scheme it was told, so the app's NEWSROOM_PROXY_COUNT counts it in both headers.
    if (req.http.X-Forwarded-Proto) {
        set req.http.X-Forwarded-Proto = req.http.X-Forwarded-Proto + ", " +
            regsub(req.http.X-Forwarded-Proto, "^.*,\s*", "");
    } else {
        set req.http.X-Forwarded-Proto = "http";
    }
    if (req.method != "GET" && req.method != "HEAD") {
        return (pass);
    }
    # A reader with a session (logged in, or in the middle of a form) gets their own page.
    if (req.http.Cookie ~ "(^|;\s*)(session|remember_token)=" || req.http.Authorization) {
        return (pass);
    }
    # Gift and preview links show one reader what others may not see; the desk is staff only.
    if (req.url ~ "[?&]gift=" || req.url ~ "^/g/" || req.url ~ "^/preview/" || req.url ~ "^/desk") {
        return (pass);
    }
    call newsroom_language;
    # Kept pages are the same for everyone: no cookie reaches the app on their way.
    unset req.http.Cookie;
    return (hash);
}

# Folds the reader's language into the page variants the site has: da, en-GB, en-US.
# The reader's choice (the lang cookie) wins, else the first of the site's languages the
# browser names; English dates are American only when the browser's first English is en-US.
# The folded value replaces Accept-Language, so the app renders exactly the variant kept
# (its Vary: Accept-Language then holds three values, not every browser's own list).
sub newsroom_language {
    set req.http.X-Accept = std.tolower(req.http.Accept-Language);
    if (req.http.Cookie ~ "(^|;\s*)lang=(da|en)\s*(;|$)") {
        set req.http.X-Language = regsub(req.http.Cookie, "^(?:.*;\s*)?lang=(da|en)\s*(?:;.*)?$", "\1");
    } else if (req.http.X-Accept ~ "(^|[\s,])(da|en)(-[a-z0-9]+)?\s*(;|,|$)") {
        set req.http.X-Language = regsub(req.http.X-Accept, "^.*?(?:^|[\s,])(da|en)(?:-[a-z0-9]+)?\s*(?:;|,|$).*$", "\1");
    } else {
        set req.http.X-Language = "en";
    }
    if (req.http.X-Language == "da") {
        set req.http.Accept-Language = "da";
    } else if (regsub(req.http.X-Accept, "^.*?(?:^|[\s,])(en(?:-[a-z0-9]+)?)\s*(?:;|,|$).*$", "\1") == "en-us") {
        set req.http.Accept-Language = "en-US";
    } else {
        set req.http.Accept-Language = "en-GB";
    }
    unset req.http.X-Language;
    unset req.http.X-Accept;
}

sub vcl_hash {
    hash_data(req.http.Accept-Language);
    # The built-in vcl_hash adds the address and host.
}

sub vcl_backend_response {
    # Only what the app calls public is kept, and never a response that sets a cookie.
    if (beresp.http.Cache-Control !~ "(^|[\s,])public(\s*,|\s*$)" ||
        beresp.http.Cache-Control ~ "(^|[\s,])(private|no-store|no-cache)(\s*[,=]|\s*$)" ||
        beresp.http.Set-Cookie || beresp.http.Vary == "*") {
        # Remember for a while not to wait on other readers' fetch of this address.
        set beresp.uncacheable = true;
        set beresp.ttl = 120s;
        return (deliver);
    }
    if (beresp.http.Surrogate-Key) {
        set beresp.http.xkey = beresp.http.Surrogate-Key;
    }
    return (deliver);
}

sub vcl_deliver {
    if (obj.uncacheable) {
        set resp.http.X-Cache = "PASS";
    } else if (obj.hits > 0) {
        set resp.http.X-Cache = "HIT";
    } else {
        set resp.http.X-Cache = "MISS";
    }
    unset resp.http.xkey;
}
