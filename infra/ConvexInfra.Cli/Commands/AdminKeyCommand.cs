using System.CommandLine;
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

    public Command Build(CliConsole console)
    {
        var command = new DetailedCommand(Name, Summary, AdminKeyCommandHelp.Overview.TrimEnd());
        command.Subcommands.Add(BuildGenerate(console));
        command.Subcommands.Add(BuildVerify(console));
        return command;
    }

    private static Command BuildGenerate(CliConsole console)
    {
        var secret = new SecretOptions();
        var nonce = CliKit.Text("--nonce", "HEX24", "a fixed 12-byte nonce (24 hex characters) instead of a random one");
        var issuedAt = CliKit.Text("--issued-at", "SECONDS", "a fixed issue time in Unix seconds instead of now (with both --nonce and --issued-at the output is always the same)");
        var memberId = CliKit.Text("--member-id", "N", "the member the key acts as (default 0, the generic admin)");
        var system = CliKit.Flag("--system", "a system key instead of a member key (like generate_key --system-key)");
        var readOnly = CliKit.Flag("--read-only", "a key that can run queries and read data, but not write");
        var json = CliKit.Flag("--json", "print a JSON object instead of the bare key");
        var command = CliKit.Verb("generate", "Print a new admin key.", AdminKeyCommandHelp.Generate);
        secret.AddTo(command);
        foreach (var option in new Option[] { memberId, system, readOnly, nonce, issuedAt, json })
        {
            command.Options.Add(option);
        }

        CliKit.Run(command, console, async (result, _) => await GenerateAsync(
            console, secret, result, result.GetValue(nonce), result.GetValue(issuedAt), result.GetValue(memberId),
            result.GetValue(system), result.GetValue(readOnly), result.GetValue(json)));
        return command;
    }

    private static Command BuildVerify(CliConsole console)
    {
        var secret = new SecretOptions();
        var key = CliKit.Text("--key", "KEY", "give the key itself");
        var keyEnv = CliKit.Text("--key-env", "VAR", "read the key from environment variable VAR (recommended)");
        var json = CliKit.Flag("--json", "print a JSON object instead of a sentence");
        var command = CliKit.Verb("verify", "Say whether the backend would accept a key, and if not, why.", AdminKeyCommandHelp.Verify, keyEnv, key, json);
        secret.AddTo(command);
        CliKit.Run(command, console, async (result, _) =>
            await VerifyAsync(console, secret, result, result.GetValue(key), result.GetValue(keyEnv), result.GetValue(json)));
        return command;
    }

    private static async Task<int> GenerateAsync(
        CliConsole console, SecretOptions secretOptions, ParseResult result, string? nonce, string? issuedAt, string? memberId, bool system, bool readOnly, bool json)
    {
        var name = secretOptions.InstanceName(result);
        var secret = await secretOptions.ReadSecretAsync(result, console);

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

    private static async Task<int> VerifyAsync(CliConsole console, SecretOptions secretOptions, ParseResult result, string? key, string? keyEnv, bool json)
    {
        var name = secretOptions.InstanceName(result);
        var secret = await secretOptions.ReadSecretAsync(result, console);

        if ((key is null) == (keyEnv is null))
        {
            throw new UsageException("give the key with exactly one of --key-env VAR or --key KEY, e.g. --key-env CONVEX_SELF_HOSTED_ADMIN_KEY");
        }

        key ??= console.GetEnvironmentVariable(keyEnv!) ?? throw new UsageException($"--key-env {keyEnv}: environment variable {keyEnv} is not set");
        var verdict = AdminKeyVerifier.Verify(name, secret, key);
        if (json)
        {
            await console.Out.WriteLineAsync(JsonSerializer.Serialize(
                new
                {
                    accepted = verdict.Accepted,
                    reason = verdict.Reason?.ToString(),
                    message = verdict.Message,
                    format = verdict.Format?.ToString().ToLowerInvariant(),
                    instanceName = verdict.InstanceName,
                    identity = verdict.Identity is null ? null : verdict.Identity.IsSystem ? "system" : "member",
                    memberId = verdict.Identity is { IsSystem: false } member ? member.MemberId : (ulong?)null,
                    readOnly = verdict.ReadOnly,
                    issuedAtUnixSeconds = verdict.IssuedAtUnixSeconds,
                    issuedAt = verdict.IssuedAt,
                },
                Json));
        }
        else if (verdict.Accepted)
        {
            await console.Out.WriteLineAsync($"OK: {verdict.Message}");
        }
        else
        {
            await console.Error.WriteLineAsync($"REJECTED ({verdict.Reason}): {verdict.Message}");
        }

        return verdict.Accepted ? ExitCodes.Ok : ExitCodes.Failed;
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

/// <summary>The instance name and the three ways to give the instance secret, shared by generate and verify.</summary>
internal sealed class SecretOptions
{
    public Option<string> Name { get; } = CliKit.Text("--instance-name", "NAME", "the backend's INSTANCE_NAME, e.g. convex-self-hosted (required)");

    public Option<string> Env { get; } = CliKit.Text("--instance-secret-env", "VAR", "read the instance secret from environment variable VAR");

    public Option<bool> Stdin { get; } = CliKit.Flag("--instance-secret-stdin", "read the instance secret from the first line of standard input");

    public Option<string> Literal { get; } = CliKit.Text("--instance-secret", "HEX", "give the instance secret itself (works, but not recommended)");

    public void AddTo(Command command)
    {
        command.Options.Add(Name);
        command.Options.Add(Env);
        command.Options.Add(Stdin);
        command.Options.Add(Literal);
    }

    public string InstanceName(ParseResult result)
    {
        var name = CliKit.Required(result, Name, "convex-self-hosted");
        return AdminKeyIssuer.InstanceNameProblem(name) is { } problem ? throw new UsageException($"--instance-name: {problem}") : name;
    }

    public async Task<InstanceSecret> ReadSecretAsync(ParseResult result, CliConsole console)
    {
        var literal = result.GetValue(Literal);
        var env = result.GetValue(Env);
        var stdin = result.GetValue(Stdin);
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
}
