using System.CommandLine;
using System.Globalization;
using ConvexInfra.Core.DeploymentEnv;
using ConvexInfra.Core.Verify;

namespace ConvexInfra.Cli.Commands;

/// <summary>
/// <c>deployment-env list|diff|apply</c>: the deployment's environment variables (the ones
/// <c>npx convex env</c> manages) against a desired JSON map, through the backend's admin HTTP API.
/// </summary>
public sealed class DeploymentEnvCommand : ICliCommand
{
    private static readonly TimeSpan PollInterval = TimeSpan.FromSeconds(1);

    public string Name => "deployment-env";

    public string Summary => "List, diff or apply the deployment's environment variables (npx convex env) from a JSON map.";

    public Command Build(CliConsole console)
    {
        var command = new DetailedCommand(Name, Summary, """
            The deployment's environment variables (the ones npx convex env manages) against a desired JSON map.
            The admin key and the values never appear on the command line or in the output.
            Endpoints: POST /api/query (_system/cli/queryEnvironmentVariables) and
            POST /api/update_environment_variables, with 'Authorization: Convex <admin key>'.
            """.TrimEnd());
        command.Subcommands.Add(Sub(console, "list", "Print the names of the variables set on the deployment (values are never printed).", withMap: false));
        command.Subcommands.Add(Sub(console, "diff", "Show what 'apply' would change: + add, ~ change, - unset, = unchanged, ? kept.", withMap: true));
        command.Subcommands.Add(Sub(console, "apply", "Set new and changed values in one call; unset variables not in the map only with --prune.", withMap: true));
        return command;
    }

    private static Command Sub(CliConsole console, string name, string description, bool withMap)
    {
        var apiUrl = CliKit.Text("--api-url", "URL", "the backend API origin, e.g. https://api.convex.example.com (required)");
        var keyEnv = CliKit.Text("--admin-key-env", "VAR", "read the admin key from environment variable VAR, e.g. CONVEX_SELF_HOSTED_ADMIN_KEY");
        var keyStdin = CliKit.Flag("--admin-key-stdin", "read the admin key from the first line of standard input");
        var from = CliKit.Text("--from", "FILE|-", "the desired variables: a JSON object of name -> string value, or '-' for stdin");
        var fromDotenv = CliKit.Text("--from-dotenv", "FILE", "the desired variables as 'npx convex env list' prints them (NAME=value lines), e.g. saved from another deployment");
        var prune = CliKit.Flag("--prune", "unset deployment variables that the map does not list");
        var wait = CliKit.Text("--wait", "DURATION", "wait up to DURATION (5m, 90s, or seconds) for GET /version to answer 200 first (default 2m)");
        var command = CliKit.Verb(name, description, """
            Unchanged values cause no call at all. The admin key and the values never appear on the command line or
            in the output. --from-dotenv takes what 'npx convex env list' prints (NAME=value lines, quoted as the Convex
            CLI quotes them). --from takes a JSON object of name -> string value, e.g.
            {"AUTH_GITHUB_ID": "Iv1.0123", "APP_MODE": "production"}, or '-' for standard input (after the admin key's
            line when both come from stdin).
            """, apiUrl, keyEnv, keyStdin);
        if (withMap)
        {
            command.Options.Add(from);
            command.Options.Add(fromDotenv);
            command.Options.Add(prune);
        }

        command.Options.Add(wait);
        CliKit.Run(command, console, (result, cancellationToken) => RunAsync(
            console,
            name,
            ParseApiUrl(CliKit.Required(result, apiUrl, "https://api.convex.example.com")),
            result.GetValue(keyEnv),
            result.GetValue(keyStdin),
            withMap ? Source(result.GetValue(from), result.GetValue(fromDotenv)) : null,
            withMap && result.GetValue(prune),
            ParseWait(result.GetValue(wait)),
            cancellationToken));
        return command;
    }

