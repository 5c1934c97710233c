namespace ConvexInfra.Core.Verify;

/// <summary>Likely cause and fix when a URL gives no HTTP answer at all.</summary>
public static class TransportCauses
{
    public static CheckResult Fail(string check, string what, string url, TransportFailureKind kind, string? message)
    {
        var host = Uri.TryCreate(url, UriKind.Absolute, out var parsed) ? parsed.Host : url;
        var detail = $"{what}: no answer from {url} ({message ?? kind.ToString()})";
        return kind switch
        {
            TransportFailureKind.NameResolution => CheckResult.Fail(check, detail,
                $"the hostname {host} does not resolve",
                "create the DNS record (see the stack output 'dnsRecords') and wait for it to propagate; check with: dig +short " + host),
            TransportFailureKind.ConnectionRefused => CheckResult.Fail(check, detail,
                $"nothing listens on {host} at that port (proxy or container not running, or wrong port)",
                "check that the TLS proxy and the containers run on the host (docker ps / ECS service events) and that the URL's port is right"),
            TransportFailureKind.Timeout => CheckResult.Fail(check, detail,
                "the connection timed out: a security group, network ACL or firewall drops the traffic, or the host is down",
                "allow 443 (and 80) from your network in the security group, or run verify from an allowed network; then retry with --wait 5m"),
            TransportFailureKind.Tls => CheckResult.Fail(check, detail,
                "the TLS handshake failed (see the tls check for this host)",
                "fix the certificate first; for a private CA pass --ca-file ca.pem"),
            _ => CheckResult.Fail(check, detail,
                "the request failed before any HTTP answer",
                "retry with --wait 2m; if it persists, check the proxy logs on the host"),
        };
    }
}
