# Varnish of the forbidden-kit rig, in front of the rig's origin (127.0.0.2:8000).
# Refusals are VCL return(synth(...)) in vcl_recv, with ACLs and vmod_vsthrottle
# (varnish-modules), as the Varnish user guide and the vmod docs show them.
vcl 4.1;

import std;
import vsthrottle;

backend default {
    .host = "127.0.0.2";
    .port = "8000";
}

acl internal {
    "127.0.0.1";
}
acl blocklist {
    "127.0.0.98";
}

sub vcl_recv {
    if (client.ip ~ blocklist) {
        return (synth(403, "Forbidden"));
    }
    if (req.http.host ~ "^edge\.rig\.test(:8080)?$") {
        # the whole site only for the internal ACL
        if (client.ip !~ internal) {
            return (synth(403, "Forbidden"));
        }
        return (pass);
    }
    if (req.http.host ~ "^quota\.rig\.test(:8080)?$") {
        # one throttle for every path of the site
        if (vsthrottle.is_denied("site:" + client.ip, 5, 10s)) {
            return (synth(403, "Forbidden"));
        }
        return (pass);
    }
    if (req.http.host ~ "^gw\.rig\.test(:8080)?$") {
        # an API gateway: only mapped routes and methods reach the backend
        if (req.url ~ "^/v1/items(\?|$)" && req.method ~ "^(GET|HEAD)$") {
            return (pass);
        }
        if (req.url ~ "^/v1/reports/(\?|$)") {
            return (pass);
        }
        return (synth(403, "Forbidden"));
    }
    if (req.http.host !~ "^api\.rig\.test(:8080)?$") {
        return (synth(403, "Forbidden"));
    }
    if (req.http.User-Agent ~ "(?i)(sqlmap|nikto|masscan)") {
        return (synth(403, "Forbidden"));
    }
    if (req.url ~ "^/internal/" && client.ip !~ internal) {
        return (synth(403, "Forbidden"));
    }
    if (req.url ~ "^/limited403/" && vsthrottle.is_denied("l403:" + client.ip, 5, 10s)) {
        return (synth(403, "Forbidden"));
    }
    if (req.url ~ "^/limited429/" && vsthrottle.is_denied("l429:" + client.ip, 5, 10s)) {
        return (synth(429, "Too Many Requests"));
    }
    if (req.url ~ "^/(private|admin)/") {
        if (!req.http.Authorization) {
            return (synth(401, "Authentication required"));
        }
        if (req.http.Authorization != "Basic YWxpY2U6YWxpY2UtcGFzcw==" &&
            req.http.Authorization != "Basic Ym9iOmJvYi1wYXNz") {
            return (synth(401, "Authentication required"));
        }
        if (req.url ~ "^/admin/" && req.http.Authorization != "Basic YWxpY2U6YWxpY2UtcGFzcw==") {
            return (synth(403, "Forbidden"));
        }
    }
    if (req.url ~ "^/v1/") {
        if (req.http.X-API-Key !~ "^(rig-key-alice-0001|rig-key-bob-0002)$") {
            return (synth(403, "Forbidden"));
        }
        if (req.url ~ "^/v1/admin/" && req.http.X-API-Key != "rig-key-alice-0001") {
            return (synth(403, "Forbidden"));
        }
    }
    if (req.url ~ "^/images/" && req.http.Referer &&
        req.http.Referer !~ "^https?://api\.rig\.test/") {
        return (synth(403, "Forbidden"));
    }
    if (req.url ~ "^/\.(git|env)") {
        return (synth(403, "Forbidden"));
    }
    if (req.url ~ "^/legacy/") {
        return (synth(403, "Forbidden"));
    }
    if (req.url ~ "^/upload/" && req.method !~ "^(GET|HEAD)$") {
        return (synth(403, "Forbidden"));
    }
    if (req.method == "PURGE") {
        if (client.ip !~ internal) {
            return (synth(403, "Forbidden"));
        }
        return (purge);
    }
    return (pass);
}

sub vcl_synth {
    if (resp.status == 401) {
        set resp.http.WWW-Authenticate = {"Basic realm="rig""};
    }
}
