using ConvexInfra.Core.Spec;

namespace ConvexInfra.Core.Tests.Spec;

public class StackFileTests
{
    private static StackConfig Parse(string yaml) => StackFile.Parse(yaml, "convex-infra", "dev");

    [Fact]
    public void Scalars_arrive_as_their_text()
    {
        var config = Parse("""
            config:
              convex-infra:instanceName: acme-dev
              convex-infra:rootVolumeGb: 20
              convex-infra:dbMultiAz: true
              convex-infra:rustLog: "warn"
              convex-infra:acmeEmail:
            """);
        Assert.Equal("convex-infra", config.ProjectName);
        Assert.Equal("dev", config.StackName);
        Assert.Equal(new ConfigValue("acme-dev"), config.Find("convex-infra:instanceName"));
        Assert.Equal("20", config.Find("convex-infra:rootVolumeGb")!.Raw);
        Assert.Equal("true", config.Find("convex-infra:dbMultiAz")!.Raw);
        Assert.Equal("warn", config.Find("convex-infra:rustLog")!.Raw);
        Assert.Equal("", config.Find("convex-infra:acmeEmail")!.Raw);
    }

    [Fact]
    public void Lists_and_maps_arrive_as_json_with_yaml_types_resolved()
    {
        var config = Parse("""
            config:
              convex-infra:sshAllowedCidrs:
                - 203.0.113.0/24
                - "198.51.100.7/32"
              convex-infra:empty: []
              convex-infra:tags:
                team: platform
                cost-center: 1234
                quoted: "1234"
                flag: yes
                on: true
                ratio: 1.5
                none: ~
            """);
        Assert.Equal("""["203.0.113.0/24","198.51.100.7/32"]""", config.Find("convex-infra:sshAllowedCidrs")!.Raw);
        Assert.Equal("[]", config.Find("convex-infra:empty")!.Raw);
        Assert.Equal("""{"team":"platform","cost-center":1234,"quoted":"1234","flag":"yes","on":true,"ratio":1.5,"none":null}""",
            config.Find("convex-infra:tags")!.Raw);
    }

    [Fact]
    public void Secure_values_become_secrets_without_their_ciphertext()
    {
        var config = Parse("""
            config:
              convex-infra:instanceSecret:
                secure: v1:abcdefghijklmnop:QUJDREVGR0hJSktMTU5PUA==
              convex-infra:deploymentEnvSecrets:
                STRIPE_KEY:
                  secure: v1:qrstuvwxyz:U0VDUkVU
                PLAIN: visible
              convex-infra:list:
                - a
                - secure: v1:xyz:Wlla
            """);
        Assert.All(new[] { "instanceSecret", "deploymentEnvSecrets", "list" }, key =>
        {
            var value = config.Find("convex-infra:" + key)!;
            Assert.True(value.IsSecret);
            Assert.DoesNotContain("v1:", value.Raw, StringComparison.Ordinal);
        });
    }

    [Fact]
    public void A_map_with_secure_and_other_keys_is_not_a_secret_envelope()
    {
        var value = Parse("""
            config:
              convex-infra:tags:
                secure: no
                team: x
            """).Find("convex-infra:tags")!;
        Assert.False(value.IsSecret);
    }

    [Fact]
    public void Other_top_level_keys_and_an_empty_file_are_fine()
    {
        var config = Parse("""
            secretsprovider: awskms://alias/pulumi
            encryptedkey: AQICAHh...
            config:
              aws:region: eu-west-1
            """);
        Assert.Single(config.Values);
        Assert.Empty(Parse("").Values);
        Assert.Empty(Parse("config:\n").Values);
    }

    [Fact]
    public void A_yaml_syntax_error_is_reported_with_its_line_and_column()
    {
        var result = StackFile.TryParse("config:\n  convex-infra:target: aws-ec2\n  convex-infra:domain: [unclosed\n", "convex-infra", "dev");
        Assert.Null(result.Config);
        var error = Assert.Single(result.Errors);
        Assert.Matches(@"^Pulumi\.dev\.yaml line [34], column \d+$", error.Key);
        Assert.Equal("valid YAML", error.Expected);
        Assert.NotEmpty(error.Given);
    }

