using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using ConvexInfra.Cli.Outputs;
using ConvexInfra.Cli.Tools;
using ConvexInfra.Cli.Verify;
using ConvexInfra.Core.Backup;
using ConvexInfra.Core.DeploymentEnv;
using ConvexInfra.Core.Ops;
using ConvexInfra.Core.Outputs;
using ConvexInfra.Core.Verify;

namespace ConvexInfra.Cli.Commands;

/// <summary>What one drill restores, where, and what it holds the result to.</summary>
internal sealed record DrillRequest(string From, string? DeploymentEnv, string? Dir, string Into, (int Api, int Site)? Ports, string? Report, TimeSpan? MaxRpo, TimeSpan? MaxRto, string? Root = null);

/// <summary>The options <c>restore --drill</c> adds to restore.</summary>
internal sealed class DrillOptions
{
    public Option<bool> Drill { get; } = CliKit.Flag("--drill", "restore the newest export into a throwaway deployment, compare counts, report RPO and restore time (see below)");

    public Option<string> Into { get; } = CliKit.Text("--into", "local|NAME", "with --drill: 'local' (default) = a throwaway local backend container; NAME = a dev-tier stack whose data is replaced");

    public Option<string> Ports { get; } = CliKit.Text("--drill-ports", "API:SITE", "with --drill --into local: loopback ports of the throwaway backend (default: two free ports)");

    public Option<string> Report { get; } = CliKit.Text("--report", "FILE", "with --drill: append the result as Markdown to FILE, e.g. \"$GITHUB_STEP_SUMMARY\"");

    public Option<string> MaxRpo { get; } = CliKit.Text("--max-rpo", "DURATION", "with --drill: the oldest the newest export may be (default: the tier's promise, docs/dr.md), e.g. 25h");

    public Option<string> MaxRto { get; } = CliKit.Text("--max-rto", "DURATION", "with --drill: the longest the restore may take (default: the tier's promise), e.g. 2h");

    public Option<string> Root { get; } = CliKit.Text("--root", "DIR", "with --drill on AWS: the repository root holding Pulumi.yaml and Pulumi.STACK.yaml, read for the database backup copy check (default: search upwards from here)");

    public Option[] All => [Drill, Into, Ports, Report, MaxRpo, MaxRto, Root];

    public DrillRequest Read(ParseResult result, string? from, string? env, string? dir, bool replaceFlags)
    {
        if (replaceFlags)
        {
            throw new UsageException("--drill always replaces everything in its throwaway target: leave out --replace-all and --yes");
        }

        var into = result.GetValue(Into) ?? "local";
        var ports = result.GetValue(Ports) is { } text ? ParsePorts(text) : ((int, int)?)null;
        if (ports is not null && into != "local")
        {
            throw new UsageException("--drill-ports is for --into local (the throwaway container); a dev stack has its own URLs");
        }

        return new DrillRequest(
            from ?? "latest", env, dir, into, ports, result.GetValue(Report), Duration(MaxRpo.Name, result.GetValue(MaxRpo)), Duration(MaxRto.Name, result.GetValue(MaxRto)), result.GetValue(Root));
    }

    private static (int, int) ParsePorts(string text)
    {
        var parts = text.Split(':');
        return parts.Length == 2 && Port(parts[0]) is { } api && Port(parts[1]) is { } site && api != site
            ? (api, site)
            : throw new UsageException($"--drill-ports: got '{text}'; expected two different loopback ports API:SITE from 1024 to 65535, e.g. --drill-ports 3290:3291");
    }

    private static int? Port(string text) =>
        int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var port) && port is >= 1024 and <= 65535 ? port : null;

    private static TimeSpan? Duration(string option, string? text)
    {
        try
        {
            return text is null ? null : DurationText.ParseWait(option, text, TimeSpan.Zero, TimeSpan.FromDays(400));
        }
        catch (FormatException e)
        {
            throw new UsageException(e.Message);
        }
    }
}

/// <summary>
/// <c>convex-infra restore --drill</c>: proves that the newest export restores. It reads the source stack only; the
/// data goes into a throwaway backend container (removed afterwards, its volume too) or a dev-tier stack.
/// </summary>
internal static class RestoreDrill
{
    private static readonly TimeSpan StartWait = TimeSpan.FromMinutes(5);

