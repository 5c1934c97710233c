using System.Net.Security;

namespace ConvexInfra.Core.Verify;

/// <summary>Judges the other public faces: HTTP actions, dashboard, certificates and the HTTP → HTTPS redirect.</summary>
public static class EdgeChecks
{
    public const string HttpActions = "http-actions";
    public const string Dashboard = "dashboard";

    /// <summary>Certificates this close to expiry get a warning: automatic renewal should have happened.</summary>
    public static readonly TimeSpan ExpiryWarning = TimeSpan.FromDays(14);

    public static string TlsName(string host, int port = 443) => port == 443 ? $"tls {host}" : $"tls {host}:{port}";

    public static string RedirectName(string host) => $"redirect {host}";

    /// <summary>Any answer below 500 means the HTTP actions server is reachable (unknown routes answer 404).</summary>
    public static CheckResult CheckHttpActions(HttpObservation seen)
    {
        if (seen.Failure is { } failure)
        {
            return TransportCauses.Fail(HttpActions, "GET on the site URL", seen.Url, failure, seen.FailureMessage);
        }

        var status = seen.Status!.Value;
        if (status >= 500)
        {
            return CheckResult.Fail(HttpActions, $"site URL answered {status}",
                "the proxy is up but gets no answer from the backend's HTTP actions port 3211",
                "route the site hostname to port 3211 and check that the backend container runs; retry with --wait 5m after a deploy");
        }

        // The API port greets with this text; the HTTP actions port never does.
        if (seen.Body.Contains("This Convex deployment is running", StringComparison.Ordinal))
        {
            return CheckResult.Fail(HttpActions, "the site URL answers like the API (port 3210)",
                "the proxy routes the site hostname to port 3210 instead of 3211",
                "route the site hostname to the backend's port 3211");
        }

        return CheckResult.Pass(HttpActions, $"site URL reachable ({status})");
    }

    public static CheckResult CheckDashboard(HttpObservation seen)
    {
        if (seen.Failure is TransportFailureKind.Timeout)
        {
            var failed = TransportCauses.Fail(Dashboard, "GET on the dashboard", seen.Url, TransportFailureKind.Timeout, seen.FailureMessage);
            return failed with { Cause = failed.Cause + "; the dashboard may be limited to dashboardAllowedCidrs" };
        }

        if (seen.Failure is { } failure)
        {
            return TransportCauses.Fail(Dashboard, "GET on the dashboard", seen.Url, failure, seen.FailureMessage);
        }

        var status = seen.Status!.Value;
        return status switch
        {
            >= 200 and < 400 => CheckResult.Pass(Dashboard, $"dashboard reachable ({status})"),
            401 or 403 => CheckResult.Fail(Dashboard, $"dashboard answered {status}",
                "an allow-list in front of the dashboard refuses this network",
                "run verify from an allowed network, or add it to dashboardAllowedCidrs"),
            >= 500 => CheckResult.Fail(Dashboard, $"dashboard answered {status}",
                "the proxy gets no answer from the dashboard container on port 6791",
                "check that the dashboard container runs (docker ps / ECS service) and listens on 6791"),
            _ => CheckResult.Fail(Dashboard, $"dashboard answered {status}",
                "the dashboard hostname is routed to something other than the dashboard (port 6791)",
                "route the dashboard hostname to port 6791 in the proxy"),
        };
    }

