using System.Net;
using System.Security.Cryptography.X509Certificates;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace ConvexInfra.Cli.Tests.Servers;

/// <summary>One Kestrel server on 127.0.0.1 with a free port, HTTPS when given a certificate.</summary>
public sealed class LoopbackServer : IAsyncDisposable
{
    private readonly WebApplication app;

    private LoopbackServer(WebApplication app, int port, bool https)
    {
        this.app = app;
        Port = port;
        Https = https;
    }

    public int Port { get; }
    public bool Https { get; }

    /// <summary>The base URL with the hostname clients should use (the certificates are for localhost).</summary>
    public string Url(string host = "localhost") => $"{(Https ? "https" : "http")}://{host}:{Port}";

    public static async Task<LoopbackServer> StartAsync(RequestDelegate handler, X509Certificate2? certificate = null)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(kestrel => kestrel.Listen(IPAddress.Loopback, 0, listen =>
        {
            if (certificate is not null)
            {
                listen.UseHttps(certificate);
            }
        }));
        var app = builder.Build();
        app.UseWebSockets();
        app.Run(handler);
        await app.StartAsync();
        var address = new Uri(app.Urls.Single());
        return new LoopbackServer(app, address.Port, certificate is not null);
    }

    public async ValueTask DisposeAsync()
    {
        await app.StopAsync();
        await app.DisposeAsync();
    }
}
