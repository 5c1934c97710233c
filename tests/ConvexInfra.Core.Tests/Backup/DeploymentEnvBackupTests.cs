using ConvexInfra.Core.Backup;
using ConvexInfra.Core.DeploymentEnv;

namespace ConvexInfra.Core.Tests.Backup;

public sealed class DeploymentEnvBackupTests
{
    private static readonly DateTimeOffset Day = new(2026, 12, 6, 3, 17, 0, TimeSpan.Zero);

    [Fact]
    public void Stored_variables_are_never_taken_for_the_latest_export_and_vice_versa()
    {
        var objects = new[]
        {
            new ExportObject("convex-prod-0f1e/export-a", Day, 20),
            new ExportObject(DeploymentEnvBackup.Key(Day.AddMinutes(1)), Day.AddMinutes(1), 5),
            new ExportObject(DeploymentEnvBackup.Key(Day.AddDays(-1)), Day.AddDays(-1), 5),
        };

        Assert.Equal("convex-prod-0f1e/export-a", ExportObjects.Latest(objects)!.Key);
        Assert.Equal("deployment-env/deployment-env-20261206T031800Z.json", DeploymentEnvBackup.Latest(objects)!.Key);
        Assert.Null(DeploymentEnvBackup.Latest(objects.Take(1)));
    }

    [Fact]
    public void Download_prints_the_object_on_standard_output()
    {
        var target = new S3Location("b", DeploymentEnvBackup.Key(Day));

        Assert.Equal(["s3", "cp", "--region", "eu-west-1", "--only-show-errors", "s3://b/deployment-env/deployment-env-20261206T031700Z.json", "-"],
            DeploymentEnvBackup.Download("eu-west-1", target));
    }

    [Theory]
    [InlineData("A=1\nB=two words\n", "A", "1")]
    [InlineData("A=1\nB=two words\n", "B", "two words")]
    [InlineData("K='x\ny\nz'\n", "K", "x\ny\nz")]
    [InlineData("K=\"it's\\nhere\"\n", "K", "it's\nhere")]
    [InlineData("K='\"quoted\"'\n", "K", "\"quoted\"")]
    [InlineData("K=a=b\n", "K", "a=b")]
    [InlineData("K=\n", "K", "")]
    public void Env_list_text_reads_what_the_convex_cli_prints(string text, string name, string value)
    {
        Assert.Equal(value, EnvListText.Parse(text, "FILE")[name]);
    }

    [Theory]
    [InlineData("A=1\nA=2\n", "line 2: A appears more than once")]
    [InlineData("K='open\nnever closed\n", "line 2: expected NAME=value")]
    [InlineData("=x\n", "line 1: expected NAME=value")]
    [InlineData("1BAD=x\n", "1BAD")]
    public void Bad_env_list_text_names_the_line(string text, string expected)
    {
        var error = Assert.Throws<FormatException>(() => EnvListText.Parse(text, "FILE"));
        Assert.Contains(expected, error.Message, StringComparison.Ordinal);
    }
}
