using ConvexInfra.Core.Rendering;
using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace ConvexInfra.Core.Tests.Tools;

/// <summary>
/// An HTTP/1.1 server on 127.0.0.1 standing in for the backend or the dashboard: answers every request 200 with the
/// request target it saw (whatever the Host header) and records it.
/// </summary>
public sealed class FakeUpstream : IDisposable
{
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);

    public FakeUpstream()
    {
        _listener.Start();
        Port = ((IPEndPoint)_listener.LocalEndpoint).Port;
        _ = Task.Run(ServeAsync);
    }

    public int Port { get; }

    public ConcurrentQueue<string> Paths { get; } = new();

    private async Task ServeAsync()
    {
        while (true)
        {
            TcpClient client;
            try
            {
                client = await _listener.AcceptTcpClientAsync();
            }
            catch (Exception e) when (e is SocketException or ObjectDisposedException or InvalidOperationException)
            {
                return;
            }

            _ = Task.Run(async () =>
            {
                using (client)
                {
                    var stream = client.GetStream();
                    var reader = new StreamReader(stream, Encoding.ASCII);
                    var requestLine = await reader.ReadLineAsync() ?? string.Empty;
                    while (!string.IsNullOrEmpty(await reader.ReadLineAsync()))
                    {
                    }

                    var parts = requestLine.Split(' ');
                    var target = parts.Length > 1 ? parts[1] : "?";
                    Paths.Enqueue(target);
                    var body = Encoding.UTF8.GetBytes("upstream saw " + target);
                    var head = Encoding.ASCII.GetBytes(
                        $"HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: {body.Length}\r\nConnection: close\r\n\r\n");
                    await stream.WriteAsync(head);
                    await stream.WriteAsync(body);
                }
            });
        }
    }

    public void Dispose() => _listener.Stop();
}

/// <summary>The real <c>caddy run</c> with a given Caddyfile, in a temp HOME, stopped on dispose.</summary>
public sealed class RealCaddy : IDisposable
{
    private readonly Process _process;
    private readonly TempDir _dir = new();
    private readonly StringBuilder _log = new();

    private RealCaddy(string caddyfile, int waitForPort)
    {
        var file = _dir.Write("Caddyfile", caddyfile);
        var info = new ProcessStartInfo(ExternalTool.Require("caddy"))
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = _dir.Path,
        };
        foreach (var argument in new[] { "run", "--config", file, "--adapter", "caddyfile" })
        {
            info.ArgumentList.Add(argument);
        }

        info.Environment["HOME"] = _dir.Path;
        info.Environment["XDG_DATA_HOME"] = _dir.Path;
        info.Environment["XDG_CONFIG_HOME"] = _dir.Path;
        _process = Process.Start(info) ?? throw new InvalidOperationException("caddy did not start");
        _process.OutputDataReceived += (_, e) => Append(e.Data);
        _process.ErrorDataReceived += (_, e) => Append(e.Data);
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();

        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (true)
        {
            Assert.False(_process.HasExited, "caddy exited:\n" + Log);
            try
            {
                using var probe = new TcpClient();
                probe.Connect(IPAddress.Loopback, waitForPort);
                break;
            }
            catch (SocketException) when (DateTime.UtcNow < deadline)
            {
                Thread.Sleep(100);
            }
        }
    }

    public string Log
    {
        get
        {
            lock (_log)
            {
                return _log.ToString();
            }
        }
    }

    public static RealCaddy Start(string caddyfile, int waitForPort) => new(caddyfile, waitForPort);

    /// <summary>
    /// The rendered Caddyfile, changed only where a test must: high ports, certificates from Caddy's own CA instead of
    /// Let's Encrypt, and the compose service names pointed at loopback ports.
    /// </summary>
    public static string OnLoopback(string caddyfile, int backend, int dashboard, int http, int https)
    {
        var options = $"\tadmin off\n\tdefault_bind 127.0.0.1\n\thttp_port {http}\n\thttps_port {https}\n\tlocal_certs\n\tskip_install_trust\n";
        var lines = caddyfile.Split('\n').ToList();
        var global = lines.IndexOf("{");
        var firstSnippet = lines.FindIndex(l => l.StartsWith('('));
        if (global >= 0 && global < firstSnippet)
        {
            lines.Insert(global + 1, options.TrimEnd('\n'));
        }
        else
        {
            lines.Insert(1, "{\n" + options + "}\n");
        }

        Assert.Contains(Caddyfile.BackendUpstream, caddyfile, StringComparison.Ordinal);
        Assert.Contains(Caddyfile.DashboardUpstream, caddyfile, StringComparison.Ordinal);
        return string.Join('\n', lines)
            .Replace(Caddyfile.BackendUpstream, $"127.0.0.1:{backend}", StringComparison.Ordinal)
            .Replace(Caddyfile.DashboardUpstream, $"127.0.0.1:{dashboard}", StringComparison.Ordinal);
    }

    public static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    /// <summary>A client that sends every request to 127.0.0.1:<paramref name="port"/>, whatever the URL's host.</summary>
    public static HttpClient ClientTo(int port) => new(new SocketsHttpHandler
    {
        AllowAutoRedirect = false,
        ConnectCallback = async (_, token) =>
        {
            var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
            await socket.ConnectAsync(IPAddress.Loopback, port, token);
            return new NetworkStream(socket, ownsSocket: true);
        },
        // Caddy's local CA (local_certs) is not trusted here; accept its certificates, and only those.
        SslOptions = { RemoteCertificateValidationCallback = (_, certificate, _, _) => certificate?.Issuer.Contains("Caddy Local Authority", StringComparison.Ordinal) == true },
    })
    {
        Timeout = TimeSpan.FromSeconds(30),
    };

    private void Append(string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (_log)
        {
            _log.AppendLine(line);
        }
    }

    public void Dispose()
    {
        try
        {
            _process.Kill(entireProcessTree: true);
            _process.WaitForExit(5000);
        }
        catch (InvalidOperationException)
        {
        }

        _process.Dispose();
        _dir.Dispose();
    }
}
