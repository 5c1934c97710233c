using ConvexInfra.Core.Cost;
using ConvexInfra.Core.Spec;
using ConvexInfra.Core.Tests.Aws;

namespace ConvexInfra.Core.Tests.Cost;

public class CostEstimatorTests
{
    /// <summary>The deployment's own lines; backups and monitoring are checked in <see cref="OpsCostTests"/>.</summary>
    private static Dictionary<string, decimal> ByItem(CostEstimate estimate) =>
        estimate.Lines.Where(line => line.Category == CostCategory.Infrastructure).ToDictionary(line => line.Item, line => line.MonthlyUsd);

    private static decimal Infrastructure(CostEstimate estimate) => estimate.TotalOf(CostCategory.Infrastructure);

    [Fact]
    public void Dev_ec2_stack()
    {
        var estimate = CostEstimator.Estimate(AwsTestSpecs.DevEc2());

        Assert.Equal(
            new Dictionary<string, decimal>
            {
                ["EC2 instance"] = 12.26m,           // t4g.small 0.0168 × 730 = 12.264
                ["EBS gp3 root volume"] = 1.60m,     // 20 GB × 0.08
                ["Elastic IP"] = 3.65m,              // 0.005 × 730
                ["RDS PostgreSQL instance"] = 11.68m, // db.t4g.micro 0.016 × 730
                ["RDS storage"] = 2.30m,             // 20 GB × 0.115
                ["S3 storage"] = 0.23m,              // 10 GB × 0.023
                ["CloudWatch Logs"] = 0.50m,         // 1 GB × 0.50
                ["SSM Parameter Store"] = 0m,
                ["KMS key"] = 1.00m,                 // the stack key, 1 × 1.00
            },
            ByItem(estimate));
        Assert.Equal(33.22m, Infrastructure(estimate));
    }

    [Fact]
    public void Prod_ec2_stack_doubles_the_database_for_multi_az_and_pays_for_the_zone()
    {
        var estimate = CostEstimator.Estimate(AwsTestSpecs.ProdEc2());

        Assert.Equal(
            new Dictionary<string, decimal>
            {
                ["EC2 instance"] = 24.53m,            // t4g.medium 0.0336 × 730 = 24.528
                ["EBS gp3 root volume"] = 2.40m,      // 30 GB × 0.08
                ["Elastic IP"] = 3.65m,
                ["RDS PostgreSQL instance"] = 94.90m, // db.t4g.medium 0.065 × 730 × 2
                ["RDS storage"] = 11.50m,             // 50 GB × 0.115 × 2
                ["S3 storage"] = 0.23m,
                ["CloudWatch Logs"] = 0.50m,
                ["Route 53 hosted zone"] = 0.50m,
                ["SSM Parameter Store"] = 0m,
                ["KMS key"] = 1.00m,                 // the stack key, 1 × 1.00
            },
            ByItem(estimate));
        Assert.Equal(139.21m, Infrastructure(estimate));
        Assert.Contains("Multi-AZ", estimate.Lines.Single(l => l.Item == "RDS PostgreSQL instance").Detail);
    }

    [Fact]
    public void Ecs_stack_in_public_subnets_pays_for_fargate_the_load_balancer_and_public_addresses()
    {
        var estimate = CostEstimator.Estimate(AwsTestSpecs.ProdEcs(EcsSubnetPlacement.Public));
        var lines = ByItem(estimate);

        Assert.Equal(47.27m, lines["Fargate vCPU (ARM)"]);          // 2 × 730 × 0.03238 = 47.2748
        Assert.Equal(10.40m, lines["Fargate memory (ARM)"]);        // 4 × 730 × 0.00356 = 10.3952
        Assert.Equal(0.81m, lines["Fargate ephemeral storage"]);    // (30 - 20) × 730 × 0.000111 = 0.8103
        Assert.Equal(16.43m, lines["Application Load Balancer"]);   // 730 × 0.0225 = 16.425
        Assert.Equal(5.84m, lines["Load balancer capacity units"]); // 1 × 730 × 0.008
        Assert.Equal(7.30m, lines["Load balancer public IPv4"]);    // 2 zones × 3.65
        Assert.Equal(7.30m, lines["Task public IPv4"]);              // backend and dashboard tasks × 3.65
        Assert.Equal(7.21m, lines["Dashboard task (Fargate ARM)"]);  // (0.25 × 0.03238 + 0.5 × 0.00356) × 730 = 7.2085
        Assert.False(lines.ContainsKey("NAT gateway"));
        Assert.False(lines.ContainsKey("EC2 instance"));
        Assert.False(lines.ContainsKey("Elastic IP"));
        Assert.Equal(211.19m, Infrastructure(estimate));
    }

