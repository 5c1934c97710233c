using ConvexInfra.Core.Outputs;

namespace ConvexInfra.Core.Tests.Outputs;

public class DotenvSyntaxTests
{
    [Theory]
    [InlineData("https://api.convex.example.com", "https://api.convex.example.com")]
    [InlineData("convex-prod", "convex-prod")]
    [InlineData("convex-prod|01abcdef", "'convex-prod|01abcdef'")]
    [InlineData("", "''")]
    [InlineData("a b # c", "'a b # c'")]
    [InlineData("it's", "\"it's\"")]
    [InlineData("line1\nline2", "\"line1\\nline2\"")]
    public void Quotes_only_when_needed_and_readably(string value, string expected) =>
        Assert.Equal(expected, DotenvSyntax.Quote("X", value));

    [Theory]
    [InlineData("cost $5")]
    [InlineData("it's \"both\"")]
    [InlineData("back\\slash'quote")]
    public void Values_dotenv_cannot_read_back_are_refused_naming_the_variable(string value)
    {
        var e = Assert.Throws<ArgumentException>(() => DotenvSyntax.Quote("MY_VAR", value));
        Assert.Contains("MY_VAR", e.Message);
    }

    [Theory]
    [InlineData("1ABC")]
    [InlineData("A-B")]
    [InlineData("A B")]
    [InlineData("")]
    public void Bad_names_are_refused(string name) =>
        Assert.Throws<ArgumentException>(() => DotenvSyntax.Assignment(name, "x"));
}
