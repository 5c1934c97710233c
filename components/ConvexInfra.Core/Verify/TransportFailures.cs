using System.Net.Http;
using System.Net.Sockets;
using System.Net.WebSockets;
using System.Security.Authentication;

namespace ConvexInfra.Core.Verify;

/// <summary>
/// Why a request got no HTTP answer, read from the exception .NET threw (walking its inner exceptions): a name that
/// does not resolve (NXDOMAIN, no address, a temporary resolver failure), a refused connection, a timeout, a failed
/// TLS handshake, or anything else on the wire. Null for an exception that is not a transport failure.
/// </summary>
public static class TransportFailures
{
    public static TransportFailureKind? Classify(Exception exception)
    {
        ArgumentNullException.ThrowIfNull(exception);
        for (var inner = exception; inner is not null; inner = inner.InnerException)
        {
            switch (inner)
            {
                case OperationCanceledException or TimeoutException:
                    return TransportFailureKind.Timeout;
                case AuthenticationException:
                    return TransportFailureKind.Tls;
                case HttpRequestException { HttpRequestError: HttpRequestError.NameResolutionError }:
                    return TransportFailureKind.NameResolution;
                case HttpRequestException { HttpRequestError: HttpRequestError.SecureConnectionError }:
                    return TransportFailureKind.Tls;
                case SocketException { SocketErrorCode: SocketError.HostNotFound or SocketError.NoData or SocketError.TryAgain }:
                    return TransportFailureKind.NameResolution;
                case SocketException { SocketErrorCode: SocketError.ConnectionRefused }:
                    return TransportFailureKind.ConnectionRefused;
                case SocketException { SocketErrorCode: SocketError.TimedOut }:
                    return TransportFailureKind.Timeout;
                default:
                    break;
            }
        }

        return exception is HttpRequestException or WebSocketException or SocketException or IOException ? TransportFailureKind.Other : null;
    }
}
