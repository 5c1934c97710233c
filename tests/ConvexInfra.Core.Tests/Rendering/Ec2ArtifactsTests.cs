using System.Text.RegularExpressions;
using ConvexInfra.Core.Rendering;
using ConvexInfra.Core.Tests.Fixtures;

namespace ConvexInfra.Core.Tests.Rendering;

public class Ec2ArtifactsTests
{
    [Theory]
    [MemberData(nameof(TestSpecs.Ec2Names), MemberType = typeof(TestSpecs))]
    public void Every_artifact_has_a_unique_relative_path_and_an_octal_mode(string stack)
    {
        var spec = TestSpecs.Named(stack);
        var files = Ec2Artifacts.RenderAll(spec, TestSpecs.RequireAws(spec));

        Assert.Equal(files.Count, files.Select(f => f.Path).Distinct().Count());
        Assert.All(files, f =>
        {
            Assert.False(Path.IsPathRooted(f.Path), f.Path);
            Assert.DoesNotContain("..", f.Path, StringComparison.Ordinal);
            Assert.Matches("^0[0-7]{3}$", f.Permissions);
        });
        Assert.Contains(files, f => f.Path == Ec2Artifacts.UserDataPath);
        Assert.Contains(files, f => f.Path == Ec2Artifacts.ReleasePath);
        Assert.Contains(files, f => f.Path == "ec2/host/etc/convex/docker-compose.yml");
        Assert.Contains(files, f => f.Path == "ec2/host/usr/local/sbin/convex-release" && f.Permissions == "0755");
        Assert.Contains(files, f => f.Path == "ec2/host/etc/convex/backend.env" && f.Permissions == "0600");
    }

    [Theory]
    [MemberData(nameof(TestSpecs.Ec2Names), MemberType = typeof(TestSpecs))]
    public void No_artifact_assigns_a_secret_or_the_admin_key(string stack)
    {
        var spec = TestSpecs.Named(stack);
        var secretAssignment = new Regex("(^|[\\s\"])(INSTANCE_SECRET|POSTGRES_URL|NEXT_PUBLIC_ADMIN_KEY)\\s*[=:]\\s*\\S");

        foreach (var file in Ec2Artifacts.RenderAll(spec, TestSpecs.RequireAws(spec)))
        {
            // The release script legitimately writes "$name=$value" for secrets fetched at runtime; no literal value.
            Assert.False(secretAssignment.IsMatch(file.Content), $"{file.Path} assigns a secret");
            Assert.DoesNotContain(TestSpecs.FakeInstanceSecret, file.Content, StringComparison.Ordinal);
            Assert.DoesNotContain("postgresql://", file.Content, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void Secret_assignment_check_can_fail()
    {
        var secretAssignment = new Regex("(^|[\\s\"])(INSTANCE_SECRET|POSTGRES_URL|NEXT_PUBLIC_ADMIN_KEY)\\s*[=:]\\s*\\S");
        Assert.Matches(secretAssignment, "INSTANCE_SECRET=abc");
        Assert.Matches(secretAssignment, "      NEXT_PUBLIC_ADMIN_KEY: \"acme|01ab\"");
        Assert.DoesNotMatch(secretAssignment, "printf '%s=%s\\n' \"$name\" \"$value\"");
    }

    [Fact]
    public void Non_ec2_stacks_are_refused()
    {
        Assert.Throws<ArgumentException>(() => Ec2Artifacts.RenderAll(TestSpecs.EcsStaging, TestSpecs.RequireAws(TestSpecs.EcsStaging)));
    }
}