    public static async Task<int> RunAsync(CliConsole console, StackOutputsInput input, DrillRequest request, CancellationToken cancellationToken)
    {
        if (!input.Given || (input.From is not null && input.Stack is not null))
        {
            throw new UsageException("give the stack whose export to drill with exactly one of --stack NAME or --outputs FILE|-");
        }

        if (request.From != "latest" && request.From.StartsWith("s3://", StringComparison.Ordinal))
        {
            throw new UsageException("--drill restores the newest export (--from latest, the default) or a local zip; download an older export first");
        }

        var temp = Path.Combine(Path.GetTempPath(), $"convex-infra-drill-{Guid.NewGuid():N}");
        DrillSandbox? sandbox = null;
        try
        {
            var started = DateTimeOffset.UtcNow;
            var source = await LoadedStack.LoadAsync(input, console, cancellationToken);
            LoadedStack.EnsureNoCloudSettings(console);
            var promise = Promise(source, request);

            // 1. The export and its variables (what a real recovery has to fetch first).
            var clock = Stopwatch.StartNew();
            // By default the stored variables come along when there are any; --deployment-env latest insists on them.
            var desiredEnv = request.DeploymentEnv switch
            {
                null => source.IsLocal ? null : await RestoreCommand.ReadStoredEnvAsync(console, source, required: false, cancellationToken),
                "none" => null,
                "latest" => await RestoreCommand.ReadStoredEnvAsync(console, source, cancellationToken, request.Dir),
                var path => await RestoreCommand.ReadDesiredEnvAsync(console, path),
            };
            var (zip, exportedAt) = await RestoreCommand.ResolveAsync(console, source, request.From, request.Dir, temp, cancellationToken);
            var download = clock.Elapsed;
            ExportListing listing;
            await using (var stream = File.OpenRead(zip))
            {
                listing = ExportListing.Read(stream);
            }

            await console.Error.WriteLineAsync(
                $"convex-infra restore --drill: {request.From} of '{source.Name}' holds {listing.Tables.Count} table(s) and {listing.Files} stored file(s)");

            // 2. The target: a throwaway backend, or a dev stack.
            clock.Restart();
            Uri apiUrl;
            Uri? siteUrl;
            string adminKey;
            string instanceName;
            string targetName;
            if (request.Into == "local")
            {
                var ports = request.Ports ?? FreePorts();
                sandbox = DrillSandbox.Create(source.Outputs.ImageRevision ?? string.Empty, ports.Api, ports.Site, started);
                await StartSandboxAsync(console, sandbox, temp, cancellationToken);
                (apiUrl, siteUrl, adminKey, instanceName) = (sandbox.ApiUrl, sandbox.SiteUrl, sandbox.AdminKey(), DrillSandbox.InstanceName);
                targetName = $"throwaway container {sandbox.ContainerName} ({sandbox.Image})";
            }
            else
            {
                var target = await LoadedStack.LoadAsync(new StackOutputsInput(null, request.Into), console, cancellationToken);
                if (DrillTargetRefusal(source, target) is { } refusal)
                {
                    throw new UsageException(refusal);
                }

                (apiUrl, siteUrl, adminKey, instanceName) = (target.Outputs.ApiUrl, target.Outputs.SiteUrl, target.AdminKey, target.Outputs.InstanceName);
                targetName = $"dev stack '{target.Name}' ({target.ApiUrl})";
            }

            var start = clock.Elapsed;

            // 3. Import everything, then the variables.
            clock.Restart();
            var import = await ExternalTool.RunAsync(
                console, "npx", ConvexCliCalls.Import(zip, replaceAll: true), ConvexCliCalls.Environment(StackOutputs.UrlText(apiUrl), adminKey), cancellationToken);
            if (import.ExitCode != 0)
            {
                throw new BackupException($"npx convex import into the drill target failed with exit code {import.ExitCode}: {import.Tail()}");
            }

            var importTime = clock.Elapsed;
            clock.Restart();
            var variables = desiredEnv is null ? 0 : desiredEnv.Count;
            if (desiredEnv is not null)
            {
                await RestoreCommand.ApplyEnvAsync(console, apiUrl, adminKey, desiredEnv, cancellationToken);
            }

            var envTime = clock.Elapsed;

            // 4. Verify and count.
            clock.Restart();
            var healthy = await VerifyAsync(console, new VerifyTarget(apiUrl, siteUrl, null, adminKey, null, instanceName, 80), throwaway: sandbox is not null, cancellationToken);
            var verifyTime = clock.Elapsed;
            RestoredCounts? counts = null;
            try
            {
                using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(60) };
                counts = await new RestoredCounter(new DeploymentEnvClient(http, apiUrl, adminKey)).CountAsync(cancellationToken);
            }
            catch (DeploymentEnvException e)
            {
                await console.Error.WriteLineAsync($"convex-infra restore --drill: counting the restored deployment failed: {e.Message}");
            }

            // 5. The database backup copy (timed on its own: not part of the RTO).
            var databaseCopy = await DrillDatabaseCopy.CheckAsync(console, source, request.Root, cancellationToken);

            var timings = new DrillTimings(download, start, importTime, envTime, verifyTime);
            var rpo = started - (exportedAt ?? started);
            var report = new DrillReport(
                request.From == "latest" ? $"latest export of '{source.Name}'" : request.From, exportedAt ?? started, started, targetName, listing, counts, variables, timings, healthy, promise,
                DrillReport.Judge(listing, counts, healthy, rpo, timings.Restore, promise, databaseCopy), databaseCopy);
            await console.Out.WriteAsync(report.Text());
            if (request.Report is { } file)
            {
                await File.AppendAllTextAsync(Path.GetFullPath(file, console.WorkingDirectory), report.Markdown() + "\n", cancellationToken);
            }

            return report.Passed ? ExitCodes.Ok : ExitCodes.Failed;
        }
        catch (Exception e) when (e is StackOutputsException or InputException or BackupException or DeploymentEnvException or FormatException)
        {
            await console.Error.WriteLineAsync($"convex-infra restore --drill: {e.Message}");
            return ExitCodes.Failed;
        }
        finally
        {
            if (sandbox is not null)
            {
                var removed = await ExternalTool.RunAsync(console, "docker", sandbox.Remove(), null, CancellationToken.None);
                await console.Error.WriteLineAsync(removed.ExitCode == 0
                    ? $"convex-infra restore --drill: removed {sandbox.ContainerName} and its volume"
                    : $"convex-infra restore --drill: could not remove {sandbox.ContainerName} ({removed.Tail()}); remove it with: docker rm --force --volumes {sandbox.ContainerName}");
            }

            if (Directory.Exists(temp))
            {
                Directory.Delete(temp, recursive: true);
            }
        }
    }

    /// <summary>Null when the drill may replace the data of <paramref name="target"/>: a dev-tier stack other than the source.</summary>
    internal static string? DrillTargetRefusal(LoadedStack source, LoadedStack target)
    {
        if (!string.Equals(target.Outputs.Tier, "dev", StringComparison.Ordinal))
        {
            return $"--into {target.Name}: a drill replaces all data of its target, so it only goes into a dev-tier stack (this one is {target.Outputs.Tier ?? "of unknown tier"}); use --into local for a throwaway deployment";
        }

        return StackOutputs.UrlText(source.Outputs.ApiUrl) == StackOutputs.UrlText(target.Outputs.ApiUrl)
            ? $"--into {target.Name}: that is the stack the export comes from; a drill never restores into its source"
            : null;
    }

    private static RecoveryPromise Promise(LoadedStack source, DrillRequest request)
    {
        var tier = RecoveryPromise.ParseTier(source.Outputs.Tier)
            ?? throw new InputException($"the stack outputs name tier '{source.Outputs.Tier}'; the drill judges against the promise of dev, staging or prod");
        var promise = RecoveryPromise.For(tier);
        return promise with { ExportRpo = request.MaxRpo ?? promise.ExportRpo, Rto = request.MaxRto ?? promise.Rto };
    }

    /// <summary>Writes the env file (mode 600), starts the container and waits until it answers /version.</summary>
    private static async Task StartSandboxAsync(CliConsole console, DrillSandbox sandbox, string temp, CancellationToken cancellationToken)
    {
        Directory.CreateDirectory(temp);
        var envFile = Path.Combine(temp, "drill.env");
        var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows())
        {
            options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        }

        await using (var stream = new FileStream(envFile, options))
        await using (var writer = new StreamWriter(stream))
        {
            await writer.WriteAsync(sandbox.EnvFile());
        }

        try
        {
            var run = await ExternalTool.RunAsync(console, "docker", sandbox.Run(envFile), null, cancellationToken);
            if (run.ExitCode != 0)
            {
                throw new BackupException($"docker run of the throwaway backend failed with exit code {run.ExitCode}: {run.Tail()}");
            }
        }
        finally
        {
            // Docker read it when it created the container; the secret stays only inside the container.
            File.Delete(envFile);
        }

        await console.Error.WriteLineAsync($"convex-infra restore --drill: started {sandbox.ContainerName} on {sandbox.ApiUrl}");
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(10) };
        await new DeploymentEnvClient(http, sandbox.ApiUrl, sandbox.AdminKey()).WaitForVersionAsync(StartWait, TimeSpan.FromSeconds(1), cancellationToken);
    }

    /// <summary>
    /// verify's checks; on a throwaway backend "no functions deployed" is what a restore gives (an export holds no code),
    /// so that one check is skipped there rather than failed.
    /// </summary>
    private static async Task<bool> VerifyAsync(CliConsole console, VerifyTarget target, bool throwaway, CancellationToken cancellationToken)
    {
        using var trust = TrustPolicy.System();
        using var probes = new Probes(trust, TimeSpan.FromSeconds(10));
        var results = (await LiveChecks.RunAsync(target, probes, DateTimeOffset.UtcNow, cancellationToken))
            .Select(r => throwaway && r.Name == FunctionChecks.Name && r.Status == CheckStatus.Fail && r.Detail == FunctionChecks.NoneDeployed
                ? CheckResult.Skip(r.Name, "no functions deployed, as expected: an export holds no code and the throwaway backend got none")
                : r)
            .ToList();
        await console.Out.WriteAsync(VerifyReport.Text(results));
        return VerifyReport.Healthy(results);
    }

    /// <summary>Two loopback ports nothing listens on right now (the container binds them a moment later).</summary>
    private static (int Api, int Site) FreePorts()
    {
        using var api = new TcpListener(IPAddress.Loopback, 0);
        using var site = new TcpListener(IPAddress.Loopback, 0);
        api.Start();
        site.Start();
        return (((IPEndPoint)api.LocalEndpoint).Port, ((IPEndPoint)site.LocalEndpoint).Port);
    }
}
