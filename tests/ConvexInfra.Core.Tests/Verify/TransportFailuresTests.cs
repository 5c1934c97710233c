using System.Net.Http;
using System.Net.Sockets;
using System.Security.Authentication;
using ConvexInfra.Core.Verify;

namespace ConvexInfra.Core.Tests.Verify;

/// <summary>Core's reading of .NET transport exceptions, and the fix verify gives for each kind.</summary>
public class TransportFailuresTests
{
    public static TheoryData<Exception, TransportFailureKind?> Exceptions() => new()
    {
        { new HttpRequestException(HttpRequestError.NameResolutionError, "Name or service not known (api.dev.convex.example.com:443)"), TransportFailureKind.NameResolution },
        { new HttpRequestException("wrapped", new SocketException((int)SocketError.HostNotFound)), TransportFailureKind.NameResolution },
        { new SocketException((int)SocketError.TryAgain), TransportFailureKind.NameResolution },
        { new HttpRequestException("refused", new SocketException((int)SocketError.ConnectionRefused)), TransportFailureKind.ConnectionRefused },
        { new TaskCanceledException("timeout"), TransportFailureKind.Timeout },
        { new HttpRequestException("tls", new AuthenticationException("bad certificate")), TransportFailureKind.Tls },
        { new HttpRequestException("reset"), TransportFailureKind.Other },
        { new InvalidOperationException("a bug"), null },
    };

    [Theory]
    [MemberData(nameof(Exceptions))]
    public void Exceptions_map_to_the_failure_verify_explains(Exception exception, TransportFailureKind? expected) =>
        Assert.Equal(expected, TransportFailures.Classify(exception));

    [Fact]
    public void An_unresolvable_hostname_gets_a_dns_fix_in_the_redirect_check_not_open_port_80()
    {
        var seen = HttpObservation.Unreachable("http://api.dev.convex.example.com/version", TransportFailureKind.NameResolution, "Name or service not known");

        var result = EdgeChecks.CheckRedirect("api.dev.convex.example.com", seen);

        Assert.Equal(CheckStatus.Fail, result.Status);
        Assert.Contains("does not resolve", result.Cause, StringComparison.Ordinal);
        Assert.Contains("dnsRecords", result.Fix, StringComparison.Ordinal);
        Assert.Contains("dig +short api.dev.convex.example.com", result.Fix, StringComparison.Ordinal);
        Assert.DoesNotContain("port 80", result.Fix, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(TransportFailureKind.ConnectionRefused)]
    [InlineData(TransportFailureKind.Timeout)]
    public void A_blocked_port_80_gets_the_open_port_80_fix(TransportFailureKind kind)
    {
        var seen = HttpObservation.Unreachable("http://api.dev.convex.example.com/version", kind, "no answer");

        var result = EdgeChecks.CheckRedirect("api.dev.convex.example.com", seen);

        Assert.StartsWith("open port 80 to the proxy", result.Fix, StringComparison.Ordinal);
    }
}