    [Fact]
    public void A_bad_indentation_is_reported_on_its_line()
    {
        var result = StackFile.TryParse("config:\n  convex-infra:target: aws-ec2\n    convex-infra:domain: x\n", "convex-infra", "dev");
        var error = Assert.Single(result.Errors);
        Assert.StartsWith("Pulumi.dev.yaml line 3,", error.Key, StringComparison.Ordinal);
    }

    [Fact]
    public void A_duplicate_key_is_a_syntax_error_with_its_line()
    {
        var result = StackFile.TryParse("config:\n  aws:region: eu-west-1\n  aws:region: us-east-1\n", "convex-infra", "dev");
        var error = Assert.Single(result.Errors);
        Assert.StartsWith("Pulumi.dev.yaml line 3,", error.Key, StringComparison.Ordinal);
        Assert.Contains("Duplicate", error.Given, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public void Parse_throws_with_all_errors_when_the_file_is_unreadable()
    {
        var thrown = Assert.Throws<StackFileException>(() => Parse("config: [a, b]\n"));
        var error = Assert.Single(thrown.Errors);
        Assert.Contains("'config:' to hold a map", error.Expected, StringComparison.Ordinal);
        Assert.Contains("line 1", thrown.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_broken_file_reports_all_its_errors_together()
    {
        var config = Parse($"""
            config:
              aws:region: eu-west-1
              convex-infra:target: aws-ec2
              convex-infra:instanceName: Acme_Prod
              convex-infra:imageRevision: latest
              convex-infra:vpcCidr: 10.0.0.1/16
              convex-infra:sshAllowedCidrs: 0.0.0.0/0
              convex-infra:fargateCpu: 1024
              convex-infra:fargateMemoryMb: 512
              convex-infra:dbAllocatedStorageGb: -1
              convex-infra:logRetentionDays: 45
              convex-infra:instanceSize: large
            """);
        var errors = SettingsReader.Read(config).Errors;
        Assert.Equal(
            ["dbAllocatedStorageGb", "domain", "fargateMemoryMb", "imageRevision", "instanceName", "instanceSize", "logRetentionDays", "sshAllowedCidrs", "vpcCidr"],
            errors.Select(e => e.Key["convex-infra:".Length..]).Order(StringComparer.Ordinal));
    }

    [Fact]
    public void Load_takes_the_stack_from_the_file_name_and_the_project_from_Pulumi_yaml()
    {
        var dir = Directory.CreateTempSubdirectory("stackfile-");
        try
        {
            File.WriteAllText(Path.Combine(dir.FullName, "Pulumi.yaml"), "name: my-convex\nruntime: dotnet\n");
            File.WriteAllText(Path.Combine(dir.FullName, "Pulumi.feature-x.yaml"), "config:\n  convex-infra:target: local\n");
            var config = StackFile.Load(Path.Combine(dir.FullName, "Pulumi.feature-x.yaml"));
            Assert.Equal(("my-convex", "feature-x"), (config.ProjectName, config.StackName));
            Assert.Equal("local", config.Find("convex-infra:target")!.Raw);
            Assert.Throws<ArgumentException>(() => StackFile.Load(Path.Combine(dir.FullName, "stack.yaml")));
        }
        finally
        {
            dir.Delete(recursive: true);
        }
    }

    [Fact]
    public void A_Pulumi_yaml_without_name_is_an_error()
    {
        var file = Path.GetTempFileName();
        try
        {
            File.WriteAllText(file, "runtime: dotnet\n");
            var thrown = Assert.Throws<StackFileException>(() => StackFile.FindProjectName(file));
            Assert.Contains("name: convex-infra", Assert.Single(thrown.Errors).Example, StringComparison.Ordinal);
        }
        finally
        {
            File.Delete(file);
        }
    }
}
