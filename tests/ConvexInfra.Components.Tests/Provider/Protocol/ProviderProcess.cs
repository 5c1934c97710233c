using System.Diagnostics;
using ConvexInfra.Components.Tests.Support;
using Grpc.Net.Client;
using Google.Protobuf;
using Grpc.Core;

namespace ConvexInfra.Components.Tests.Provider.Protocol;

/// <summary>
/// The provider started the way Pulumi's .NET language host starts a source-based plugin
/// (pulumi-language-dotnet/main.go at pulumi-language-dotnet/v3.112.1, RunPlugin, lines 1094-1190): after
/// <c>dotnet build</c> (here the test build did it), <c>dotnet run --no-build --project &lt;plugin project&gt; --</c>
/// followed by the engine's arguments, the engine's gRPC address being the only one
/// (sdk/Pulumi/Provider/Provider.cs at v3.112.1, GetEngineAddress, lines 642-676). The provider answers with its
/// port on the first line of stdout (Serve, lines 526-556). PATH holds only the .NET SDK: no convex-infra CLI.
/// </summary>
internal sealed class ProviderProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly GrpcChannel _channel;
    private bool _disposed;

    private ProviderProcess(Process process, GrpcChannel channel, Task<string> stderr)
    {
        _process = process;
        _channel = channel;
        Stderr = stderr;
    }

    /// <summary>Calls a pulumirpc.ResourceProvider method; <paramref name="fill"/> sets the request's fields.</summary>
    public async Task<IMessage> CallAsync(string method, Action<IMessage> fill)
    {
        var descriptor = Rpc.Service("Provider", "ResourceProvider").Methods.Single(m => m.Name == method);
        var request = Rpc.New(descriptor.InputType);
        fill(request);
        return await _channel.CreateCallInvoker().AsyncUnaryCall(Rpc.Method(descriptor), null, new CallOptions(deadline: DateTime.UtcNow.AddMinutes(3)), request);
    }

    public Task<string> Stderr { get; }

    /// <summary>The PATH the provider runs with: the folder of the dotnet executable, nothing else.</summary>
    public static string DotnetOnlyPath => Path.GetDirectoryName(DotnetExecutable())!;

    /// <summary>Starts the provider; <paramref name="environment"/> adds variables (e.g. the runtime's thread-pool limits).</summary>
    public static async Task<ProviderProcess> StartAsync(string engineAddress, IReadOnlyDictionary<string, string>? environment = null)
    {
        var configuration = AppContext.BaseDirectory.Contains($"{Path.DirectorySeparatorChar}Release{Path.DirectorySeparatorChar}", StringComparison.Ordinal) ? "Release" : "Debug";
        var info = new ProcessStartInfo(DotnetExecutable())
        {
            WorkingDirectory = RepoRoot.File("provider"),
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        foreach (var argument in new[] { "run", "--no-build", "-c", configuration, "--project", RepoRoot.File("provider", "ConvexInfra.Provider.csproj"), "--", engineAddress })
        {
            info.ArgumentList.Add(argument);
        }

        info.Environment["PATH"] = DotnetOnlyPath;
        foreach (var (key, value) in environment ?? new Dictionary<string, string>())
        {
            info.Environment[key] = value;
        }

        var process = Process.Start(info)!;
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        var line = await process.StandardOutput.ReadLineAsync(timeout.Token);
        if (!int.TryParse(line, out var port))
        {
            process.Kill(entireProcessTree: true);
            throw new InvalidOperationException($"The provider did not print its port (got '{line}'): {await stderr}");
        }

        var channel = GrpcChannel.ForAddress($"http://127.0.0.1:{port}", new GrpcChannelOptions { MaxReceiveMessageSize = 64 * 1024 * 1024 });
        return new ProviderProcess(process, channel, stderr);
    }

    public async ValueTask DisposeAsync()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        _channel.Dispose();
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }

        _process.Dispose();
    }

    private static string DotnetExecutable()
    {
        var root = Environment.GetEnvironmentVariable("DOTNET_HOST_PATH");
        if (!string.IsNullOrEmpty(root) && File.Exists(root))
        {
            return root;
        }

        return (Environment.GetEnvironmentVariable("PATH") ?? "").Split(Path.PathSeparator)
            .Select(folder => Path.Combine(folder, "dotnet"))
            .First(File.Exists);
    }
}
