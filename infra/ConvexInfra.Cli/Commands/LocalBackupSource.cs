using System.Diagnostics;
using ConvexInfra.Cli.Outputs;
using ConvexInfra.Cli.Tools;
using ConvexInfra.Core.Aws;
using ConvexInfra.Core.Backup;
using ConvexInfra.Core.DeploymentEnv;
using ConvexInfra.Core.Spec;

namespace ConvexInfra.Cli.Commands;

/// <summary>
/// Where a local stack's scheduled exports are: the folder (<c>--dir</c>, else the stack file's <c>localBackupDir</c>,
/// else <c>convex-backups/STACK</c>) and, when the stack file in the working folder sets <c>localBackupBucket</c>, the
/// bucket, reached with the shared aws-request.mjs under node. The bucket's key pair comes from this shell's
/// <c>AWS_ACCESS_KEY_ID</c>/<c>AWS_SECRET_ACCESS_KEY</c> (never an argument); <c>AWS_ENDPOINT_URL_S3</c> replaces the
/// stack file's endpoint when this machine reaches the store at another address than the exporter container does.
/// </summary>
internal sealed record LocalBackupSource(string Folder, LocalBackupBucketSpec? Bucket, string StackName)
{
    private static readonly string[] PassedVariables = ["AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN"];

    public static LocalBackupSource For(CliConsole console, LoadedStack stack, string? dir)
    {
        var file = Path.Combine(console.WorkingDirectory, $"Pulumi.{stack.Name}.yaml");
        LocalBackupSpec? settings = null;
        if (File.Exists(file))
        {
            // A stack file that does not read would hide its localBackupDir/localBackupBucket: say so instead of
            // restoring from the default folder.
            var loaded = StackFile.TryLoad(file);
            var read = loaded is { IsValid: true, Config: { } config } ? SettingsReader.Read(config) : null;
            if (read is not { IsValid: true, Spec: { } spec })
            {
                if (dir is not null)
                {
                    return new LocalBackupSource(Path.GetFullPath(dir, console.WorkingDirectory), null, stack.Name);
                }

                var errors = read?.Errors ?? loaded.Errors;
                throw new BackupException(
                    $"--from latest: {file} cannot be read, so its localBackupDir/localBackupBucket are unknown:{Environment.NewLine}"
                    + string.Join(Environment.NewLine, errors.Select(e => $"  {e}"))
                    + $"{Environment.NewLine}Fix the stack file, or name the folder with --dir.");
            }

            settings = spec.Local?.Backups;
        }

        var folder = dir ?? settings?.Folder ?? LoadedStack.DefaultBackupDir(stack);
        return new LocalBackupSource(Path.GetFullPath(folder, console.WorkingDirectory), settings?.Bucket, stack.Name);
    }

    /// <summary>
    /// The newest export: the folder's newest .zip (by its time, so manual backups count too) or the bucket's newest
    /// of this stack (by its stamp), whichever is newer; a bucket export is downloaded into <paramref name="temp"/>.
    /// </summary>
    public async Task<(string Zip, DateTimeOffset ExportedAt)> LatestExportAsync(CliConsole console, string temp, CancellationToken cancellationToken)
    {
        var local = (Directory.Exists(Folder) ? Directory.GetFiles(Folder, "*.zip") : [])
            .Select(f => new FileInfo(f)).OrderByDescending(f => f.LastWriteTimeUtc).ThenByDescending(f => f.Name, StringComparer.Ordinal)
            .FirstOrDefault();
        var remote = Bucket is null ? null : LocalBackupFiles.Newest(await ListAsync(console, temp, cancellationToken), LocalBackupKind.Export);
        var localTime = local is null ? (DateTimeOffset?)null : new DateTimeOffset(local.LastWriteTimeUtc, TimeSpan.Zero);
        if (remote is not null && (localTime is null || remote.Stamp > localTime))
        {
            var zip = Path.Combine(temp, remote.Name);
            await GetAsync(console, remote.Key!, zip, temp, cancellationToken);
            await console.Error.WriteLineAsync($"convex-infra restore: newest export is {Where(remote)}");
            return (zip, remote.Stamp);
        }

        return local is not null
            ? (local.FullName, localTime!.Value)
            : throw new BackupException($"--from latest: no .zip in {Folder}{(Bucket is null ? string.Empty : $" and no export of stack '{StackName}' in {BucketText}")}; take one with 'convex-infra backup' or give a file");
    }