    [Fact]
    public void Ecs_stack_in_private_subnets_adds_a_nat_gateway_instead_of_the_task_address()
    {
        var estimate = CostEstimator.Estimate(AwsTestSpecs.ProdEcs(EcsSubnetPlacement.PrivateWithNat));
        var lines = ByItem(estimate);

        Assert.Equal(32.85m, lines["NAT gateway"]); // 730 × 0.045
        Assert.Equal(3.65m, lines["NAT gateway public IPv4"]);
        Assert.False(lines.ContainsKey("Task public IPv4"));
        Assert.Equal(240.39m, Infrastructure(estimate));
        // NAT gateway and its address instead of the two tasks' public addresses: 32.85 + 3.65 - 7.30.
        Assert.Equal(29.20m, estimate.MonthlyTotalUsd - CostEstimator.Estimate(AwsTestSpecs.ProdEcs(EcsSubnetPlacement.Public)).MonthlyTotalUsd);
    }

    [Fact]
    public void No_extra_ephemeral_storage_line_within_the_free_20_gb()
    {
        var spec = AwsTestSpecs.ProdEcs(EcsSubnetPlacement.Public);
        spec = spec with { Compute = spec.Compute with { FargateEphemeralStorageGb = 20 } };

        Assert.DoesNotContain(CostEstimator.Estimate(spec).Lines, line => line.Item == "Fargate ephemeral storage");
    }

    [Fact]
    public void Total_is_the_sum_of_the_shown_lines()
    {
        foreach (var spec in new[] { AwsTestSpecs.DevEc2(), AwsTestSpecs.ProdEc2(), AwsTestSpecs.ProdEcs(EcsSubnetPlacement.PrivateWithNat) })
        {
            var estimate = CostEstimator.Estimate(spec);
            Assert.Equal(estimate.Lines.Sum(line => line.MonthlyUsd), estimate.MonthlyTotalUsd);
            Assert.All(estimate.Lines, line => Assert.Equal(Math.Round(line.MonthlyUsd, 2), line.MonthlyUsd));
            Assert.All(estimate.Lines, line => Assert.False(string.IsNullOrWhiteSpace(line.Detail)));
        }
    }

    [Fact]
    public void Local_target_costs_nothing()
    {
        var estimate = CostEstimator.Estimate(AwsTestSpecs.Local());

        Assert.Equal(0m, estimate.MonthlyTotalUsd);
        Assert.Equal(0m, Assert.Single(estimate.Lines).MonthlyUsd);
    }

    [Fact]
    public void Unknown_instance_type_names_the_key_and_the_known_types()
    {
        var spec = AwsTestSpecs.DevEc2();
        spec = spec with { Compute = spec.Compute with { Ec2InstanceType = "x9g.huge" } };

        var error = Assert.Throws<ArgumentException>(() => CostEstimator.Estimate(spec));

        Assert.StartsWith("convex-infra:instanceType: got 'x9g.huge'", error.Message);
        Assert.Contains("t4g.small, t4g.xlarge", error.Message);
        Assert.Contains("m7g.large", error.Message);
        Assert.Contains("Example: t4g.medium", error.Message);
    }

    [Fact]
    public void Unknown_database_class_names_the_key_and_the_known_classes()
    {
        var spec = AwsTestSpecs.DevEc2();
        spec = spec with { Database = spec.Database with { InstanceClass = "db.r5.24xlarge" } };

        var error = Assert.Throws<ArgumentException>(() => CostEstimator.Estimate(spec));

        Assert.StartsWith("convex-infra:dbInstanceClass: got 'db.r5.24xlarge'", error.Message);
        Assert.Contains("db.m7g.large, db.t4g.large, db.t4g.medium, db.t4g.micro, db.t4g.small, db.t4g.xlarge", error.Message);
    }

    [Fact]
    public void Ecs_does_not_need_an_ec2_price()
    {
        var spec = AwsTestSpecs.ProdEcs(EcsSubnetPlacement.Public);
        spec = spec with { Compute = spec.Compute with { Ec2InstanceType = "unused" } };

        Assert.Equal(211.19m, Infrastructure(CostEstimator.Estimate(spec)));
    }

    [Fact]
    public void Note_says_the_prices_are_us_east_1_and_flags_other_regions()
    {
        Assert.Contains("us-east-1 on-demand list prices", CostEstimator.Estimate(AwsTestSpecs.DevEc2()).Note);
        Assert.DoesNotContain("prices differ", CostEstimator.Estimate(AwsTestSpecs.DevEc2()).Note);

        var frankfurt = CostEstimator.Estimate(AwsTestSpecs.DevEc2() with { Region = "eu-central-1" });
        Assert.Contains("This stack runs in eu-central-1, where prices differ", frankfurt.Note);
        Assert.Equal(33.22m, Infrastructure(frankfurt));
    }
}