    private static async Task<int> RunAsync(
        CliConsole console, string subcommand, Uri apiUrl, string? keyEnv, bool keyStdin, DesiredSource? from, bool prune, TimeSpan wait, CancellationToken cancellationToken)
    {
        var adminKey = await ReadAdminKeyAsync(keyEnv, keyStdin, console);
        var desired = from is null ? null : await ReadDesiredAsync(from, console);

        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(30) };
        var client = new DeploymentEnvClient(http, apiUrl, adminKey);
        try
        {
            await client.WaitForVersionAsync(wait, PollInterval, cancellationToken);
            var actual = await client.ListAsync(cancellationToken);
            if (desired is null)
            {
                foreach (var name in actual.Keys)
                {
                    await console.Out.WriteLineAsync(name);
                }

                return ExitCodes.Ok;
            }

            var plan = EnvChangePlanner.Plan(desired, actual, prune);
            await console.Out.WriteAsync(plan.Describe());
            if (subcommand == "apply")
            {
                await client.UpdateAsync(plan.Changes, cancellationToken);
                await console.Out.WriteLineAsync(plan.IsEmpty
                    ? "No changes; nothing sent."
                    : $"Applied {plan.Changes.Count} change(s) in one update_environment_variables call.");
            }

            return ExitCodes.Ok;
        }
        catch (DeploymentEnvException e)
        {
            await console.Error.WriteLineAsync($"convex-infra deployment-env {subcommand}: {e.Message}");
            return ExitCodes.Failed;
        }
    }

    private static Uri ParseApiUrl(string value) =>
        Uri.TryCreate(value, UriKind.Absolute, out var url) && url.Scheme is "https" or "http" && url.AbsolutePath == "/" && string.IsNullOrEmpty(url.Query)
            ? url
            : throw new UsageException($"--api-url must be an http(s) origin without a path, got '{value}'; e.g. --api-url https://api.convex.example.com");

    private static TimeSpan ParseWait(string? value)
    {
        try
        {
            return DurationText.ParseWait("--wait", value, TimeSpan.FromSeconds(120), TimeSpan.FromHours(1));
        }
        catch (FormatException e)
        {
            throw new UsageException(e.Message);
        }
    }

    private static async Task<string> ReadAdminKeyAsync(string? env, bool stdin, CliConsole console)
    {
        if ((env is null) == !stdin)
        {
            throw new UsageException("give the admin key with exactly one of --admin-key-env VAR or --admin-key-stdin, e.g. --admin-key-env CONVEX_SELF_HOSTED_ADMIN_KEY (never on the command line)");
        }

        var key = env is not null
            ? console.GetEnvironmentVariable(env) ?? throw new UsageException($"--admin-key-env {env}: environment variable {env} is not set")
            : await console.In.ReadLineAsync() ?? throw new UsageException("--admin-key-stdin: standard input is empty; pipe the key in, e.g. < admin_key");
        key = key.Trim();
        return key.Length > 0 && !key.Any(char.IsWhiteSpace)
            ? key
            : throw new UsageException($"{(env is null ? "--admin-key-stdin" : $"--admin-key-env {env}")}: the admin key is empty or contains whitespace; expected one line like convex-self-hosted|01...");
    }

    /// <summary>Exactly one of --from and --from-dotenv; the dotenv form is marked so the reader knows its format.</summary>
    private static DesiredSource Source(string? json, string? dotenv) => (json, dotenv) switch
    {
        ({ } file, null) => new DesiredSource(file, Dotenv: false),
        (null, { } file) => new DesiredSource(file, Dotenv: true),
        _ => throw new UsageException("give the desired variables with exactly one of --from FILE|- (JSON map) or --from-dotenv FILE (what 'npx convex env list' prints)"),
    };

    private sealed record DesiredSource(string File, bool Dotenv);

    private static async Task<IReadOnlyDictionary<string, string>> ReadDesiredAsync(DesiredSource desired, CliConsole console)
    {
        if (desired.Dotenv)
        {
            var file = Path.GetFullPath(desired.File, console.WorkingDirectory);
            var label = $"--from-dotenv {desired.File}";
            var text = File.Exists(file) ? await File.ReadAllTextAsync(file) : throw new UsageException($"{label}: file not found ({file})");
            try
            {
                return EnvListText.Parse(text, label);
            }
            catch (FormatException e)
            {
                throw new UsageException(e.Message);
            }
        }

        return await ReadDesiredAsync(desired.File, console);
    }

    private static async Task<IReadOnlyDictionary<string, string>> ReadDesiredAsync(string from, CliConsole console)
    {
        string text;
        string source;
        if (from == "-")
        {
            text = await console.In.ReadToEndAsync();
            source = "--from - (stdin)";
        }
        else
        {
            var path = Path.GetFullPath(from, console.WorkingDirectory);
            source = $"--from {from}";
            text = File.Exists(path) ? await File.ReadAllTextAsync(path) : throw new UsageException($"{source}: file not found ({path})");
        }

        try
        {
            return DesiredEnvJson.Parse(text, source);
        }
        catch (FormatException e)
        {
            throw new UsageException(e.Message);
        }
    }
}
