using ConvexInfra.Core.Outputs;

namespace ConvexInfra.Core.Tests.Outputs;

public class EnvVariablesTests
{
    private static readonly StackOutputs Outputs = StackOutputsParser.Parse(StackOutputsParserTests.Complete);

    [Fact]
    public void Convex_cli_gets_the_url_and_the_admin_key_as_a_secret()
    {
        var variables = EnvVariables.For(Outputs, EnvFormat.ConvexCli);
        Assert.Equal(["CONVEX_SELF_HOSTED_URL", "CONVEX_SELF_HOSTED_ADMIN_KEY"], variables.Select(v => v.Name));
        Assert.Equal("https://api.convex.example.com", variables[0].Value);
        Assert.False(variables[0].IsSecret);
        Assert.True(variables[1].IsSecret);
        Assert.Equal(StackOutputsParserTests.Key, variables[1].Value);
    }

    [Theory]
    [InlineData(EnvFormat.Vite, "VITE_CONVEX_URL")]
    [InlineData(EnvFormat.NextJs, "NEXT_PUBLIC_CONVEX_URL")]
    public void Frontend_formats_carry_only_the_public_url_never_a_secret(EnvFormat format, string name)
    {
        var variables = EnvVariables.For(Outputs, format);
        var only = Assert.Single(variables);
        Assert.Equal(name, only.Name);
        Assert.Equal("https://api.convex.example.com", only.Value);
        Assert.True(format.IsFrontendFacing());
        Assert.DoesNotContain(variables, v => v.IsSecret || v.Value.Contains('|', StringComparison.Ordinal));
    }

    [Fact]
    public void Frontend_formats_work_with_redacted_outputs()
    {
        var redacted = StackOutputsParser.Parse(StackOutputsParserTests.Complete.Replace(StackOutputsParserTests.Key, "[secret]", StringComparison.Ordinal));
        Assert.Single(EnvVariables.For(redacted, EnvFormat.Vite));
        Assert.Throws<StackOutputsException>(() => EnvVariables.For(redacted, EnvFormat.Dotenv));
    }

    [Fact]
    public void Dotenv_carries_everything_with_only_the_key_secret()
    {
        var variables = EnvVariables.For(Outputs, EnvFormat.Dotenv);
        Assert.Equal(
            ["CONVEX_SELF_HOSTED_URL", "CONVEX_SELF_HOSTED_ADMIN_KEY", "CONVEX_SITE_URL", "CONVEX_DASHBOARD_URL", "CONVEX_INSTANCE_NAME", "VITE_CONVEX_URL", "NEXT_PUBLIC_CONVEX_URL"],
            variables.Select(v => v.Name));
        Assert.Equal(["CONVEX_SELF_HOSTED_ADMIN_KEY"], variables.Where(v => v.IsSecret).Select(v => v.Name));
        Assert.Equal("https://site.convex.example.com", variables.Single(v => v.Name == "CONVEX_SITE_URL").Value);
    }

    [Fact]
    public void Secret_variable_ToString_hides_the_value()
    {
        var key = EnvVariables.For(Outputs, EnvFormat.ConvexCli)[1];
        Assert.Equal("CONVEX_SELF_HOSTED_ADMIN_KEY=(secret)", key.ToString());
    }

    [Theory]
    [InlineData("convex-cli", EnvFormat.ConvexCli)]
    [InlineData("NextJS", EnvFormat.NextJs)]
    [InlineData(" github ", EnvFormat.Github)]
    public void Format_names_parse(string text, EnvFormat expected) => Assert.Equal(expected, EnvFormats.TryParse(text));

    [Fact]
    public void Unknown_format_is_null_and_every_format_has_a_name()
    {
        Assert.Null(EnvFormats.TryParse("yaml"));
        Assert.Equal(Enum.GetValues<EnvFormat>().Length, EnvFormats.AllNames.Count);
        foreach (var format in Enum.GetValues<EnvFormat>())
        {
            Assert.Equal(format, EnvFormats.TryParse(format.Name()));
        }
    }

    [Fact]
    public void Json_format_is_one_object_with_readable_values()
    {
        var json = EnvJson.Render(EnvVariables.For(Outputs, EnvFormat.Json));
        using var document = System.Text.Json.JsonDocument.Parse(json);
        Assert.Equal(7, document.RootElement.EnumerateObject().Count());
        Assert.Equal(StackOutputsParserTests.Key, document.RootElement.GetProperty("CONVEX_SELF_HOSTED_ADMIN_KEY").GetString());
        Assert.Contains("convex-prod|01", json, StringComparison.Ordinal);
    }
}
