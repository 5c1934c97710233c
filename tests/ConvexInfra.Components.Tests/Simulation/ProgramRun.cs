using System.Diagnostics;
using System.Text.Json;
using ConvexInfra.Components.Tests.Provider.Protocol;
using ConvexInfra.Components.Tests.Support;
using ConvexInfra.Core.Spec;

namespace ConvexInfra.Components.Tests.Simulation;

/// <summary>
/// The real Pulumi program (infra/ConvexInfra, built by the test build) run the way <c>pulumi up</c> runs it for a
/// repository stack file, against the test engine instead of the Pulumi engine: <c>dotnet run --no-build</c> with the
/// variables the .NET SDK reads to reach its engine (sdk/Pulumi/Deployment/Deployment.cs at v3.112.1, the
/// constructor, lines 119-145: PULUMI_MONITOR, PULUMI_ENGINE, PULUMI_PROJECT, PULUMI_STACK, PULUMI_DRY_RUN,
/// PULUMI_QUERY_MODE, PULUMI_PARALLEL) and the stack's config as PULUMI_CONFIG (Deployment_Config.cs, ParseConfig,
/// lines 62-77: a JSON object of "namespace:key" → string). Custom resources and invokes are answered by
/// <see cref="AwsMocks"/>; unlike <c>Deployment.TestAsync</c>, every RegisterResource arrives with the dependencies the
/// SDK waited for, which is what the engine schedules by.
/// </summary>
internal sealed record ProgramRun(string Stack, DeploymentSpec Spec, IReadOnlyList<Registration> Registrations)
{
    public static async Task<ProgramRun> RunAsync(string stack)
    {
        var config = StackFiles.Load(stack);
        var spec = ConvexProgram.ReadSpec(config);
        var region = spec.Region ?? "eu-west-1";
        var state = new EngineState(StackFiles.ProjectName, stack, dryRun: false, region, new AwsMocks(region));
        await using var engine = await TestEngine.StartAsync(state);

        var configuration = AppContext.BaseDirectory.Contains($"{Path.DirectorySeparatorChar}Release{Path.DirectorySeparatorChar}", StringComparison.Ordinal) ? "Release" : "Debug";
        var info = new ProcessStartInfo(Path.Combine(ProviderProcess.DotnetOnlyPath, "dotnet"))
        {
            WorkingDirectory = RepoRoot.File("infra", "ConvexInfra"),
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        foreach (var argument in new[] { "run", "--no-build", "-c", configuration, "--project", RepoRoot.File("infra", "ConvexInfra", "ConvexInfra.csproj") })
        {
            info.ArgumentList.Add(argument);
        }

        info.Environment["PATH"] = ProviderProcess.DotnetOnlyPath;
        info.Environment["PULUMI_MONITOR"] = engine.Address;
        info.Environment["PULUMI_ENGINE"] = engine.Address;
        info.Environment["PULUMI_PROJECT"] = StackFiles.ProjectName;
        info.Environment["PULUMI_STACK"] = stack;
        info.Environment["PULUMI_ORGANIZATION"] = "organization";
        info.Environment["PULUMI_DRY_RUN"] = "false";
        info.Environment["PULUMI_QUERY_MODE"] = "false";
        info.Environment["PULUMI_PARALLEL"] = "16";
        info.Environment["PULUMI_CONFIG"] = JsonSerializer.Serialize(config.Values.ToDictionary(p => p.Key, p => p.Value.Raw, StringComparer.Ordinal));
        info.Environment["PULUMI_CONFIG_SECRET_KEYS"] = "[]";

        using var process = Process.Start(info)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(3));
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"{stack}: the program did not finish within 3 minutes: {await stderr}");
        }

        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException(
                $"{stack}: the program exited with {process.ExitCode}.{Environment.NewLine}{await stdout}{Environment.NewLine}{await stderr}" +
                $"{Environment.NewLine}engine log:{Environment.NewLine}{string.Join(Environment.NewLine, state.Logs)}");
        }

        return new ProgramRun(stack, spec, state.Registrations.ToList());
    }
}
