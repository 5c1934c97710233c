using ConvexInfra.Core.Spec;

namespace ConvexInfra.Core.Tests.Spec;

public class SettingKeysTests
{
    [Fact]
    public void Keys_are_unique_described_and_exemplified()
    {
        Assert.Equal(SettingKeys.All.Count, SettingKeys.All.Select(k => k.FullName).Distinct().Count());
        Assert.All(SettingKeys.All, key =>
        {
            Assert.NotEmpty(key.Description);
            Assert.NotEmpty(key.Example);
            Assert.Matches("^[a-z][A-Za-z0-9]*$", key.Name);
        });
        Assert.Equal("aws:region", Assert.Single(SettingKeys.All, k => k.Namespace != SettingKeys.Namespace).FullName);
        Assert.Equal(SettingKeys.All.Count - 1, SettingKeys.Own.Count);
    }

    [Fact]
    public void The_issue_keys_are_all_present()
    {
        string[] expected =
        [
            "target", "tier", "instanceName", "imageRevision", "domain", "apiHostname", "siteHostname", "dashboardHostname",
            "hostedZoneId", "acmeEmail", "instanceType", "rootVolumeGb", "fargateCpu", "fargateMemoryMb", "fargateEphemeralStorageGb",
            "ecsSubnets", "database", "dbInstanceClass", "dbAllocatedStorageGb", "dbMaxAllocatedStorageGb", "dbMultiAz", "dbEngineVersion",
            "backupRetentionDays", "vpcCidr", "availabilityZones", "httpAllowedCidrs", "sshAllowedCidrs", "dashboardAllowedCidrs",
            "alarmEmail", "logRetentionDays", "documentRetentionDelaySeconds", "rustLog", "protectData", "instanceSecretVersion",
            "adminKeyVersion", "localApiPort", "localSitePort", "localDashboardPort", "tags", "convexAuth", "convexAuthSiteUrl", "convexAuthKeyVersion",
            "deploymentEnv", "deploymentEnvSecrets", "deploymentEnvPrune", "exportSchedule", "allowRevisionDowngrade", "storageMigrationConfirmed",
        ];
        Assert.Empty(expected.Except(SettingKeys.Own.Select(k => k.Name)));
    }

    [Fact]
    public void Every_key_is_documented_in_docs_spec_md()
    {
        var docs = File.ReadAllText(Path.Combine(RepoRootFinder.Find(), "docs", "spec.md"));
        Assert.All(SettingKeys.All, key => Assert.Contains($"`{key.FullName}`", docs, StringComparison.Ordinal));
    }

    /// <summary>
    /// Which targets a key applies to is stated twice, in its description (the source of the CLI help and the
    /// component schema) and in its docs/spec.md row; this compares the two.
    /// </summary>
    [Fact]
    public void The_targets_a_key_applies_to_agree_between_its_description_and_docs_spec_md()
    {
        var scope = new System.Text.RegularExpressions.Regex("^((?:aws-ec2|aws-ecs|local)(?: and (?:aws-ec2|aws-ecs|local))*):");
        var rows = File.ReadAllLines(Path.Combine(RepoRootFinder.Find(), "docs", "spec.md"))
            .Where(line => line.StartsWith("| `", StringComparison.Ordinal))
            .Select(line => line.Split(" | "))
            .Where(cells => cells.Length >= 4)
            .ToDictionary(cells => cells[0].TrimStart('|', ' ').Trim('`'), cells => cells[2].Replace("`", "", StringComparison.Ordinal));
        Assert.All(SettingKeys.All, key =>
        {
            var described = scope.Match(key.Description);
            var documented = scope.Match(rows[key.FullName]);
            Assert.True(described.Groups[1].Value == documented.Groups[1].Value,
                $"{key.FullName}: the description says '{described.Groups[1].Value}', docs/spec.md says '{documented.Groups[1].Value}'");
        });
    }

    [Fact]
    public void Scalar_examples_of_every_key_are_accepted_by_the_reader()
    {
        // Secret keys have a command as their example and are refused in plain text (SettingsSecretTests-style checks in their own tests).
        foreach (var key in SettingKeys.Own.Where(k => k.Shape == SettingShape.Scalar && !SettingKeys.SecretKeys.Contains(k)))
        {
            // convexAuth needs its SITE_URL and existingVpcId its subnets; every other key stands alone.
            (string, string?)[] changes = key == SettingKeys.ConvexAuth
                ? [(key.FullName, key.Example), (SettingKeys.ConvexAuthSiteUrl.FullName, SettingKeys.ConvexAuthSiteUrl.Example)]
                : key == SettingKeys.LocalBackupIntervalHours || key == SettingKeys.LocalBackupRetentionDays
                ? [(key.FullName, key.Example), (SettingKeys.LocalBackupDir.FullName, SettingKeys.LocalBackupDir.Example)]
                : key == SettingKeys.ExistingVpcId
                ? [(key.FullName, key.Example), (SettingKeys.PublicSubnetIds.FullName, SettingKeys.PublicSubnetIds.Example),
                    (SettingKeys.PrivateSubnetIds.FullName, SettingKeys.PrivateSubnetIds.Example)]
                : [(key.FullName, key.Example)];
            var config = TestConfigs.Aws("prod", changes);
            var result = SettingsReader.Read(config);
            Assert.True(result.IsValid, $"{key.FullName} example '{key.Example}': {result.ErrorReport}");
        }
    }

    [Theory]
    [InlineData("convex-infra:instanceNmae", "convex-infra:instanceName")]
    [InlineData("convex-infra:hostedZoneID", "convex-infra:hostedZoneId")]
    [InlineData("convex-infra:fargateMemory", "convex-infra:fargateMemoryMb")]
    [InlineData("convex-infra:sshAllowedCidr", "convex-infra:sshAllowedCidrs")]
    [InlineData("convex-infra:region", "aws:region")]
    public void Suggestions_pick_the_closest_key(string typo, string suggested)
    {
        Assert.Equal(suggested, KeySuggestions.Closest(typo, SettingKeys.All)?.FullName);
    }

    [Fact]
    public void Far_away_names_get_no_suggestion()
    {
        Assert.Null(KeySuggestions.Closest("convex-infra:kubernetesNamespace", SettingKeys.Own));
    }
}

internal static class RepoRootFinder
{
    public static string Find()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "ConvexInfra.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException("ConvexInfra.sln not found above " + AppContext.BaseDirectory);
    }
}
