using ConvexInfra.Core.DeploymentEnv;

namespace ConvexInfra.Core.Tests.DeploymentEnv;

public sealed class DeploymentEnvClientParsingTests
{
    [Fact]
    public void Update_body_sets_with_a_string_and_unsets_with_null()
    {
        var body = DeploymentEnvClient.UpdateBody([new EnvChange("A", "1"), new EnvChange("B", null)]);
        Assert.Equal("""{"changes":[{"name":"A","value":"1"},{"name":"B","value":null}]}""", body);
    }

    [Fact]
    public void A_success_answer_lists_names_and_values()
    {
        var env = DeploymentEnvClient.ParseList("""{"status":"success","value":[{"name":"B","value":"2"},{"name":"A","value":"1"}],"logLines":[]}""");
        Assert.Equal(["A", "B"], env.Keys);
        Assert.Equal("2", env["B"]);
    }

    [Fact]
    public void An_error_answer_carries_the_backend_message()
    {
        var e = Assert.Throws<DeploymentEnvException>(() => DeploymentEnvClient.ParseList("""{"status":"error","errorMessage":"Unauthorized"}"""));
        Assert.Contains("Unauthorized", e.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("[]")]
    [InlineData("""{"status":"success"}""")]
    [InlineData("""{"status":"success","value":[{"name":"A"}]}""")]
    [InlineData("not json")]
    public void An_unexpected_shape_is_a_clear_error(string text)
    {
        var e = Assert.Throws<DeploymentEnvException>(() => DeploymentEnvClient.ParseList(text));
        Assert.Contains("unexpected answer shape", e.Message, StringComparison.Ordinal);
    }
}
