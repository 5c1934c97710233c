using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Net.WebSockets;
using System.Security.Cryptography;
using System.Text;

namespace ConvexInfra.Core.Tests.Tools;

/// <summary>
/// Real backends on loopback for a <see cref="FakeHost"/>: the fake docker-compose asks (files in <c>live/</c>) to stop
/// the running backend or start one of an image, and waits until it is done. A backend listens on <see cref="Port"/>
/// only after its image's start time has passed (what a starting Convex backend does), answers HTTP (and
/// <c>/version</c>, 503 for an unhealthy image) and echoes websocket messages; stopping it is the backend's SIGINT:
/// it stops accepting, closes its websockets (1001, going away), and lets requests in flight finish. Every step is on
/// one clock (<see cref="Timeline"/>), and a start while another backend runs is recorded as <c>TWO BACKENDS</c>.
/// </summary>
public sealed class LiveBackends : IDisposable
{
    private readonly string _dir;
    private readonly Func<string, TimeSpan> _startTime;
    private readonly IReadOnlySet<string> _unhealthy;
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _watcher;
    private readonly ConcurrentQueue<(TimeSpan At, string Event)> _timeline = new();
    private Backend? _current;

    public LiveBackends(FakeHost host, Func<string, TimeSpan> startTime, IReadOnlySet<string>? unhealthy = null)
    {
        _dir = Path.Combine(host.FakeDir, "live");
        Directory.CreateDirectory(_dir);
        Port = RealCaddy.FreePort();
        File.WriteAllText(Path.Combine(_dir, "port"), Port.ToString(System.Globalization.CultureInfo.InvariantCulture));
        _startTime = startTime;
        _unhealthy = unhealthy ?? new HashSet<string>();
        _watcher = Task.Run(WatchAsync);
    }

    /// <summary>The clock every event and every client measurement uses.</summary>
    public Stopwatch Clock { get; } = Stopwatch.StartNew();

    public int Port { get; }

    /// <summary>Events in order: <c>start IMAGE</c>, <c>listening IMAGE</c>, <c>stop IMAGE</c>, <c>stopped IMAGE</c>, <c>TWO BACKENDS</c>.</summary>
    public IReadOnlyList<(TimeSpan At, string Event)> Timeline => [.. _timeline];

    /// <summary>When <paramref name="event"/> last happened, or null.</summary>
    public TimeSpan? When(string @event) => Timeline.LastOrDefault(e => e.Event == @event) is { Event: not null } found ? found.At : null;

    /// <summary>Waits until <paramref name="event"/> has happened.</summary>
    public async Task WaitForAsync(string @event, TimeSpan timeout)
    {
        var deadline = Clock.Elapsed + timeout;
        while (When(@event) is null)
        {
            Assert.True(Clock.Elapsed < deadline, $"no '{@event}' within {timeout}: {string.Join(", ", Timeline.Select(e => e.Event))}");
            await Task.Delay(20);
        }
    }

    private void Record(string @event) => _timeline.Enqueue((Clock.Elapsed, @event));

    private async Task WatchAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            foreach (var request in Directory.GetFiles(_dir, "request.*").Where(f => !f.EndsWith(".tmp", StringComparison.Ordinal)).Order(StringComparer.Ordinal))
            {
                var words = File.ReadAllText(request).Trim().Split(' ', 2);
                if (words[0] == "stop" && _current is { } running)
                {
                    Record("stop " + running.Image);
                    await running.StopAsync();
                    running.Dispose();
                    Record("stopped " + running.Image);
                    _current = null;
                }
                else if (words[0] == "start")
                {
                    if (_current is not null)
                    {
                        Record("TWO BACKENDS");
                    }

                    Record("start " + words[1]);
                    _current = new Backend(this, words[1], _startTime(words[1]), _unhealthy.Contains(words[1]));
                }

                var id = Path.GetFileName(request)["request.".Length..];
                File.Delete(request);
                File.WriteAllText(Path.Combine(_dir, "done." + id), string.Empty);
            }

