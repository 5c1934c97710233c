using ConvexInfra.Core.Spec;

namespace ConvexInfra.Core.Tests.Spec;

/// <summary>Each bad input yields an error naming the key, quoting what was given and saying what is expected.</summary>
public class SettingsErrorTests
{
    private static readonly Dictionary<string, (StackConfig Config, string Key, string Expected)> Cases = new()
    {
        ["deploy-role-with-spaces"] = (TestConfigs.Aws("dev", ("deployRoles", """["deploy role"]""")), "deployRoles", "an IAM role name such as convex-infra-github-deploy-prod"),
        ["deploy-role-policy-arn"] = (TestConfigs.Aws("dev", ("deployRoles", """["arn:aws:iam::123456789012:policy/deploy"]""")), "deployRoles", "or its ARN arn:aws:iam::123456789012:role/"),
        ["deploy-roles-as-string"] = (TestConfigs.Aws("dev", ("deployRoles", "convex-infra-github-deploy-dev")), "deployRoles", "YAML list of strings"),
        ["deploy-roles-on-local"] = (TestConfigs.Local(("deployRoles", """["convex-infra-github-deploy-dev"]""")), "deployRoles", "only AWS stacks have a KMS key"),
        ["cidr-not-an-address"] = (TestConfigs.Aws("dev", ("httpAllowedCidrs", """["10.0.0/8"]""")), "httpAllowedCidrs", "four numbers 0..255"),
        ["cidr-without-prefix"] = (TestConfigs.Aws("dev", ("httpAllowedCidrs", """["203.0.113.7"]""")), "httpAllowedCidrs", "203.0.113.7/32"),
        ["cidr-host-bits-set"] = (TestConfigs.Aws("dev", ("sshAllowedCidrs", """["203.0.113.7/24"]""")), "sshAllowedCidrs", "did you mean 203.0.113.0/24?"),
        ["cidr-prefix-too-long"] = (TestConfigs.Aws("dev", ("dashboardAllowedCidrs", """["10.0.0.0/33"]""")), "dashboardAllowedCidrs", "prefix length from 0 to 32"),
        ["ssh-open-to-world"] = (TestConfigs.Aws("dev", ("sshAllowedCidrs", """["0.0.0.0/0"]""")), "sshAllowedCidrs", "opens SSH to the whole internet"),
        ["list-as-comma-string"] = (TestConfigs.Aws("dev", ("httpAllowedCidrs", "10.0.0.0/8,192.168.0.0/16")), "httpAllowedCidrs", "comma-separated string is not accepted"),
        ["list-of-numbers"] = (TestConfigs.Aws("dev", ("sshAllowedCidrs", "[1, 2]")), "sshAllowedCidrs", "YAML list of strings"),
        ["http-list-empty"] = (TestConfigs.Aws("dev", ("httpAllowedCidrs", "[]")), "httpAllowedCidrs", "blocks every client"),
        ["instance-name-uppercase"] = (TestConfigs.Aws("dev", ("instanceName", "Acme-Prod")), "instanceName", "use lowercase"),
        ["instance-name-too-long"] = (TestConfigs.Aws("dev", ("instanceName", new string('a', 64))), "instanceName", "at most 63 characters (it has 64)"),
        ["instance-name-leading-digit"] = (TestConfigs.Aws("dev", ("instanceName", "1acme")), "instanceName", "starts with a lowercase letter (it starts with '1')"),
        ["instance-name-double-hyphen"] = (TestConfigs.Aws("dev", ("instanceName", "acme--prod")), "instanceName", "no double or trailing hyphen"),
        ["instance-name-trailing-hyphen"] = (TestConfigs.Aws("dev", ("instanceName", "acme-")), "instanceName", "no double or trailing hyphen"),
        ["instance-name-pipe"] = (TestConfigs.Aws("dev", ("instanceName", "acme|prod")), "instanceName", "no '|' or ':'"),
        ["instance-name-underscore"] = (TestConfigs.Aws("dev", ("instanceName", "acme_prod")), "instanceName", "only lowercase letters, digits and hyphens"),
        ["instance-name-empty"] = (TestConfigs.Aws("dev", ("instanceName", "")), "instanceName", "a non-empty value"),
        ["instance-name-missing"] = (TestConfigs.Aws("dev", ("instanceName", null)), "instanceName", "required"),
        ["instance-name-as-list"] = (TestConfigs.Aws("dev", ("instanceName", """["acme"]""")), "instanceName", "a single value, not a list or map"),
        ["revision-latest"] = (TestConfigs.Aws("dev", ("imageRevision", "latest")), "imageRevision", "not a moving tag"),
        ["revision-short-sha"] = (TestConfigs.Aws("dev", ("imageRevision", "4d3b0a5")), "imageRevision", "not a 7-character short one"),
        ["revision-uppercase"] = (TestConfigs.Aws("dev", ("imageRevision", TestConfigs.Revision.ToUpperInvariant())), "imageRevision", "use lowercase"),
        ["revision-disk-filling-first-release"] = (TestConfigs.Aws("dev", ("imageRevision", "4499dd4fd7f2148687a7774599c613d052950f46")), "imageRevision", "fills the disk"),
        ["revision-not-hex"] = (TestConfigs.Aws("dev", ("imageRevision", "v1.2.3")), "imageRevision", "40-character lowercase git SHA"),
        ["revision-missing"] = (TestConfigs.Aws("dev", ("imageRevision", null)), "imageRevision", "required"),
        ["target-unknown"] = (TestConfigs.Aws("dev", ("target", "aws-lambda")), "target", "one of aws-ec2, aws-ecs, local"),
        ["target-uppercase"] = (TestConfigs.Aws("dev", ("target", "AWS-EC2")), "target", "(use lowercase)"),
        ["target-missing"] = (TestConfigs.Aws("dev", ("target", null)), "target", "required"),
        ["tier-unknown"] = (TestConfigs.Aws("dev", ("tier", "production")), "tier", "one of dev, staging, prod"),
        ["domain-missing-on-aws"] = (TestConfigs.Aws("dev", ("domain", null)), "domain", "required for AWS targets"),
        ["domain-with-scheme"] = (TestConfigs.Aws("dev", ("domain", "https://convex.example.com")), "domain", "without scheme or path"),
        ["domain-single-label"] = (TestConfigs.Aws("dev", ("domain", "localhost")), "domain", "at least two labels"),
        ["hostname-bad-label"] = (TestConfigs.Aws("dev", ("apiHostname", "-api.example.com")), "apiHostname", "DNS name"),
        ["hostnames-duplicate"] = (TestConfigs.Aws("dev", ("apiHostname", "convex.acme.io"), ("siteHostname", "convex.acme.io")), "siteHostname", "different from convex-infra:apiHostname"),
        ["region-missing-on-aws"] = (TestConfigs.Aws("dev", ("aws:region", null)), "aws:region", "required for target aws-ec2"),
        ["region-malformed"] = (TestConfigs.Aws("dev", ("aws:region", "Ireland")), "aws:region", "AWS region code"),
        ["hosted-zone-with-prefix"] = (TestConfigs.Aws("dev", ("hostedZoneId", "/hostedzone/Z0123456789ABC")), "hostedZoneId", "without the /hostedzone/ prefix"),
        ["acme-email-malformed"] = (TestConfigs.Aws("dev", ("acmeEmail", "ops")), "acmeEmail", "e-mail address"),
        ["alarm-email-malformed"] = (TestConfigs.Aws("dev", ("alarmEmail", "oncall at example.com")), "alarmEmail", "e-mail address"),
        ["instance-type-x86"] = (TestConfigs.Aws("dev", ("instanceType", "t3.medium")), "instanceType", "Graviton (arm64)"),
        ["root-volume-negative"] = (TestConfigs.Aws("dev", ("rootVolumeGb", "-5")), "rootVolumeGb", "whole number from 8 to 16384"),
        ["fargate-cpu-invalid"] = (TestConfigs.Aws("dev", ("fargateCpu", "3000")), "fargateCpu", "one of 256, 512, 1024, 2048, 4096, 8192, 16384"),
        ["fargate-memory-not-for-cpu"] = (TestConfigs.Aws("dev", ("fargateCpu", "1024"), ("fargateMemoryMb", "1024")), "fargateMemoryMb", "fargateCpu 1024: 2048..8192 in steps of 1024"),
        ["fargate-memory-too-big-for-256"] = (TestConfigs.Aws("dev", ("fargateCpu", "256"), ("fargateMemoryMb", "4096")), "fargateMemoryMb", "512, 1024 or 2048"),
        ["fargate-ephemeral-too-small"] = (TestConfigs.Aws("dev", ("fargateEphemeralStorageGb", "10")), "fargateEphemeralStorageGb", "21 to 200"),
        ["ecs-subnets-unknown"] = (TestConfigs.Aws("dev", ("ecsSubnets", "nat")), "ecsSubnets", "one of public, private"),
        ["sqlite-on-aws"] = (TestConfigs.Aws("dev", ("database", "sqlite")), "database", "sqlite is only for target local"),
        ["database-unknown"] = (TestConfigs.Local(("database", "mysql")), "database", "one of sqlite, postgres"),
        ["db-class-without-prefix"] = (TestConfigs.Aws("dev", ("dbInstanceClass", "t4g.micro")), "dbInstanceClass", "db.t4g.micro"),
        ["db-storage-negative"] = (TestConfigs.Aws("dev", ("dbAllocatedStorageGb", "-20")), "dbAllocatedStorageGb", "whole number from 20 to 65536"),
        ["db-storage-not-a-number"] = (TestConfigs.Aws("dev", ("dbAllocatedStorageGb", "twenty")), "dbAllocatedStorageGb", "whole number"),
        ["db-max-below-allocated"] = (TestConfigs.Aws("dev", ("dbAllocatedStorageGb", "100"), ("dbMaxAllocatedStorageGb", "50")), "dbMaxAllocatedStorageGb", "at least dbAllocatedStorageGb (100)"),
        ["db-multi-az-not-bool"] = (TestConfigs.Aws("dev", ("dbMultiAz", "yes")), "dbMultiAz", "true or false"),
        ["db-engine-too-old"] = (TestConfigs.Aws("dev", ("dbEngineVersion", "9.6")), "dbEngineVersion", "13 or newer"),
        ["backups-prod-below-seven"] = (TestConfigs.Aws("prod", ("backupRetentionDays", "3")), "backupRetentionDays", "at least 7 days for a prod stack"),
        ["backups-above-35"] = (TestConfigs.Aws("dev", ("backupRetentionDays", "40")), "backupRetentionDays", "0 to 35"),
        ["vpc-public-range"] = (TestConfigs.Aws("dev", ("vpcCidr", "8.8.0.0/16")), "vpcCidr", "private (RFC 1918) range"),
        ["vpc-too-large"] = (TestConfigs.Aws("dev", ("vpcCidr", "10.0.0.0/8")), "vpcCidr", "/16 to /24 (got /8)"),
        ["vpc-host-bits"] = (TestConfigs.Aws("dev", ("vpcCidr", "10.1.2.0/16")), "vpcCidr", "did you mean 10.1.0.0/16?"),
        ["vpc-docker-bridge"] = (TestConfigs.Aws("dev", ("vpcCidr", "172.17.0.0/16")), "vpcCidr", "172.17.0.0/16"),
        ["ecs-without-zone"] = (TestConfigs.Aws("prod", ("target", "aws-ecs")), "hostedZoneId", "validates its ACM certificate"),
        ["availability-zones-four"] = (TestConfigs.Aws("dev", ("availabilityZones", "4")), "availabilityZones", "from 2 to 3"),
        ["log-retention-not-cloudwatch"] = (TestConfigs.Aws("dev", ("logRetentionDays", "10")), "logRetentionDays", "e.g. 7"),
        ["rust-log-shell-characters"] = (TestConfigs.Aws("dev", ("rustLog", "info; rm -rf /")), "rustLog", "RUST_LOG filter"),
        ["document-retention-negative"] = (TestConfigs.Aws("dev", ("documentRetentionDelaySeconds", "-1")), "documentRetentionDelaySeconds", "from 0 to 31536000"),
        ["protect-data-not-bool"] = (TestConfigs.Aws("dev", ("protectData", "on")), "protectData", "true or false"),
        ["secret-version-negative"] = (TestConfigs.Aws("dev", ("instanceSecretVersion", "-1")), "instanceSecretVersion", "from 0 to"),
        ["admin-key-version-fraction"] = (TestConfigs.Aws("dev", ("adminKeyVersion", "1.5")), "adminKeyVersion", "whole number"),
        ["local-port-privileged"] = (TestConfigs.Local(("localApiPort", "80")), "localApiPort", "from 1024 to 65535"),
        ["local-ports-duplicate"] = (TestConfigs.Local(("localSitePort", "3210")), "localSitePort", "different from convex-infra:localApiPort"),
        ["tags-as-list"] = (TestConfigs.Aws("dev", ("tags", """["team"]""")), "tags", "YAML map"),
        ["tags-nested-map"] = (TestConfigs.Aws("dev", ("tags", """{"team":{"a":"b"}}""")), "tags", "'team' holds a list, map or null"),
        ["tags-reserved-aws-prefix"] = (TestConfigs.Aws("dev", ("tags", """{"aws:owner":"x"}""")), "tags", "reserved by AWS"),
        ["unknown-key-typo"] = (TestConfigs.Aws("dev", ("instanceNmae", "acme")), "instanceNmae", "(did you mean convex-infra:instanceName?)"),
        ["unknown-key-case"] = (TestConfigs.Aws("dev", ("InstanceType", "t4g.small")), "InstanceType", "(did you mean convex-infra:instanceType?)"),
        ["unknown-key-unrelated"] = (TestConfigs.Aws("dev", ("frobnicateEverything", "1")), "frobnicateEverything", "unknown; docs/spec.md lists them all"),
        ["deployment-env-bad-name"] = (TestConfigs.Aws("dev", ("deploymentEnv", """{"1BAD":"x"}""")), "deploymentEnv", "'1BAD' must start with a letter"),
        ["deployment-env-secrets-plain"] = (TestConfigs.Aws("dev", ("deploymentEnvSecrets", """{"STRIPE_KEY":"sk_live_123"}""")), "deploymentEnvSecrets", "a Pulumi secret"),
        ["export-schedule-prose"] = (TestConfigs.Aws("dev", ("exportSchedule", "every day")), "exportSchedule", "EventBridge schedule"),
        ["export-schedule-cron-five-fields"] = (TestConfigs.Aws("dev", ("exportSchedule", "cron(0 3 * * *)")), "exportSchedule", "cron needs 6 fields, got 5"),
        ["convex-auth-url-http"] = (TestConfigs.Aws("dev", ("convexAuthSiteUrl", "http://app.example.com")), "convexAuthSiteUrl", "https:// URL"),
        ["convex-auth-not-bool"] = (TestConfigs.Aws("dev", ("convexAuth", "enabled")), "convexAuth", "true or false"),
        ["convex-auth-without-site-url"] = (TestConfigs.Aws("dev", ("convexAuth", "true")), "convexAuthSiteUrl", "when convexAuth is true"),
        ["convex-auth-site-url-http-remote"] = (TestConfigs.Aws("dev", ("convexAuth", "true"), ("convexAuthSiteUrl", "http://10.0.0.5:3000")), "convexAuthSiteUrl", "http:// on localhost"),
        ["convex-auth-owns-jwks"] = (TestConfigs.Aws("dev", ("convexAuth", "true"), ("convexAuthSiteUrl", "https://app.example.com"), ("deploymentEnv", """{"JWKS":"x"}""")), "deploymentEnv", "no JWKS: convexAuth sets it"),
        ["deployment-env-built-in-name"] = (TestConfigs.Aws("dev", ("deploymentEnv", """{"CONVEX_SITE_URL":"x"}""")), "deploymentEnv", "'CONVEX_SITE_URL' is built-in"),
        ["deployment-env-long-name"] = (TestConfigs.Aws("dev", ("deploymentEnv", $$"""{"{{new string('A', 257)}}":"x"}""")), "deploymentEnv", "at most 256"),
    };

