using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net.Security;
using System.Net.Sockets;
using System.Net.WebSockets;
using System.Text;

namespace ConvexInfra.Core.Tests.Tools;

/// <summary>One request through Caddy: when it started and ended on the shared clock, its status (0: no answer) and body.</summary>
public sealed record SwitchRequest(TimeSpan Start, TimeSpan End, int Status, string Body)
{
    public TimeSpan Duration => End - Start;
}

/// <summary>What clients saw during a release switch.</summary>
public sealed record SwitchReport(
    int Requests, int Failed, TimeSpan LongestRequest, int WebsocketDrops, TimeSpan LongestWebsocketOutage, int WebsocketEchoes, IReadOnlyList<SwitchRequest> All)
{
    public string Summary =>
        $"{Requests} requests, {Failed} failed, longest {LongestRequest.TotalSeconds:0.00} s; websocket: {WebsocketDrops} drop(s), " +
        $"longest outage {LongestWebsocketOutage.TotalSeconds:0.00} s, {WebsocketEchoes} echoes";
}

/// <summary>
/// A steady stream of HTTPS requests (a few workers back to back) and one websocket that sends a message every 200 ms
/// and reconnects at once when it drops (the Convex client backs off; this measures how soon it could be back), all
/// through the real Caddy on loopback, timed on <paramref name="clock"/>.
/// </summary>
public sealed class SwitchLoad(int caddyPort, string hostname, Stopwatch clock, int workers = 4) : IAsyncDisposable
{
    private readonly ConcurrentQueue<SwitchRequest> _requests = new();
    private readonly ConcurrentQueue<(TimeSpan Dropped, TimeSpan Back)> _outages = new();
    private readonly CancellationTokenSource _stop = new();
    private readonly List<Task> _tasks = [];
    private int _echoes;

    public void Start()
    {
        for (var i = 0; i < workers; i++)
        {
            var worker = i;
            _tasks.Add(Task.Run(() => RequestsAsync(worker)));
        }

        _tasks.Add(Task.Run(WebsocketAsync));
    }

    /// <summary>One request now, on its own (the test's held request).</summary>
    public async Task<SwitchRequest> OneAsync(string path)
    {
        using var client = RealCaddy.ClientTo(caddyPort);
        client.Timeout = TimeSpan.FromSeconds(60);
        var start = clock.Elapsed;
        try
        {
            using var response = await client.GetAsync(new Uri($"https://{hostname}:{caddyPort}{path}"));
            return new SwitchRequest(start, clock.Elapsed, (int)response.StatusCode, await response.Content.ReadAsStringAsync());
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
        {
            return new SwitchRequest(start, clock.Elapsed, 0, e.Message);
        }
    }

    public async Task<SwitchReport> StopAsync()
    {
        await _stop.CancelAsync();
        await Task.WhenAll(_tasks);
        var all = _requests.OrderBy(r => r.Start).ToList();
        var outages = _outages.ToList();
        return new SwitchReport(
            all.Count,
            all.Count(r => r.Status != 200),
            all.Count == 0 ? TimeSpan.Zero : all.Max(r => r.Duration),
            outages.Count,
            outages.Count == 0 ? TimeSpan.Zero : outages.Max(o => o.Back - o.Dropped),
            _echoes,
            all);
    }

    private async Task RequestsAsync(int worker)
    {
        using var client = RealCaddy.ClientTo(caddyPort);
        client.Timeout = TimeSpan.FromSeconds(60);
        for (var n = 0; !_stop.IsCancellationRequested; n++)
        {
            var start = clock.Elapsed;
            try
            {
                using var response = await client.GetAsync(new Uri($"https://{hostname}:{caddyPort}/api/query?w={worker}&n={n}"));
                _requests.Enqueue(new SwitchRequest(start, clock.Elapsed, (int)response.StatusCode, await response.Content.ReadAsStringAsync()));
            }
            catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
            {
                _requests.Enqueue(new SwitchRequest(start, clock.Elapsed, 0, e.Message));
            }

            try
            {
                await Task.Delay(50, _stop.Token);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    private async Task WebsocketAsync()
    {
        TimeSpan? dropped = null;
        while (!_stop.IsCancellationRequested)
        {
            using var socket = new ClientWebSocket();
            try
            {
                using var invoker = new HttpMessageInvoker(Handler());
                await socket.ConnectAsync(new Uri($"wss://{hostname}:{caddyPort}/api/1.0/sync"), invoker, _stop.Token);
                if (dropped is { } since)
                {
                    _outages.Enqueue((since, clock.Elapsed));
                    dropped = null;
                }

                var buffer = new byte[1024];
                for (var n = 0; !_stop.IsCancellationRequested; n++)
                {
                    await socket.SendAsync(Encoding.UTF8.GetBytes($"ping {n}"), WebSocketMessageType.Text, true, _stop.Token);
                    var received = await socket.ReceiveAsync(buffer, _stop.Token);
                    if (received.MessageType == WebSocketMessageType.Close)
                    {
                        break;
                    }

                    Interlocked.Increment(ref _echoes);
                    await Task.Delay(200, _stop.Token);
                }
            }
            catch (OperationCanceledException)
            {
                return;
            }
            catch (Exception e) when (e is WebSocketException or HttpRequestException or IOException)
            {
            }

            dropped ??= clock.Elapsed;
            try
            {
                await Task.Delay(100, _stop.Token);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    private SocketsHttpHandler Handler() => new()
    {
        ConnectCallback = async (_, token) =>
        {
            var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
            await socket.ConnectAsync(System.Net.IPAddress.Loopback, caddyPort, token);
            return new NetworkStream(socket, ownsSocket: true);
        },
        SslOptions = new SslClientAuthenticationOptions
        {
            RemoteCertificateValidationCallback = (_, certificate, _, _) => certificate?.Issuer.Contains("Caddy Local Authority", StringComparison.Ordinal) == true,
        },
    };

    public async ValueTask DisposeAsync()
    {
        if (!_stop.IsCancellationRequested)
        {
            await StopAsync();
        }

        _stop.Dispose();
    }
}
