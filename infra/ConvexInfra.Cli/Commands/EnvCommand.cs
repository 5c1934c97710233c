using System.CommandLine;
using ConvexInfra.Cli.Outputs;
using ConvexInfra.Core.Outputs;

namespace ConvexInfra.Cli.Commands;

/// <summary><c>convex-infra env</c>: the stack outputs as env files for the Convex CLI, Vite, Next.js and CI.</summary>
public sealed class EnvCommand : ICliCommand
{
    public string Name => "env";

    public string Summary => "Write the stack outputs as env variables (Convex CLI, Vite, Next.js, dotenv, JSON, GitHub Actions).";

    public Command Build(CliConsole console)
    {
        var outputs = new StackOutputsOptions();
        var format = CliKit.Text("--format", "FORMAT", "convex-cli, vite, nextjs, dotenv, json or github (required; see below)");
        const string formats = """
            Formats:
              convex-cli  CONVEX_SELF_HOSTED_URL, CONVEX_SELF_HOSTED_ADMIN_KEY (npx convex deploy)
              vite        VITE_CONVEX_URL (never the admin key)
              nextjs      NEXT_PUBLIC_CONVEX_URL (never the admin key)
              dotenv      every variable: the two above, CONVEX_SITE_URL, CONVEX_DASHBOARD_URL,
                          CONVEX_INSTANCE_NAME, VITE_CONVEX_URL, NEXT_PUBLIC_CONVEX_URL
              json        every variable as one JSON object
              github      appends every variable to $GITHUB_ENV and the outputs (apiUrl, siteUrl,
                          dashboardUrl, instanceName, adminKey) to $GITHUB_OUTPUT; masks the key
                          with ::add-mask:: first
            """;
        format.CompletionSources.Add(EnvFormats.AllNames.ToArray());
        var write = CliKit.Text("--write", "PATH", "write to PATH instead of standard output, merging into an existing dotenv file (see below)");
        var keepCloud = CliKit.Flag("--keep-cloud", "with --write: keep CONVEX_DEPLOYMENT and CONVEX_DEPLOY_KEY lines as they are");
        var command = CliKit.Verb(Name, Summary, formats + "\n\n" + """
            Turns the stack outputs into env variables. Prints to standard output unless --write is given.
            --write merges into an existing dotenv file: the variables of the format are replaced where they stand,
            every other line and comment is kept (CRLF files stay CRLF). Lines setting CONVEX_DEPLOYMENT or
            CONVEX_DEPLOY_KEY (left from Convex Cloud: with the key the Convex CLI acts on the cloud deployment, with
            CONVEX_DEPLOYMENT it exits with an error; never on this stack) are commented out with a dated note, and
            stderr says so; --keep-cloud keeps them. A file holding the admin key gets mode 600.

            Exit codes: 0 written, 1 bad or incomplete outputs (e.g. "[secret]" without --show-secrets), 2 usage error.

            Examples:
              pulumi stack output --json --show-secrets --stack prod | convex-infra env --from - --format convex-cli --write .env.local
              convex-infra env --stack prod --format vite --write web/.env.production
              convex-infra env --stack prod --format github
            """);
        outputs.AddTo(command);
        command.Options.Add(format);
        command.Options.Add(write);
        command.Options.Add(keepCloud);
        CliKit.Run(command, console, (result, cancellationToken) =>
            RunAsync(console, outputs.Read(result), CliKit.Required(result, format, "convex-cli"), result.GetValue(write), result.GetValue(keepCloud), cancellationToken));
        return command;
    }

    private static async Task<int> RunAsync(CliConsole console, StackOutputsInput input, string formatText, string? write, bool keepCloud, CancellationToken cancellationToken)
    {
        var format = EnvFormats.TryParse(formatText)
            ?? throw new UsageException($"--format: unknown format '{formatText}'; expected one of {string.Join(", ", EnvFormats.AllNames)}, e.g. --format vite");
        if (!input.Given)
        {
            throw new UsageException("the stack outputs are required: --from FILE, --from - (stdin) or --stack NAME");
        }

        if (keepCloud && write is null)
        {
            throw new UsageException("--keep-cloud only applies to --write PATH (nothing is rewritten on standard output)");
        }

        if (format == EnvFormat.Github && write is not null)
        {
            throw new UsageException("--format github writes to $GITHUB_ENV and $GITHUB_OUTPUT; drop --write (or use --format dotenv --write PATH)");
        }

        try
        {
            var outputs = await input.LoadAsync(console, cancellationToken);
            var variables = EnvVariables.For(outputs, format);
            if (format.IsFrontendFacing() && variables.Any(v => v.IsSecret))
            {
                throw new InvalidOperationException($"--format {format.Name()} must never carry a secret");
            }

            return format switch
            {
                EnvFormat.Github => await WriteGithubAsync(outputs, variables, console, cancellationToken),
                EnvFormat.Json => await EmitAsync(EnvJson.Render(variables), null, write, keepCloud, variables, console, cancellationToken),
                _ => await EmitAsync(null, Header(outputs, format), write, keepCloud, variables, console, cancellationToken),
            };
        }
        catch (Exception e) when (e is StackOutputsException or InputException or ArgumentException)
        {
            await console.Error.WriteLineAsync($"convex-infra env: {e.Message}");
            return ExitCodes.Failed;
        }
    }