    public static TheoryData<string> CaseNames() => [.. Cases.Keys];

    [Theory]
    [MemberData(nameof(CaseNames))]
    public void Bad_input_is_reported_on_its_key_with_a_useful_message(string caseName)
    {
        var (config, key, expected) = Cases[caseName];
        var errors = TestConfigs.ReadErrors(config);

        var error = Assert.Single(errors, e => e.Key == TestConfigs.FullKey(key));
        Assert.Contains(expected, error.Expected, StringComparison.Ordinal);
        Assert.NotEmpty(error.Given);
        Assert.NotEmpty(error.Example);
        Assert.Contains(error.Key, error.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void The_bad_value_is_quoted_in_the_error()
    {
        var error = Assert.Single(TestConfigs.ReadErrors(TestConfigs.Aws("dev", ("imageRevision", "latest"))));
        Assert.Equal("'latest'", error.Given);
        Assert.StartsWith("convex-infra:imageRevision: ", error.Example, StringComparison.Ordinal);
    }

    [Fact]
    public void A_secret_where_a_plain_value_is_expected_is_an_error_that_hides_the_value()
    {
        var error = Assert.Single(TestConfigs.ReadErrors(TestConfigs.Aws("dev").WithSecret("instanceName")));
        Assert.Equal("convex-infra:instanceName", error.Key);
        Assert.Contains("without --secret", error.Expected, StringComparison.Ordinal);
        Assert.Contains("hidden", error.Given, StringComparison.Ordinal);
        Assert.DoesNotContain("[secret]", error.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void A_plain_value_where_a_secret_is_required_is_not_echoed()
    {
        var errors = TestConfigs.ReadErrors(TestConfigs.Aws("dev", ("deploymentEnvSecrets", """{"STRIPE_KEY":"sk_live_123"}""")));
        Assert.DoesNotContain(errors, error => error.ToString().Contains("sk_live_123", StringComparison.Ordinal));
    }

    [Fact]
    public void A_secret_unknown_key_is_reported_without_its_value()
    {
        var error = Assert.Single(TestConfigs.ReadErrors(TestConfigs.Aws("dev").WithSecret("adminKey")));
        Assert.Equal("convex-infra:adminKey", error.Key);
        Assert.Contains("hidden", error.Given, StringComparison.Ordinal);
    }

    [Fact]
    public void A_key_without_namespace_is_an_error()
    {
        var config = TestConfigs.Aws("dev");
        config = config with { Values = new Dictionary<string, ConfigValue>(config.Values) { ["instanceName"] = new("acme") } };
        var error = Assert.Single(TestConfigs.ReadErrors(config));
        Assert.Equal("instanceName", error.Key);
        Assert.Contains("convex-infra:instanceName", error.Expected, StringComparison.Ordinal);
    }

    [Fact]
    public void Every_problem_is_reported_at_once()
    {
        var errors = TestConfigs.ReadErrors(TestConfigs.Aws("prod",
            ("instanceName", "Acme"), ("imageRevision", "latest"), ("domain", null), ("backupRetentionDays", "1"),
            ("sshAllowedCidrs", """["0.0.0.0/0"]"""), ("fargateCpu", "1024"), ("fargateMemoryMb", "999"), ("instanceTipe", "x")));

        Assert.Equal(
            ["backupRetentionDays", "domain", "fargateMemoryMb", "imageRevision", "instanceName", "instanceTipe", "sshAllowedCidrs"],
            errors.Select(e => e.Key["convex-infra:".Length..]).Order(StringComparer.Ordinal));
    }

    [Fact]
    public void An_invalid_fargate_cpu_does_not_also_blame_the_memory()
    {
        var errors = TestConfigs.ReadErrors(TestConfigs.Aws("dev", ("fargateCpu", "3000"), ("fargateMemoryMb", "6144")));
        Assert.Equal("convex-infra:fargateCpu", Assert.Single(errors).Key);
    }

    [Fact]
    public void Without_a_target_the_aws_only_requirements_are_not_guessed()
    {
        var errors = TestConfigs.ReadErrors(TestConfigs.Aws("dev", ("target", null), ("domain", null), ("aws:region", null)));
        Assert.Equal("convex-infra:target", Assert.Single(errors).Key);
    }
}
