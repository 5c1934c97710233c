using ConvexInfra.Core.Containers;
using ConvexInfra.Core.Tests.Fixtures;

namespace ConvexInfra.Core.Tests.Containers;

public class PostgresUrlTests
{
    private const string Host = "acme.c9akciq32xyz.eu-west-1.rds.amazonaws.com";

    [Fact]
    public void Builds_a_url_without_database_or_query()
    {
        var url = PostgresUrl.Build("convex", "s3cret", Host, 5432);

        Assert.Equal($"postgresql://convex:s3cret@{Host}:5432", url);
        var parsed = new Uri(url);
        Assert.Equal(string.Empty, parsed.AbsolutePath.TrimStart('/'));
        Assert.Equal(string.Empty, parsed.Query);
    }

    [Fact]
    public void Percent_encodes_reserved_characters_so_the_url_parses_back_to_the_same_credentials()
    {
        var url = PostgresUrl.Build("us@er", TestSpecs.FakeDbPassword, Host, 5432);

        var parsed = new Uri(url);
        Assert.Equal(Host, parsed.Host);
        Assert.Equal(5432, parsed.Port);
        Assert.Equal("/", parsed.AbsolutePath);
        var userInfo = parsed.UserInfo.Split(':');
        Assert.Equal("us@er", Uri.UnescapeDataString(userInfo[0]));
        Assert.Equal(TestSpecs.FakeDbPassword, Uri.UnescapeDataString(userInfo[1]));
        // '$' would be interpolated by docker-compose env files: it must be encoded too.
        Assert.DoesNotContain("$", url, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("db.example.com/convex")]
    [InlineData("db.example.com?sslmode=disable")]
    [InlineData("postgres://db.example.com")]
    [InlineData("db.example.com:5432")]
    [InlineData("")]
    public void Rejects_a_host_that_is_not_a_bare_name(string host)
    {
        var error = Assert.Throws<ArgumentException>(() => PostgresUrl.Build("convex", "pw", host, 5432));
        Assert.Contains("Postgres host", error.Message, StringComparison.Ordinal);
        Assert.Contains("Example:", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Errors_never_contain_the_password()
    {
        var error = Assert.Throws<ArgumentException>(() => PostgresUrl.Build("convex", TestSpecs.FakeDbPassword, "bad/host", 5432));
        Assert.DoesNotContain(TestSpecs.FakeDbPassword, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Rejects_empty_credentials_and_bad_ports()
    {
        Assert.Throws<ArgumentException>(() => PostgresUrl.Build("", "pw", Host, 5432));
        Assert.Throws<ArgumentException>(() => PostgresUrl.Build("convex", "", Host, 5432));
        Assert.Throws<ArgumentOutOfRangeException>(() => PostgresUrl.Build("convex", "pw", Host, 0));
    }

    [Theory]
    [InlineData("convex", "p@ss:w/rd%é")]
    [InlineData("convex", "plain")]
    public void The_ecs_entrypoints_join_of_credentials_and_address_is_the_same_url(string user, string password)
    {
        // BackendEntrypoint builds postgresql://${CREDENTIALS}@${host}:${port}: the same string Build gives.
        Assert.Equal(PostgresUrl.Build(user, password, Host, 5432), $"postgresql://{PostgresUrl.Credentials(user, password)}@{Host}:5432");
        Assert.Contains("postgresql://${" + ConvexInfra.Core.Ecs.BackendEntrypoint.DatabaseCredentialsVariable + "}@${db_host}:${" + ConvexInfra.Core.Ecs.BackendEntrypoint.DatabasePortVariable + "}",
            ConvexInfra.Core.Ecs.BackendEntrypoint.Script, StringComparison.Ordinal);
    }

    [Fact]
    public void Credentials_refuse_empty_values_without_naming_the_password()
    {
        Assert.Throws<ArgumentException>(() => PostgresUrl.Credentials("", "pw"));
        var error = Assert.Throws<ArgumentException>(() => PostgresUrl.Credentials("convex", ""));
        Assert.Contains("Postgres password", error.Message, StringComparison.Ordinal);
    }
}
