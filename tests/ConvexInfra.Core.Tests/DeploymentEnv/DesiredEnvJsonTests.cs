using ConvexInfra.Core.DeploymentEnv;

namespace ConvexInfra.Core.Tests.DeploymentEnv;

public sealed class DesiredEnvJsonTests
{
    [Fact]
    public void Reads_an_object_of_strings()
    {
        var env = DesiredEnvJson.Parse("""{"B": "2", "A": "line1\nline2", "EMPTY": ""}""", "env.json");
        Assert.Equal(["A", "B", "EMPTY"], env.Keys);
        Assert.Equal("line1\nline2", env["A"]);
        Assert.Equal("", env["EMPTY"]);
    }

    [Fact]
    public void Round_trips_through_Serialize()
    {
        var env = new Dictionary<string, string>(StringComparer.Ordinal) { ["JWKS"] = """{"keys":[]}""", ["A"] = "ü <&>" };
        Assert.Equal(env.OrderBy(p => p.Key, StringComparer.Ordinal), DesiredEnvJson.Parse(DesiredEnvJson.Serialize(env), "x"));
    }

    [Theory]
    [InlineData("[]", "got a Array")]
    [InlineData("""{"A": 1}""", "'A' must be a JSON string")]
    [InlineData("""{"A": null}""", "'A' must be a JSON string")]
    [InlineData("""{"A": "1", "A": "2"}""", "'A' appears more than once")]
    [InlineData("""{"bad-name": "1"}""", "'bad-name' must start with a letter")]
    [InlineData("{", "not valid JSON")]
    public void Bad_documents_name_the_source_and_the_problem(string text, string expected)
    {
        var e = Assert.Throws<FormatException>(() => DesiredEnvJson.Parse(text, "env.json"));
        Assert.StartsWith("env.json: ", e.Message, StringComparison.Ordinal);
        Assert.Contains(expected, e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_wrong_typed_value_is_not_quoted_in_the_error()
    {
        var e = Assert.Throws<FormatException>(() => DesiredEnvJson.Parse("""{"A": ["topsecret"]}""", "stdin"));
        Assert.DoesNotContain("topsecret", e.Message, StringComparison.Ordinal);
    }
}
