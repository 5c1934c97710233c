using System.Reflection;
using ConvexInfra.Components.Tests.Support;
using Pulumi;
using Pulumi.Testing;

namespace ConvexInfra.Components.Tests.Component;

/// <summary>
/// The deployment is built only by <see cref="ConvexDeployment.CreateAsync"/>, which awaits the AWS lookups. The
/// public <c>(name, args, options)</c> constructor is kept for Pulumi's schema analysis; it must not wait for
/// anything (waiting blocked a thread and hung with a small thread pool), so it refuses at once and registers nothing.
/// </summary>
public sealed class ConstructionTests
{
    [Fact]
    public void The_public_constructor_does_not_compile_for_callers()
    {
        var constructor = typeof(ConvexDeployment).GetConstructor([typeof(string), typeof(ConvexDeploymentArgs), typeof(ComponentResourceOptions)]);

        Assert.NotNull(constructor);
        var obsolete = constructor.GetCustomAttribute<ObsoleteAttribute>();
        Assert.NotNull(obsolete);
        Assert.True(obsolete.IsError);
        Assert.Contains("CreateAsync", obsolete.Message, StringComparison.Ordinal);
        Assert.Single(typeof(ConvexDeployment).GetConstructors());
    }

    [Fact]
    public async Task The_public_constructor_refuses_at_once_without_a_lookup_or_a_registration()
    {
        var mocks = ComponentRun.NewMocks();
        var args = ComponentRun.ArgsOf("dev");
        var clock = System.Diagnostics.Stopwatch.StartNew();

        var error = await Assert.ThrowsAnyAsync<Exception>(() => Pulumi.Deployment.TestAsync(
            mocks.Mock.Object,
            new TestOptions { ProjectName = StackFiles.ProjectName, StackName = "dev", IsPreview = false },
            () => { _ = Activator.CreateInstance(typeof(ConvexDeployment), "convex", args, null); }));

        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(30), $"took {clock.Elapsed}");
        // Pulumi's test runner reports the program's exception as a RunException carrying its text.
        Assert.Contains(nameof(NotSupportedException), error.ToString(), StringComparison.Ordinal);
        Assert.Contains("await ConvexDeployment.CreateAsync(name, args, options)", error.ToString(), StringComparison.Ordinal);
        Assert.Empty(mocks.Calls);
        Assert.DoesNotContain(mocks.Resources, r => r.Type is { } type && (type == ComponentTokens.ConvexDeployment || type.StartsWith("aws:", StringComparison.Ordinal)));
    }
}
