using System.Net.Security;

namespace ConvexInfra.Core.Verify;

/// <summary>Why a request got no HTTP answer at all.</summary>
public enum TransportFailureKind
{
    NameResolution,
    ConnectionRefused,
    Timeout,
    Tls,
    Other,
}

/// <summary>What one HTTP request saw: a status and body, or the reason there was no answer.</summary>
public sealed record HttpObservation(string Url, int? Status, string Body, string? Location, TransportFailureKind? Failure, string? FailureMessage)
{
    public static HttpObservation Answered(string url, int status, string body, string? location = null) =>
        new(url, status, body, location, null, null);

    public static HttpObservation Unreachable(string url, TransportFailureKind kind, string message) =>
        new(url, null, string.Empty, null, kind, message);
}

/// <summary>A websocket connection attempt: upgraded (101), or the HTTP status / error instead.</summary>
public sealed record WebsocketObservation(string Url, bool Upgraded, int? Status, TransportFailureKind? Failure, string? FailureMessage);

/// <summary>A TLS handshake with one hostname and what the client thought of the certificate.</summary>
public sealed record TlsObservation(
    string Host,
    int Port,
    bool Handshake,
    SslPolicyErrors Errors,
    IReadOnlyList<string> ChainProblems,
    DateTimeOffset? NotAfter,
    string? CertificateNames,
    TransportFailureKind? Failure,
    string? FailureMessage);
