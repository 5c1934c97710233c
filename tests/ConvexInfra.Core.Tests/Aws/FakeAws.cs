using System.Diagnostics;
using System.Text.Json;
using ConvexInfra.Core.Aws;
using ConvexInfra.Core.Tests.Spec;
using ConvexInfra.Core.Tests.Tools;

namespace ConvexInfra.Core.Tests.Aws;

/// <summary>
/// <c>fake_aws.py</c> on a loopback port: S3, SSM GetParameter and the ECS container credentials endpoint, every
/// signature checked by botocore. Tests point <c>aws-request.mjs</c> (or anything else) at it through
/// <see cref="ContainerEnvironment"/> and read back what it stored and recorded.
/// </summary>
public sealed class FakeAws : IDisposable
{
    public const string AccessKeyId = "AKIDFAKEEXAMPLE";
    public const string SecretAccessKey = "fake/secret/key/for+tests";
    public const string SessionToken = "fake-session-token";
    private const string CredentialsToken = "fake-container-authorization-token";

    private readonly TempDir _dir = new();
    private readonly Process _process;

    public FakeAws()
    {
        var script = Path.Combine(RepoRootFinder.Find(), "tests", "ConvexInfra.Core.Tests", "Aws", "fake_aws.py");
        var info = new ProcessStartInfo(ExternalTool.Require("python3"))
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in new[] { script, "--state", State })
        {
            info.ArgumentList.Add(argument);
        }

        _process = Process.Start(info) ?? throw new InvalidOperationException("could not start fake_aws.py");
        var firstLine = _process.StandardOutput.ReadLineAsync();
        if (!firstLine.Wait(TimeSpan.FromSeconds(30)) || !int.TryParse(firstLine.Result, out var port))
        {
            var error = _process.HasExited ? _process.StandardError.ReadToEnd() : "no port within 30 s";
            _process.Kill(entireProcessTree: true);
            throw new InvalidOperationException($"fake_aws.py did not start (botocore missing? scripts/install-test-tools.sh installs python3-botocore): {error}");
        }

        Endpoint = $"http://127.0.0.1:{port}";
    }

    public string Endpoint { get; }

    /// <summary>The state directory: s3/, ssm/, fail/ and requests.jsonl (see fake_aws.py).</summary>
    public string State => _dir.Path;

    /// <summary>What an ECS task sees: the container credentials endpoint and its token, and every endpoint here.</summary>
    public Dictionary<string, string> ContainerEnvironment() => new()
    {
        ["AWS_CONTAINER_CREDENTIALS_FULL_URI"] = $"{Endpoint}/creds",
        ["AWS_CONTAINER_AUTHORIZATION_TOKEN"] = CredentialsToken,
        ["AWS_ENDPOINT_URL"] = Endpoint,
    };

    /// <summary>Static keys instead (an S3-compatible store's access key pair).</summary>
    public Dictionary<string, string> StaticKeyEnvironment() => new()
    {
        ["AWS_ACCESS_KEY_ID"] = AccessKeyId,
        ["AWS_SECRET_ACCESS_KEY"] = SecretAccessKey,
        ["AWS_ENDPOINT_URL"] = Endpoint,
    };

    /// <summary>Writes aws-request.mjs into <paramref name="directory"/> and returns its path.</summary>
    public static string WriteScript(string directory)
    {
        var path = Path.Combine(directory, "aws-request.mjs");
        File.WriteAllText(path, AwsRequestScript.Text);
        return path;
    }

    public void PutParameter(string name, string value) =>
        File.WriteAllText(Path.Combine(State, "ssm", name.Replace("/", "%2F", StringComparison.Ordinal)), value);

    public void DeleteParameter(string name) =>
        File.Delete(Path.Combine(State, "ssm", name.Replace("/", "%2F", StringComparison.Ordinal)));

    public string ObjectPath(string bucket, string key) => Path.Combine(State, "s3", bucket, key);

    public byte[]? StoredObject(string bucket, string key) => File.Exists(ObjectPath(bucket, key)) ? File.ReadAllBytes(ObjectPath(bucket, key)) : null;

    /// <summary>The x-amz-server-side-encryption headers the object was stored with.</summary>
    public IReadOnlyDictionary<string, string> Encryption(string bucket, string key) =>
        JsonSerializer.Deserialize<Dictionary<string, string>>(File.ReadAllText(ObjectPath(bucket, key) + ".meta.json")) ?? [];

    /// <summary>Stores an object as if written earlier (tests of retention and of 'latest').</summary>
    public void SeedObject(string bucket, string key, string content, DateTimeOffset lastModified)
    {
        var path = ObjectPath(bucket, key);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, content);
        File.WriteAllText(path + ".meta.json", "{}");
        File.SetLastWriteTimeUtc(path, lastModified.UtcDateTime);
    }

    /// <summary>Makes <paramref name="operation"/> (s3-put, s3-get, s3-list, s3-delete, GetParameter) answer <paramref name="status"/>.</summary>
    /// <remarks>With <paramref name="times"/>, only that many requests fail; then it answers normally again.</remarks>
    public void Fail(string operation, int status, int? times = null) =>
        File.WriteAllText(Path.Combine(State, "fail", operation), times is { } n ? FormattableString.Invariant($"{status} {n}") : FormattableString.Invariant($"{status}"));

    public void Heal(string operation) => File.Delete(Path.Combine(State, "fail", operation));

    public IReadOnlyList<FakeAwsRequest> Requests()
    {
        var log = Path.Combine(State, "requests.jsonl");
        return !File.Exists(log) ? [] : File.ReadAllLines(log).Select(line => JsonSerializer.Deserialize<FakeAwsRequest>(line, Json)!).ToList();
    }

    /// <summary>Everything the fake recorded (headers, paths, SSM bodies), for "never leaked" assertions.</summary>
    public string RequestLog() => File.Exists(Path.Combine(State, "requests.jsonl")) ? File.ReadAllText(Path.Combine(State, "requests.jsonl")) : string.Empty;

    private static readonly JsonSerializerOptions Json = new() { PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower };

    public void Dispose()
    {
        try
        {
            _process.Kill(entireProcessTree: true);
            _process.WaitForExit(5000);
        }
        catch (InvalidOperationException)
        {
            // Already gone.
        }

        _process.Dispose();
        _dir.Dispose();
    }
}

public sealed record FakeAwsRequest(
    string Method,
    string Path,
    string Query,
    IReadOnlyDictionary<string, string> Headers,
    string Operation,
    bool SignatureOk,
    string Detail,
    string? Body);
