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

    public string Help => """
        Usage: convex-infra deployment-env SUBCOMMAND --api-url URL (--admin-key-env VAR | --admin-key-stdin) [options]

        Subcommands:
          list    Print the names of the variables set on the deployment (values are never printed).
          diff    Show what 'apply' would change: + add, ~ change, - unset, = unchanged, ? kept.
          apply   Set new and changed values in one call; unset variables not in the map only with --prune.
                  Unchanged values cause no call at all.

        Options:
          --api-url URL          The backend API origin, e.g. https://api.convex.example.com
          --admin-key-env VAR    Read the admin key from environment variable VAR, e.g. CONVEX_SELF_HOSTED_ADMIN_KEY
          --admin-key-stdin      Read the admin key from the first line of standard input
          --from FILE            diff/apply: a JSON object of name -> string value, or '-' for standard input
                                 (after the admin key's line when both come from stdin), e.g.
                                 {"AUTH_GITHUB_ID": "Iv1.0123", "APP_MODE": "production"}
          --prune                diff/apply: unset deployment variables that the map does not list
          --wait DURATION        Wait up to DURATION (5m, 90s, or seconds) for GET /version to answer 200 first (default 2m)

        The admin key and the values never appear on the command line or in the output.
        Endpoints: POST /api/query (_system/cli/queryEnvironmentVariables) and
        POST /api/update_environment_variables, with 'Authorization: Convex <admin key>'.

        """;

    public async Task<int> RunAsync(IReadOnlyList<string> args, CliConsole console, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(args);
        ArgumentNullException.ThrowIfNull(console);
        var subcommand = args.Count > 0 ? args[0] : null;
        var rest = args.Skip(1).ToList();
        if (subcommand is null or "--help" or "-h" or "help" || rest.Contains("--help") || rest.Contains("-h"))
        {
            await console.Out.WriteAsync(Help);
            return subcommand is null ? ExitCodes.Usage : ExitCodes.Ok;
        }

        if (subcommand is not ("list" or "diff" or "apply"))
        {
            throw new UsageException($"unknown subcommand '{subcommand}'; use list, diff or apply, e.g. convex-infra deployment-env diff --api-url https://api.example.com --admin-key-env CONVEX_SELF_HOSTED_ADMIN_KEY --from env.json");
        }

        var reader = new ArgReader(rest);
        var apiUrl = ParseApiUrl(reader.Required("--api-url", "https://api.convex.example.com"));
        var keyEnv = reader.Option("--admin-key-env");
        var keyStdin = reader.Flag("--admin-key-stdin");
        var from = subcommand == "list" ? null : reader.Required("--from", "env.json");
        var prune = subcommand != "list" && reader.Flag("--prune");
        var wait = ParseWait(reader.Option("--wait"));
        reader.EnsureAllConsumed();

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