    public static CheckResult CheckTls(TlsObservation seen, DateTimeOffset now)
    {
        var name = TlsName(seen.Host, seen.Port);
        if (!seen.Handshake && seen.NotAfter is null)
        {
            return seen.Failure is { } kind and not TransportFailureKind.Tls
                ? TransportCauses.Fail(name, "TLS handshake", $"https://{seen.Host}:{seen.Port}", kind, seen.FailureMessage)
                : CheckResult.Fail(name, $"TLS handshake with {seen.Host}:{seen.Port} failed ({seen.FailureMessage})",
                    "the proxy has no certificate for this hostname yet (ACME needs the DNS record and port 80 reachable)",
                    "check the proxy logs for certificate errors; retry with --wait 10m after creating the DNS records");
        }

        var days = seen.NotAfter is { } notAfter ? (int)Math.Floor((notAfter - now).TotalDays) : 0;
        var expiry = seen.NotAfter is { } end ? $"expires {end.UtcDateTime:yyyy-MM-dd} ({days} days)" : "no expiry date";
        if (seen.NotAfter is { } expired && expired <= now)
        {
            return CheckResult.Fail(name, $"certificate expired on {expired.UtcDateTime:yyyy-MM-dd}",
                "automatic renewal failed (ACME blocked, or an imported certificate was not replaced)",
                "renew the certificate; for Caddy check its logs and that port 80/443 are reachable from the internet");
        }

        if (seen.Errors.HasFlag(SslPolicyErrors.RemoteCertificateNameMismatch))
        {
            return CheckResult.Fail(name, $"certificate is for {seen.CertificateNames ?? "other names"}, not {seen.Host}",
                "the DNS record points at another host, or the proxy serves a default certificate for an unknown hostname",
                $"point {seen.Host} at the stack's host and make sure the proxy config lists this hostname");
        }

        if (seen.Errors != SslPolicyErrors.None)
        {
            var problems = seen.ChainProblems.Count > 0 ? string.Join(", ", seen.ChainProblems) : seen.Errors.ToString();
            return CheckResult.Fail(name, $"certificate not trusted ({problems}); {expiry}",
                "self-signed or private-CA certificate, a staging ACME certificate, or a missing intermediate",
                "serve a publicly trusted certificate (Let's Encrypt production, ACM); for a private CA pass --ca-file ca.pem");
        }

        if (seen.NotAfter is { } soon && soon - now < ExpiryWarning)
        {
            return CheckResult.Warn(name, $"certificate valid, {expiry}",
                "renewal normally happens 30 days before expiry and has not",
                "check the proxy's ACME logs (Caddy) or the ACM certificate's renewal status");
        }

        return CheckResult.Pass(name, $"certificate valid, {expiry}");
    }

    /// <summary>A plain-HTTP GET on the hostname must redirect to https on the same host.</summary>
    public static CheckResult CheckRedirect(string host, HttpObservation seen)
    {
        var name = RedirectName(host);
        if (seen.Failure is { } failure)
        {
            var failed = TransportCauses.Fail(name, "GET over plain HTTP", seen.Url, failure, seen.FailureMessage);
            // A name that does not resolve or a failed handshake keeps its own fix: port 80 is not the problem then.
            return failure is TransportFailureKind.ConnectionRefused or TransportFailureKind.Timeout
                ? failed with { Fix = "open port 80 to the proxy and let it redirect to HTTPS (Caddy does this by default; ALB needs a redirect listener)" }
                : failed;
        }

        var status = seen.Status!.Value;
        var target = Uri.TryCreate(seen.Location, UriKind.Absolute, out var location) ? location : null;
        if (status is 301 or 302 or 303 or 307 or 308 && target?.Scheme == Uri.UriSchemeHttps
            && string.Equals(target.Host, host, StringComparison.OrdinalIgnoreCase))
        {
            return CheckResult.Pass(name, $"http:// redirects ({status}) to {target.GetLeftPart(UriPartial.Authority)}");
        }

        if (status is 301 or 302 or 303 or 307 or 308)
        {
            return CheckResult.Fail(name, $"http:// redirects ({status}) to {seen.Location ?? "nowhere"}, not to https://{host}",
                "the proxy's HTTP listener redirects to the wrong place",
                $"redirect http://{host}/* to https://{host}/*");
        }

        return CheckResult.Fail(name, $"http:// answered {status} instead of redirecting",
            "the proxy serves plain HTTP instead of redirecting to HTTPS",
            "make the HTTP listener redirect to HTTPS (Caddy: automatic; ALB: a port-80 listener with a redirect action)");
    }
}
