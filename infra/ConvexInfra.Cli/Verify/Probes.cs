using System.Net;
using System.Net.Http.Headers;
using System.Net.Security;
using System.Net.Sockets;
using System.Net.WebSockets;
using System.Security.Authentication;
using System.Security.Cryptography.X509Certificates;
using ConvexInfra.Core.Verify;

namespace ConvexInfra.Cli.Verify;

/// <summary>The network side of verify: each probe turns what the wire did into an observation for Core's rules.</summary>
public sealed class Probes(TrustPolicy trust, TimeSpan timeout) : IDisposable
{
    private const int MaxBody = 64 * 1024;

    private readonly HttpClient http = new(new SocketsHttpHandler
    {
        AllowAutoRedirect = false,
        ConnectTimeout = timeout,
        PooledConnectionLifetime = TimeSpan.FromSeconds(30),
        SslOptions = new SslClientAuthenticationOptions { RemoteCertificateValidationCallback = trust.Validate },
    })
    {
        Timeout = timeout,
    };

    public Task<HttpObservation> GetAsync(string url, string? authorization, CancellationToken cancellationToken) =>
        SendAsync(HttpMethod.Get, url, null, authorization, cancellationToken);

    /// <summary>A POST of a JSON body (the admin query API).</summary>
    public Task<HttpObservation> PostJsonAsync(string url, string json, string? authorization, CancellationToken cancellationToken) =>
        SendAsync(HttpMethod.Post, url, json, authorization, cancellationToken);

    private async Task<HttpObservation> SendAsync(HttpMethod method, string url, string? json, string? authorization, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(method, url);
        if (json is not null)
        {
            request.Content = new StringContent(json, System.Text.Encoding.UTF8, "application/json");
        }

        request.Headers.UserAgent.Add(new ProductInfoHeaderValue("convex-infra-verify", "1"));
        if (authorization is not null)
        {
            request.Headers.TryAddWithoutValidation("Authorization", authorization);
        }

        try
        {
            using var response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken);
            var body = await ReadBoundedAsync(response, cancellationToken);
            return HttpObservation.Answered(url, (int)response.StatusCode, body, response.Headers.Location?.ToString());
        }
        catch (Exception e) when (!cancellationToken.IsCancellationRequested && Classify(e) is { } kind)
        {
            return HttpObservation.Unreachable(url, kind, Message(e));
        }
    }

    public async Task<WebsocketObservation> WebsocketAsync(string url, CancellationToken cancellationToken)
    {
        using var socket = new ClientWebSocket();
        socket.Options.CollectHttpResponseDetails = true;
        socket.Options.RemoteCertificateValidationCallback = trust.Validate;
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(timeout);
        try
        {
            await socket.ConnectAsync(new Uri(url), deadline.Token);
            var upgraded = socket.State == WebSocketState.Open;
            await CloseQuietlyAsync(socket);
            return new WebsocketObservation(url, upgraded, (int)socket.HttpStatusCode, null, null);
        }
        catch (Exception e) when (!cancellationToken.IsCancellationRequested)
        {
            var status = (int)socket.HttpStatusCode;
            return status is > 0 and not 101
                ? new WebsocketObservation(url, false, status, null, null)
                : new WebsocketObservation(url, false, null, Classify(e) ?? TransportFailureKind.Other, Message(e));
        }
    }

    /// <summary>A bare TLS handshake with SNI <paramref name="host"/>, recording what the certificate looks like.</summary>
    public async Task<TlsObservation> TlsAsync(string host, int port, CancellationToken cancellationToken)
    {
        X509Certificate2? certificate = null;
        var errors = SslPolicyErrors.None;
        IReadOnlyList<string> problems = [];
        var connected = false;
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(timeout);
        try
        {
            using var client = new TcpClient();
            await client.ConnectAsync(host, port, deadline.Token);
            connected = true;
            await using var ssl = new SslStream(client.GetStream(), leaveInnerStreamOpen: false, (_, cert, chain, policyErrors) =>
            {
                certificate = cert is null ? null : X509CertificateLoader.LoadCertificate(cert.GetRawCertData());
                (errors, problems) = trust.Evaluate(cert, chain, policyErrors);

                // A refused certificate ends the handshake; what was recorded above still feeds the verdict.
                return errors == SslPolicyErrors.None;
            });
            await ssl.AuthenticateAsClientAsync(new SslClientAuthenticationOptions { TargetHost = host }, deadline.Token);
            return new TlsObservation(host, port, true, errors, problems, certificate?.NotAfter.ToUniversalTime(), Names(certificate), null, null);
        }
        catch (Exception e) when (!cancellationToken.IsCancellationRequested)
        {
            return new TlsObservation(host, port, false, errors, problems, certificate?.NotAfter.ToUniversalTime(), Names(certificate),
                connected && Classify(e) is not TransportFailureKind.Timeout ? TransportFailureKind.Tls : Classify(e) ?? TransportFailureKind.Tls, Message(e));
        }
        finally
        {
            certificate?.Dispose();
        }
    }

    public void Dispose() => http.Dispose();

    private static string? Names(X509Certificate2? certificate)
    {
        if (certificate is null)
        {
            return null;
        }

        var san = certificate.Extensions.OfType<X509SubjectAlternativeNameExtension>().FirstOrDefault();
        var names = san?.EnumerateDnsNames().ToList() ?? [];
        return names.Count > 0 ? string.Join(", ", names) : certificate.Subject;
    }

    private static async Task<string> ReadBoundedAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        await using var stream = await response.Content.ReadAsStreamAsync(cancellationToken);
        var buffer = new byte[MaxBody];
        var total = 0;
        int read;
        while (total < buffer.Length && (read = await stream.ReadAsync(buffer.AsMemory(total), cancellationToken)) > 0)
        {
            total += read;
        }

        return System.Text.Encoding.UTF8.GetString(buffer, 0, total);
    }

    private static async Task CloseQuietlyAsync(ClientWebSocket socket)
    {
        using var closing = new CancellationTokenSource(TimeSpan.FromSeconds(2));
        try
        {
            await socket.CloseAsync(WebSocketCloseStatus.NormalClosure, "convex-infra verify", closing.Token);
        }
        catch (Exception e) when (e is WebSocketException or OperationCanceledException or IOException)
        {
            socket.Abort(); // The upgrade already proved the point; a slow close is not a failure.
        }
    }

    private static TransportFailureKind? Classify(Exception e) => TransportFailures.Classify(e);

    private static string Message(Exception e)
    {
        var innermost = e;
        while (innermost.InnerException is not null)
        {
            innermost = innermost.InnerException;
        }

        return e is OperationCanceledException or TimeoutException || innermost is OperationCanceledException or TimeoutException
            ? "timed out"
            : innermost.Message;
    }
}
