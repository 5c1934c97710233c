using ConvexInfra.Core.Local;
using ConvexInfra.Core.Logs;
using ConvexInfra.Core.Rendering;
using ConvexInfra.Core.Tests.Fixtures;

namespace ConvexInfra.Core.Tests.Logs;

public class LogsCommandLineTests
{
    [Theory]
    [InlineData(LogContainer.Backend, "backend")]
    [InlineData(LogContainer.Dashboard, "dashboard")]
    [InlineData(LogContainer.Proxy, "proxy")]
    public void Ec2_tails_the_hosts_log_group_on_the_compose_services_stream(LogContainer container, string stream)
    {
        var call = LogsCommandLine.For(TestSpecs.Ec2Prod, container, "2h", follow: true);

        Assert.Equal("aws", call.Program);
        Assert.Equal(["logs", "tail", "/convex-infra/prod/ec2", "--log-stream-name-prefix", stream, "--since", "2h", "--format", "short", "--region", "eu-west-1", "--follow"], call.Arguments);
        // The stream is exactly what the compose file's awslogs driver writes.
        Assert.Contains($"awslogs-stream: \"{stream}\"", ComposeFile.Render(TestSpecs.Ec2Prod, TestSpecs.RequireAws(TestSpecs.Ec2Prod)), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(LogContainer.Backend, "backend/backend/")]
    [InlineData(LogContainer.Proxy, "proxy/proxy/")]
    public void Ecs_tails_the_task_log_group_with_the_containers_stream_prefix(LogContainer container, string prefix)
    {
        var call = LogsCommandLine.For(TestSpecs.EcsStaging, container, "1h", follow: false);

        Assert.Equal(["logs", "tail", "/convex-infra/staging/ecs", "--log-stream-name-prefix", prefix, "--since", "1h", "--format", "short", "--region", "eu-west-1"], call.Arguments);
    }

    [Fact]
    public void Local_reads_the_containers_docker_logs()
    {
        var call = LogsCommandLine.For(TestSpecs.LocalSqlite, LogContainer.Dashboard, "30m", follow: true);

        Assert.Equal("docker", call.Program);
        Assert.Equal(["logs", "--since", "30m", "--timestamps", "--follow", LocalNames.Container(TestSpecs.LocalSqlite, LocalRole.Dashboard)], call.Arguments);
    }

    [Fact]
    public void Local_has_no_proxy_and_says_so()
    {
        var error = Assert.Throws<ArgumentException>(() => LogsCommandLine.For(TestSpecs.LocalSqlite, LogContainer.Proxy, "1h", false));
        Assert.Contains("--container", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("1d")]
    [InlineData("1 h")]
    [InlineData("0h")]
    [InlineData("--follow")]
    public void Since_must_be_a_simple_duration(string since)
    {
        var error = Assert.Throws<ArgumentException>(() => LogsCommandLine.For(TestSpecs.Ec2Prod, LogContainer.Backend, since, false));
        Assert.Contains("--since", error.Message, StringComparison.Ordinal);
    }
}