            try
            {
                await Task.Delay(10, _stop.Token);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    public void Dispose()
    {
        _stop.Cancel();
        _watcher.Wait(TimeSpan.FromSeconds(5));
        _current?.StopAsync().Wait(TimeSpan.FromSeconds(15));
        _stop.Dispose();
    }

    private sealed class Backend : IDisposable
    {
        private readonly LiveBackends _owner;
        private readonly bool _unhealthy;
        private readonly CancellationTokenSource _cts = new();
        private readonly ConcurrentDictionary<WebSocket, byte> _sockets = new();
        private readonly Task _run;
        private TcpListener? _listener;
        private int _inFlight;

        public Backend(LiveBackends owner, string image, TimeSpan startTime, bool unhealthy)
        {
            _owner = owner;
            Image = image;
            _unhealthy = unhealthy;
            _run = Task.Run(() => RunAsync(startTime));
        }

        public string Image { get; }

        public void Dispose() => _cts.Dispose();

        private async Task RunAsync(TimeSpan startTime)
        {
            try
            {
                await Task.Delay(startTime, _cts.Token);
            }
            catch (OperationCanceledException)
            {
                return;
            }

            var listener = new TcpListener(IPAddress.Loopback, _owner.Port);
            listener.Server.SetSocketOption(SocketOptionLevel.Socket, SocketOptionName.ReuseAddress, true);
            listener.Start();
            _listener = listener;
            _owner.Record("listening " + Image);
            while (!_cts.IsCancellationRequested)
            {
                TcpClient client;
                try
                {
                    client = await listener.AcceptTcpClientAsync(_cts.Token);
                }
                catch (Exception e) when (e is SocketException or ObjectDisposedException or OperationCanceledException)
                {
                    return;
                }

                Interlocked.Increment(ref _inFlight);
                _ = Task.Run(() => ServeAsync(client));
            }
        }

        /// <summary>SIGINT: no new connections, websockets closed as going away, requests in flight finish (up to 10 s).</summary>
        public async Task StopAsync()
        {
            await _cts.CancelAsync();
            _listener?.Stop();
            foreach (var socket in _sockets.Keys)
            {
                try
                {
                    using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(2));
                    await socket.CloseOutputAsync(WebSocketCloseStatus.EndpointUnavailable, "backend shutting down", timeout.Token);
                }
                catch (Exception e) when (e is WebSocketException or OperationCanceledException or ObjectDisposedException or IOException)
                {
                }

                socket.Abort();
            }

            for (var waited = 0; Volatile.Read(ref _inFlight) > 0 && waited < 10_000; waited += 20)
            {
                await Task.Delay(20);
            }

            await _run.WaitAsync(TimeSpan.FromSeconds(5));
        }

        private async Task ServeAsync(TcpClient client)
        {
            var counted = true;
            try
            {
                using (client)
                {
                    var stream = client.GetStream();
                    var head = await ReadHeadAsync(stream);
                    if (head is null)
                    {
                        return;
                    }

                    var lines = head.Split("\r\n");
                    var target = lines[0].Split(' ') is { Length: > 1 } parts ? parts[1] : "/";
                    var headers = lines.Skip(1).Select(l => l.Split(':', 2)).Where(p => p.Length == 2)
                        .GroupBy(p => p[0].Trim().ToLowerInvariant()).ToDictionary(g => g.Key, g => g.First()[1].Trim(), StringComparer.Ordinal);
                    if (headers.TryGetValue("upgrade", out var upgrade) && upgrade.Equals("websocket", StringComparison.OrdinalIgnoreCase))
                    {
#pragma warning disable CA5350 // RFC 6455 fixes SHA-1 for the handshake; nothing here is secret
                        var accept = Convert.ToBase64String(SHA1.HashData(Encoding.ASCII.GetBytes(headers["sec-websocket-key"] + "258EAFA5-E914-47DA-95CA-C5AB0DC85B11")));
#pragma warning restore CA5350
                        await stream.WriteAsync(Encoding.ASCII.GetBytes(
                            $"HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: {accept}\r\n\r\n"));
                        using var socket = WebSocket.CreateFromStream(stream, new WebSocketCreationOptions { IsServer = true });
                        _sockets[socket] = 0;
                        Interlocked.Decrement(ref _inFlight); // a websocket is not a request in flight
                        counted = false;
                        await EchoAsync(socket);
                        _sockets.TryRemove(socket, out _);
                        return;
                    }

                    if (headers.TryGetValue("content-length", out var length) && int.TryParse(length, out var bytes) && bytes > 0)
                    {
                        var body = new byte[bytes];
                        await stream.ReadExactlyAsync(body);
                    }

                    var healthy = !(_unhealthy && target.StartsWith("/version", StringComparison.Ordinal));
                    var content = Encoding.UTF8.GetBytes(Image + " " + target);
                    var status = healthy ? "200 OK" : "503 Service Unavailable";
                    await stream.WriteAsync(Encoding.ASCII.GetBytes(
                        $"HTTP/1.1 {status}\r\nContent-Type: text/plain\r\nContent-Length: {content.Length}\r\nConnection: close\r\n\r\n"));
                    await stream.WriteAsync(content);
                }
            }
            catch (Exception e) when (e is IOException or SocketException or ObjectDisposedException or WebSocketException)
            {
            }
            finally
            {
                if (counted)
                {
                    Interlocked.Decrement(ref _inFlight);
                }
            }
        }

        private static async Task EchoAsync(WebSocket socket)
        {
            var buffer = new byte[4096];
            while (socket.State == WebSocketState.Open)
            {
                var received = await socket.ReceiveAsync(buffer, CancellationToken.None);
                if (received.MessageType == WebSocketMessageType.Close)
                {
                    await socket.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, "bye", CancellationToken.None);
                    return;
                }

                await socket.SendAsync(buffer.AsMemory(0, received.Count), received.MessageType, received.EndOfMessage, CancellationToken.None);
            }
        }

        private static async Task<string?> ReadHeadAsync(NetworkStream stream)
        {
            var head = new List<byte>();
            var one = new byte[1];
            while (head.Count < 16_384)
            {
                if (await stream.ReadAsync(one) == 0)
                {
                    return null;
                }

                head.Add(one[0]);
                if (head.Count >= 4 && head[^4] == '\r' && head[^3] == '\n' && head[^2] == '\r' && head[^1] == '\n')
                {
                    return Encoding.ASCII.GetString([.. head]).TrimEnd('\r', '\n');
                }
            }

            return null;
        }
    }
}
