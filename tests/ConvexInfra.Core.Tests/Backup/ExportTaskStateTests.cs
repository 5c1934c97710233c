using ConvexInfra.Core.Backup;

namespace ConvexInfra.Core.Tests.Backup;

public class ExportTaskStateTests
{
    [Fact]
    public void A_stopped_task_with_exit_code_zero_succeeded()
    {
        var state = ExportTaskState.Parse("STOPPED\tEssential container in task exited\t0\n");

        Assert.True(state.Stopped);
        Assert.True(state.Succeeded);
        Assert.Equal("Essential container in task exited", state.StopReason);
    }

    [Theory]
    [InlineData("STOPPED\tEssential container in task exited\t1", true, "1")]
    [InlineData("STOPPED\tCannotPullContainerError: access denied\tNone", true, null)]
    [InlineData("RUNNING\tNone\tNone", false, null)]
    [InlineData("PROVISIONING\tNone\tNone", false, null)]
    public void Other_states_did_not_succeed(string text, bool stopped, string? exitCode)
    {
        var state = ExportTaskState.Parse(text);

        Assert.Equal(stopped, state.Stopped);
        Assert.False(state.Succeeded);
        Assert.Equal(exitCode, state.ExitCode);
    }

    [Theory]
    [InlineData("")]
    [InlineData("None")]
    [InlineData("STOPPED 0")]
    public void An_answer_of_another_shape_is_refused_with_what_was_expected(string text)
    {
        var error = Assert.Throws<FormatException>(() => ExportTaskState.Parse(text));
        Assert.Contains("STATUS<tab>STOP REASON<tab>EXIT CODE", error.Message, StringComparison.Ordinal);
    }
}
