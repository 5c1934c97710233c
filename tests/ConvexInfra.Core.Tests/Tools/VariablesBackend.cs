using System.Net;
using System.Text;
using System.Text.Json;
using ConvexInfra.Core.DeploymentEnv;

namespace ConvexInfra.Core.Tests.Tools;

/// <summary>
/// A loopback backend that answers the variables query (<c>POST /api/query</c>, <see cref="DeploymentEnvClient.ListFunction"/>)
/// as the real one does, for scripts that run <see cref="ListVariablesScript"/> under real node. Records each
/// Authorization header; <see cref="Status"/> other than 200 answers as a bad admin key does.
/// </summary>
public sealed class VariablesBackend : IDisposable
{
    private readonly HttpListener _listener = new();
    private readonly IReadOnlyDictionary<string, string> _variables;
    private readonly List<string> _authorizations = [];

    /// <summary>
    /// Values raw <c>NAME=value</c> lines (what <c>npx convex env list</c> prints) cannot carry: a PEM key over several
    /// lines, '=' runs, both quotes and '#'. Each line holding "value" is one no log, argument or request may show.
    /// </summary>
    public static IReadOnlyDictionary<string, string> Awkward { get; } = new SortedDictionary<string, string>(StringComparer.Ordinal)
    {
        ["APP_MODE"] = "production",
        ["CONNECTION"] = "host=db-value-4411;password=pw==value==9f",
        ["JWT_PRIVATE_KEY"] = "-----BEGIN PRIVATE KEY-----\nMIIEvQvalue8c1d==\nAbCdvalue2e5f=\n-----END PRIVATE KEY-----\n",
        ["QUOTED"] = "it's \"value\" #d00d",
    };

    /// <summary>The lines of <see cref="Awkward"/>'s values that are secret text (the ones holding "value").</summary>
    public static IEnumerable<string> SecretLines =>
        Awkward.Values.SelectMany(v => v.Split('\n')).Where(line => line.Contains("value", StringComparison.Ordinal));

    public VariablesBackend(IReadOnlyDictionary<string, string> variables)
    {
        _variables = variables;
        using (var socket = new System.Net.Sockets.TcpListener(IPAddress.Loopback, 0))
        {
            socket.Start();
            Url = $"http://127.0.0.1:{((IPEndPoint)socket.LocalEndpoint).Port}";
        }

        _listener.Prefixes.Add(Url + "/");
        _listener.Start();
        _ = Task.Run(ServeAsync);
    }

    public string Url { get; }

    public int Status { get; set; } = 200;

    public IReadOnlyList<string> Authorizations
    {
        get
        {
            lock (_authorizations)
            {
                return [.. _authorizations];
            }
        }
    }

    public void Dispose() => _listener.Close();

    private async Task ServeAsync()
    {
        while (_listener.IsListening)
        {
            HttpListenerContext context;
            try
            {
                context = await _listener.GetContextAsync();
            }
            catch (Exception e) when (e is HttpListenerException or ObjectDisposedException)
            {
                return;
            }

            using var reader = new StreamReader(context.Request.InputStream);
            using var request = JsonDocument.Parse(await reader.ReadToEndAsync());
            lock (_authorizations)
            {
                _authorizations.Add(context.Request.Headers["Authorization"] ?? "");
            }

            var ok = Status == 200 && context.Request.Url!.AbsolutePath == "/api/query"
                && request.RootElement.GetProperty("path").GetString() == DeploymentEnvClient.ListFunction;
            var body = ok
                ? JsonSerializer.Serialize(new { status = "success", value = _variables.Select(v => new { name = v.Key, value = v.Value }) })
                : JsonSerializer.Serialize(new { code = "BadAdminKey", message = "The provided admin key was invalid for this instance" });
            context.Response.StatusCode = ok ? 200 : Status;
            context.Response.ContentType = "application/json";
            var bytes = Encoding.UTF8.GetBytes(body);
            await context.Response.OutputStream.WriteAsync(bytes);
            context.Response.Close();
        }
    }
}
