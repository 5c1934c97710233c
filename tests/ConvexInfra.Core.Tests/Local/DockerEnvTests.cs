using ConvexInfra.Core.Local;

namespace ConvexInfra.Core.Tests.Local;

public class DockerEnvTests
{
    [Fact]
    public void An_entry_is_name_equals_value_verbatim()
    {
        Assert.Equal("POSTGRES_URL=postgres://u:p%40ss@host:5432", DockerEnv.Entry("POSTGRES_URL", "postgres://u:p%40ss@host:5432"));
        Assert.Equal("EMPTY=", DockerEnv.Entry("EMPTY", ""));
        Assert.Equal("A=b=c", DockerEnv.Entry("A", "b=c"));
    }

    [Theory]
    [InlineData("")]
    [InlineData("1ABC")]
    [InlineData("WITH SPACE")]
    [InlineData("A=B")]
    [InlineData("DASH-ED")]
    public void A_bad_name_is_refused_with_an_example(string name)
    {
        var error = Assert.Throws<ArgumentException>(() => DockerEnv.Entry(name, "x"));
        Assert.Contains($"got '{name}'", error.Message, StringComparison.Ordinal);
        Assert.Contains("Example: INSTANCE_NAME", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_value_docker_cannot_carry_is_refused_without_echoing_it()
    {
        var error = Assert.Throws<ArgumentException>(() => DockerEnv.Entry("INSTANCE_SECRET", "s3cr3t\0tail"));
        Assert.Contains("INSTANCE_SECRET", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("s3cr3t", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Duplicate_names_are_refused()
    {
        var error = Assert.Throws<ArgumentException>(() => DockerEnv.Entries([new("A", "1"), new("B", "2"), new("A", "3")]));
        Assert.Contains("A is set twice", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Entries_keep_their_order()
    {
        Assert.Equal(["B=2", "A=1"], DockerEnv.Entries([new("B", "2"), new("A", "1")]));
    }
}