    private static string Header(StackOutputs outputs, EnvFormat format) =>
        $"Convex {(outputs.Stack is null ? "deployment" : $"stack '{outputs.Stack}'")}: written by convex-infra env --format {format.Name()}";

    /// <param name="text">Fixed text (JSON), or null for dotenv text rendered or merged with <paramref name="header"/>.</param>
    private static async Task<int> EmitAsync(string? text, string? header, string? write, bool keepCloud, IReadOnlyList<EnvVariable> variables, CliConsole console, CancellationToken cancellationToken)
    {
        if (write is null)
        {
            await console.Out.WriteAsync(text ?? DotenvFile.Render(variables, header!));
            return ExitCodes.Ok;
        }

        var path = Path.GetFullPath(write, console.WorkingDirectory);
        if (Directory.Exists(path))
        {
            throw new InputException($"--write: '{write}' is a directory; give a file path, e.g. --write {Path.Combine(write, ".env.local")}");
        }

        var existed = File.Exists(path);
        var content = text ?? DotenvFile.Merge(existed ? await File.ReadAllTextAsync(path, cancellationToken) : string.Empty, variables, header!);
        IReadOnlyList<string> commented = [];
        if (text is null && !keepCloud)
        {
            (content, commented) = CloudLeftovers.CommentOut(content, DateOnly.FromDateTime(DateTime.UtcNow));
        }

        var holdsSecret = variables.Any(v => v.IsSecret);
        await EnvFileWriter.WriteAsync(path, content, holdsSecret, cancellationToken);
        var verb = existed && text is null ? "merged" : "wrote";
        await console.Error.WriteLineAsync(
            $"convex-infra env: {verb} {string.Join(", ", variables.Select(v => v.Name))} into {write}{(holdsSecret ? " (mode 600: it holds the admin key; keep it out of git)" : string.Empty)}");
        if (commented.Count > 0)
        {
            await console.Error.WriteLineAsync(
                $"convex-infra env: commented out {string.Join(" and ", commented)} in {write}: left from Convex Cloud, they make the Convex CLI use the cloud instead of this stack (--keep-cloud keeps them)");
        }

        return ExitCodes.Ok;
    }

    private static async Task<int> WriteGithubAsync(StackOutputs outputs, IReadOnlyList<EnvVariable> variables, CliConsole console, CancellationToken cancellationToken)
    {
        var envFile = console.GetEnvironmentVariable("GITHUB_ENV");
        if (string.IsNullOrEmpty(envFile))
        {
            throw new InputException("--format github appends to $GITHUB_ENV, which is not set: run it inside a GitHub Actions step, or use --format dotenv");
        }

        var stepOutputs = EnvVariables.GithubStepOutputs(outputs);

        // Masks first: the runner must know the secret before any later line could print it.
        foreach (var mask in GithubActionsFiles.MaskCommands(variables.Concat(stepOutputs)))
        {
            await console.Out.WriteLineAsync(mask);
        }

        await File.AppendAllTextAsync(envFile, GithubActionsFiles.Append(variables, GithubActionsFiles.NewDelimiter()), cancellationToken);
        var outputFile = console.GetEnvironmentVariable("GITHUB_OUTPUT");
        if (!string.IsNullOrEmpty(outputFile))
        {
            await File.AppendAllTextAsync(outputFile, GithubActionsFiles.Append(stepOutputs, GithubActionsFiles.NewDelimiter()), cancellationToken);
        }

        await console.Out.WriteLineAsync(
            $"convex-infra env: set {string.Join(", ", variables.Select(v => v.Name))} in $GITHUB_ENV" +
            (string.IsNullOrEmpty(outputFile) ? string.Empty : $"; outputs {string.Join(", ", stepOutputs.Select(v => v.Name))} in $GITHUB_OUTPUT"));
        return ExitCodes.Ok;
    }
}
