using System.Text.Encodings.Web;
using System.Text.Json;
using ConvexInfra.Core.AdminKeys;

namespace ConvexInfra.Cli.Commands;

/// <summary><c>admin-key generate|verify</c>: issue and check admin keys offline.</summary>
public sealed class AdminKeyCommand : ICliCommand
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        WriteIndented = true,
        // The output goes to terminals and scripts, not into HTML; keep names like 'app' readable.
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    public string Name => "admin-key";

    public string Summary => "Generate or verify an admin key from the instance name and secret, offline.";

    public string Help => AdminKeyCommandHelp.Overview;

    public async Task<int> RunAsync(IReadOnlyList<string> args, CliConsole console, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(args);
        ArgumentNullException.ThrowIfNull(console);
        var subcommand = args.Count > 0 ? args[0] : null;
        var rest = args.Skip(1).ToList();
        var help = rest.Contains("--help") || rest.Contains("-h");
        switch (subcommand)
        {
            case null or "--help" or "-h" or "help":
                await console.Out.WriteAsync(Help);
                return subcommand is null ? ExitCodes.Usage : ExitCodes.Ok;
            case "generate" when help:
                await console.Out.WriteAsync(AdminKeyCommandHelp.Generate);
                return ExitCodes.Ok;
            case "verify" when help:
                await console.Out.WriteAsync(AdminKeyCommandHelp.Verify);
                return ExitCodes.Ok;
            case "generate":
                return await GenerateAsync(new ArgReader(rest), console);
            case "verify":
                return await VerifyAsync(new ArgReader(rest), console);
            default:
                throw new UsageException($"unknown subcommand '{subcommand}'; use 'generate' or 'verify', e.g. convex-infra admin-key generate --instance-name convex-self-hosted --instance-secret-env INSTANCE_SECRET");
        }
    }

    private static async Task<int> GenerateAsync(ArgReader reader, CliConsole console)
    {
        var name = InstanceName(reader);
        var secret = await ReadSecretAsync(reader, console);
        var nonce = reader.Option("--nonce");
        var issuedAt = reader.Option("--issued-at");
        var memberId = reader.Option("--member-id");
        var system = reader.Flag("--system");
        var readOnly = reader.Flag("--read-only");
        var json = reader.Flag("--json");
        reader.EnsureAllConsumed();

        if (system && (memberId is not null || readOnly))
        {
            throw new UsageException("--system cannot be combined with --member-id or --read-only; a system key has neither");
        }

        var options = new AdminKeyOptions
        {
            Nonce = nonce is null ? null : ParseNonce(nonce),
            IssuedAtUnixSeconds = issuedAt is null ? null : ParseIssuedAt(issuedAt),
            MemberId = memberId is null ? 0 : ParseMemberId(memberId),
            System = system,
            ReadOnly = readOnly,
        };
        var key = AdminKeyIssuer.Issue(name, secret, options);
        if (!json)
        {
            await console.Out.WriteLineAsync(key);
            return ExitCodes.Ok;
        }

        var described = AdminKeyVerifier.Verify(name, secret, key);
        var hex = key[(name.Length + 1)..];
        await console.Out.WriteLineAsync(JsonSerializer.Serialize(
            new
            {
                key,
                instanceName = name,
                format = "current",
                identity = described.Identity!.IsSystem ? "system" : "member",
                memberId = described.Identity.IsSystem ? (ulong?)null : described.Identity.MemberId,
                readOnly,
                issuedAtUnixSeconds = described.IssuedAtUnixSeconds,
                issuedAt = described.IssuedAt,
                nonce = hex[2..26],
            },
            Json));
        return ExitCodes.Ok;
    }

    private static async Task<int> VerifyAsync(ArgReader reader, CliConsole console)
    {
        var name = InstanceName(reader);
        var secret = await ReadSecretAsync(reader, console);
        var key = reader.Option("--key");
        var keyEnv = reader.Option("--key-env");
        var json = reader.Flag("--json");
        reader.EnsureAllConsumed();

        if ((key is null) == (keyEnv is null))
        {
            throw new UsageException("give the key with exactly one of --key-env VAR or --key KEY, e.g. --key-env CONVEX_SELF_HOSTED_ADMIN_KEY");
        }

        key ??= console.GetEnvironmentVariable(keyEnv!) ?? throw new UsageException($"--key-env {keyEnv}: environment variable {keyEnv} is not set");
        var result = AdminKeyVerifier.Verify(name, secret, key);
        if (json)
        {
            await console.Out.WriteLineAsync(JsonSerializer.Serialize(
                new
                {
                    accepted = result.Accepted,
                    reason = result.Reason?.ToString(),
                    message = result.Message,
                    format = result.Format?.ToString().ToLowerInvariant(),
                    instanceName = result.InstanceName,
                    identity = result.Identity is null ? null : result.Identity.IsSystem ? "system" : "member",
                    memberId = result.Identity is { IsSystem: false } member ? member.MemberId : (ulong?)null,
                    readOnly = result.ReadOnly,
                    issuedAtUnixSeconds = result.IssuedAtUnixSeconds,
                    issuedAt = result.IssuedAt,
                },
                Json));
        }
        else if (result.Accepted)
        {
            await console.Out.WriteLineAsync($"OK: {result.Message}");
        }
        else
        {
            await console.Error.WriteLineAsync($"REJECTED ({result.Reason}): {result.Message}");
        }

        return result.Accepted ? ExitCodes.Ok : ExitCodes.Failed;
    }

    private static string InstanceName(ArgReader reader)
    {
        var name = reader.Required("--instance-name", "convex-self-hosted");
        return AdminKeyIssuer.InstanceNameProblem(name) is { } problem ? throw new UsageException($"--instance-name: {problem}") : name;
    }

    private static async Task<InstanceSecret> ReadSecretAsync(ArgReader reader, CliConsole console)
    {
        var literal = reader.Option("--instance-secret");
        var env = reader.Option("--instance-secret-env");
        var stdin = reader.Flag("--instance-secret-stdin");
        var given = (literal is null ? 0 : 1) + (env is null ? 0 : 1) + (stdin ? 1 : 0);
        if (given != 1)
        {
            throw new UsageException(
                $"{(given == 0 ? "the instance secret is required" : "give the instance secret only once")}: use exactly one of --instance-secret-env VAR, --instance-secret-stdin or --instance-secret HEX, e.g. --instance-secret-env INSTANCE_SECRET");
        }

        var (option, value) = (literal, env) switch
        {
            (not null, _) => ("--instance-secret", literal),
            (_, not null) => ($"--instance-secret-env {env}", console.GetEnvironmentVariable(env)
                ?? throw new UsageException($"--instance-secret-env {env}: environment variable {env} is not set")),
            _ => ("--instance-secret-stdin", await console.In.ReadLineAsync()
                ?? throw new UsageException("--instance-secret-stdin: standard input is empty; pipe the secret in, e.g. < instance_secret")),
        };

        return InstanceSecret.TryParse(value, out var secret, out var error) ? secret : throw new UsageException($"{option}: {error}");
    }

    private static byte[] ParseNonce(string value)
    {
        try
        {
            return AdminKeyOptions.FromHex(value, 1).Nonce!;
        }
        catch (ArgumentException e)
        {
            throw new UsageException($"--nonce: {e.Message.Split(" (Parameter", 2)[0]}");
        }
    }

    private static long ParseIssuedAt(string value) =>
        long.TryParse(value, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var seconds) && seconds > 0
            ? seconds
            : throw new UsageException($"--issued-at must be a positive whole number of Unix seconds, got '{value}'; e.g. --issued-at 1700000000");

    private static ulong ParseMemberId(string value) =>
        ulong.TryParse(value, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var id)
            ? id
            : throw new UsageException($"--member-id must be a whole number from 0 to {ulong.MaxValue}, got '{value}'; e.g. --member-id 0");
}