    /// <summary>The newest stored variables (the exporter's convex-env-STACK-STAMP.json), from the folder or the bucket.</summary>
    public async Task<IReadOnlyDictionary<string, string>?> LatestVariablesAsync(CliConsole console, bool required, CancellationToken cancellationToken)
    {
        var temp = Path.Combine(Path.GetTempPath(), $"convex-infra-variables-{Guid.NewGuid():N}");
        Directory.CreateDirectory(temp);
        try
        {
            var entries = LocalBackupFiles.FromFolder(Directory.Exists(Folder) ? Directory.GetFiles(Folder).Select(Path.GetFileName).OfType<string>() : [], StackName).ToList();
            if (Bucket is not null)
            {
                entries.AddRange(await ListAsync(console, temp, cancellationToken));
            }

            var newest = LocalBackupFiles.Newest(entries, LocalBackupKind.Variables);
            if (newest is null)
            {
                var where = $"{Folder}{(Bucket is null ? string.Empty : $" or {BucketText}")}";
                if (!required)
                {
                    await console.Error.WriteLineAsync($"convex-infra restore: no stored variables of stack '{StackName}' in {where}; restoring without");
                    return null;
                }

                throw new BackupException($"--deployment-env latest: no stored variables (convex-env-{StackName}-*.json) in {where}; they are written with each scheduled export (localBackupDir, localBackupBucket), or give --deployment-env none");
            }

            var path = Path.Combine(Folder, newest.Name);
            if (newest.Key is not null)
            {
                path = Path.Combine(temp, newest.Name);
                await GetAsync(console, newest.Key, path, temp, cancellationToken);
            }

            try
            {
                var variables = DesiredEnvJson.Parse(await File.ReadAllTextAsync(path, cancellationToken), Where(newest));
                await console.Error.WriteLineAsync($"convex-infra restore: {variables.Count} deployment variable(s) from {Where(newest)}");
                return variables;
            }
            catch (FormatException e)
            {
                throw new BackupException(e.Message);
            }
        }
        finally
        {
            Directory.Delete(temp, recursive: true);
        }
    }

    private string BucketText => $"s3://{Bucket!.Bucket}/{Bucket.Prefix}";

    private string Where(LocalBackupEntry entry) => entry.Key is null ? Path.Combine(Folder, entry.Name) : $"s3://{Bucket!.Bucket}/{entry.Key}";

    private async Task<IReadOnlyList<LocalBackupEntry>> ListAsync(CliConsole console, string temp, CancellationToken cancellationToken)
    {
        var listing = Path.Combine(temp, $"listing-{Guid.NewGuid():N}");
        await RunAsync(console, LocalBackupFiles.BucketCall(Bucket!, "s3-list", Endpoint(console), "--prefix", $"{Bucket!.Prefix}convex-"), listing, temp, "listing", cancellationToken);
        try
        {
            return LocalBackupFiles.FromListing(await File.ReadAllTextAsync(listing, cancellationToken), Bucket, StackName);
        }
        finally
        {
            File.Delete(listing);
        }
    }

    private Task GetAsync(CliConsole console, string key, string path, string temp, CancellationToken cancellationToken) =>
        RunAsync(console, LocalBackupFiles.BucketCall(Bucket!, "s3-get", Endpoint(console), "--key", key), path, temp, $"download of {key}", cancellationToken);

    private string Endpoint(CliConsole console) =>
        console.GetEnvironmentVariable("AWS_ENDPOINT_URL_S3") is { Length: > 0 } local ? local : Bucket!.Endpoint;

    /// <summary>node aws-request.mjs with standard output into <paramref name="output"/> (a zip is binary: never through a string).</summary>
    private async Task RunAsync(CliConsole console, IReadOnlyList<string> args, string output, string temp, string what, CancellationToken cancellationToken)
    {
        var node = StackOutputsInput.FindOnPath(console, "node")
            ?? throw new InputException($"node is not on PATH: install Node.js 18 or newer; it reads the local stack's bucket {BucketText}");
        var script = Path.Combine(temp, "aws-request.mjs");
        await File.WriteAllTextAsync(script, AwsRequestScript.Text, cancellationToken);
        var start = new ProcessStartInfo(node)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = console.WorkingDirectory,
        };
        start.ArgumentList.Add(script);
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        foreach (var name in PassedVariables)
        {
            start.Environment[name] = console.GetEnvironmentVariable(name);
        }

        using var process = Process.Start(start) ?? throw new InputException($"could not start {node}");
        var error = process.StandardError.ReadToEndAsync(cancellationToken);
        await using (var file = File.Create(output))
        {
            await process.StandardOutput.BaseStream.CopyToAsync(file, cancellationToken);
        }

        await process.WaitForExitAsync(cancellationToken);
        if (process.ExitCode != 0)
        {
            File.Delete(output);
            throw new BackupException($"{BucketText}: {what} failed: {(await error).Trim()}");
        }
    }
}
