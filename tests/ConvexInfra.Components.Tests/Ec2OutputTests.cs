using System.Collections.Immutable;
using ConvexInfra.Components.Tests.Support;
using ConvexInfra.Core.AdminKeys;
using ConvexInfra.Core.Naming;
using ConvexInfra.Core.Outputs;
using Pulumi;
using Pulumi.Utilities;

namespace ConvexInfra.Components.Tests;

/// <summary>The output contract, its secrecy, the admin key and DNS for every aws-ec2 stack file.</summary>
[Collection(PulumiDeployments.Name)]
public sealed class Ec2OutputTests(StackRuns runs) : IClassFixture<StackRuns>
{
    public static TheoryData<string> Stacks() => StackFiles.Ec2Stacks();

    [Theory]
    [MemberData(nameof(Stacks))]
    public async Task Every_contract_output_exists_and_secret_ones_are_secret(string stack)
    {
        var run = await runs.GetAsync(stack);

        string[] awsOutputs = [StackOutputNames.DatabaseEndpoint, StackOutputNames.Buckets, StackOutputNames.DnsRecords, StackOutputNames.SecretParameters];
        foreach (var name in StackOutputNames.Required.Concat(awsOutputs))
        {
            Assert.True(run.Outputs.ContainsKey(name), $"output {name} is missing");
            Assert.NotNull(run.Outputs[name]);
        }

        foreach (var name in StackOutputNames.Secret)
        {
            var output = Assert.IsType<Output<string>>(run.Outputs[name]);
            Assert.True(await Output.IsSecretAsync(output), $"output {name} must be secret");
        }

        var endpoint = Assert.IsType<Output<string>>(run.Outputs[StackOutputNames.DatabaseEndpoint]);
        Assert.False(await Output.IsSecretAsync(endpoint));
        Assert.EndsWith(".rds.amazonaws.com", await OutputUtilities.GetValueAsync(endpoint), StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(Stacks))]
    public async Task Plain_outputs_describe_the_stack(string stack)
    {
        var run = await runs.GetAsync(stack);
        var spec = run.Spec;

        Assert.Equal($"https://{spec.Endpoints.ApiHostname}", run.Outputs[StackOutputNames.ApiUrl]);
        Assert.Equal($"https://{spec.Endpoints.SiteHostname}", run.Outputs[StackOutputNames.SiteUrl]);
        Assert.Equal($"https://{spec.Endpoints.DashboardHostname}", run.Outputs[StackOutputNames.DashboardUrl]);
        Assert.Equal("aws-ec2", run.Outputs[StackOutputNames.Target]);
        Assert.Equal(spec.InstanceName, run.Outputs[StackOutputNames.InstanceName]);
        Assert.Equal(stack, run.Outputs[StackOutputNames.Stack]);
        Assert.Equal(spec.Region, run.Outputs[StackOutputNames.Region]);
        Assert.Equal(spec.ImageRevision, run.Outputs[StackOutputNames.ImageRevision]);

        var buckets = await OutputUtilities.GetValueAsync(
            Assert.IsType<Output<ImmutableDictionary<string, object>>>(run.Outputs[StackOutputNames.Buckets]));
        Assert.Equal(new[] { "exports", "files", "modules", "search", "snapshotImports" }, buckets.Keys.Order(StringComparer.Ordinal));
        var bucketIds = run.OfType("aws:s3/bucket:Bucket").Where(b => b.Name!.Contains("-storage-", StringComparison.Ordinal)).Select(run.IdOf).Order(StringComparer.Ordinal);
        Assert.Equal(bucketIds, buckets.Values.Cast<string>().Order(StringComparer.Ordinal));

        var parameters = Assert.IsType<ImmutableDictionary<string, object>>(run.Outputs[StackOutputNames.SecretParameters]);
        Assert.Equal(ResourceNames.SecretParameters(spec).AdminKey, parameters["adminKey"]);
    }

    [Theory]
    [MemberData(nameof(Stacks))]
    public async Task Admin_key_is_valid_for_the_instance_and_pinned_to_state(string stack)
    {
        var run = await runs.GetAsync(stack);
        var key = await Ec2SecurityTests.OutputValue(run, StackOutputNames.AdminKey);

        var verification = AdminKeyVerifier.Verify(run.Spec.InstanceName, InstanceSecret.Parse(MockValues.InstanceSecretHex), key);
        Assert.True(verification.Accepted, verification.Message);

        // The issue time comes from the RandomInteger in state, not from the clock of this run.
        var issuedAt = run.Single("random:index/randomInteger:RandomInteger");
        Assert.Equal(issuedAt.Number("min"), issuedAt.Number("max"));
        Assert.Equal((ulong)issuedAt.Number("min")!.Value, verification.IssuedAtUnixSeconds);
        Assert.StartsWith($"{run.Spec.InstanceName}|", key, StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(Stacks))]
    public async Task Dns_records_are_created_in_the_zone_or_listed_for_hand_creation(string stack)
    {
        var run = await runs.GetAsync(stack);
        var spec = run.Spec;
        var listed = await OutputUtilities.GetValueAsync(
            Assert.IsType<Output<ImmutableArray<object>>>(run.Outputs[StackOutputNames.DnsRecords]));
        var hostnames = new[] { spec.Endpoints.ApiHostname, spec.Endpoints.SiteHostname, spec.Endpoints.DashboardHostname }
            .Order(StringComparer.Ordinal)
            .ToList();

        var records = run.OfType("aws:route53/record:Record").ToList();
        if (spec.Dns is { } dns)
        {
            Assert.Empty(listed);
            Assert.Equal(hostnames, records.Select(r => r.Text("name") ?? "").Order(StringComparer.Ordinal));
            Assert.All(records, record =>
            {
                Assert.Equal(dns.HostedZoneId, record.Text("zoneId"));
                Assert.Equal("A", record.Text("type"));
                Assert.Equal(new[] { MockValues.ElasticIp }, record.List("records").Cast<string>());
            });
        }
        else
        {
            Assert.Empty(records);
            var rows = listed.Cast<IDictionary<string, object>>().ToList();
            Assert.Equal(hostnames, rows.Select(r => (string)r["name"]).Order(StringComparer.Ordinal));
            Assert.All(rows, row => Assert.Equal(MockValues.ElasticIp, row["value"]));
        }
    }

    [Theory]
    [MemberData(nameof(Stacks))]
    public async Task Host_reads_its_release_from_the_non_secret_parameter(string stack)
    {
        var run = await runs.GetAsync(stack);
        var release = Assert.Single(run.OfType("aws:ssm/parameter:Parameter"), p => p.Text("name")?.EndsWith("/release", StringComparison.Ordinal) == true);

        Assert.Equal(ResourceNames.ReleaseParameter(run.Spec), release.Text("name"));
        Assert.Equal("Intelligent-Tiering", release.Text("tier"));
        Assert.Contains(run.Spec.ImageRevision, release.Text("insecureValue"), StringComparison.Ordinal);
        Assert.Null(release.Text("value"));

        // The host's only parameter reads at deploy time are the AMI and the revision history; the release goes the other way (written, not read).
        var reads = run.Calls.Where(c => c.Token == "aws:ssm/getParameter:getParameter").Select(c => (string)c.Args["name"]).ToList();
        Assert.Equal([Components.Aws.Ec2Host.AmiParameter, Core.Ops.RevisionHistory.ParameterName(run.Spec)], reads.Order(StringComparer.Ordinal));
        Assert.DoesNotContain(ResourceNames.ReleaseParameter(run.Spec), reads);
    }
}
