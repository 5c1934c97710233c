using System.Text.Json;
using ConvexInfra.Core.Cost;

namespace ConvexInfra.Core.Tests.Cost;

public class PriceTableTests
{
    [Fact]
    public void Embedded_table_is_us_east_1_with_source_and_date()
    {
        var table = PriceTable.UsEast1();

        Assert.Equal("us-east-1", table.Region);
        Assert.Equal("USD", table.Currency);
        Assert.Equal(730, table.HoursPerMonth);
        Assert.Contains("aws.amazon.com", table.Source);
        Assert.Matches("^20[0-9]{2}-[0-9]{2}$", table.AsOf);
        Assert.Contains("us-east-1 list prices", table.Note);
    }

    [Fact]
    public void Embedded_table_prices_every_size_the_tiers_use()
    {
        var table = PriceTable.UsEast1();

        foreach (var type in new[] { "t4g.small", "t4g.medium", "t4g.large", "t4g.xlarge", "m7g.large" })
        {
            Assert.True(table.Ec2InstanceHourly[type] > 0, type);
        }

        foreach (var dbClass in new[] { "db.t4g.micro", "db.t4g.small", "db.t4g.medium", "db.t4g.large", "db.m7g.large" })
        {
            Assert.True(table.RdsPostgresInstanceHourlySingleAz[dbClass] > 0, dbClass);
        }

        Assert.Equal(0.0168m, table.Ec2InstanceHourly["t4g.small"]);
        Assert.Equal(0.016m, table.RdsPostgresInstanceHourlySingleAz["db.t4g.micro"]);
    }

    [Fact]
    public void Bigger_sizes_never_cost_less()
    {
        var table = PriceTable.UsEast1();
        string[] ec2 = ["t4g.nano", "t4g.micro", "t4g.small", "t4g.medium", "t4g.large", "t4g.xlarge", "t4g.2xlarge"];
        string[] rds = ["db.t4g.micro", "db.t4g.small", "db.t4g.medium", "db.t4g.large", "db.t4g.xlarge"];

        Assert.Equal(ec2.Select(t => table.Ec2InstanceHourly[t]).Order(), ec2.Select(t => table.Ec2InstanceHourly[t]));
        Assert.Equal(rds.Select(t => table.RdsPostgresInstanceHourlySingleAz[t]).Order(), rds.Select(t => table.RdsPostgresInstanceHourlySingleAz[t]));
    }

    [Fact]
    public void A_table_missing_a_price_is_refused()
    {
        var json = ReadEmbeddedJson().Replace("\"natGatewayHourly\": 0.045,", "", StringComparison.Ordinal);

        var error = Assert.Throws<JsonException>(() => PriceTable.Parse(json));
        Assert.Contains("natGatewayHourly", error.Message);
    }

    [Fact]
    public void A_table_with_an_unknown_field_is_refused()
    {
        var json = ReadEmbeddedJson().Replace("\"natGatewayHourly\"", "\"natGatewayHourlyTypo\": 1, \"natGatewayHourly\"", StringComparison.Ordinal);

        var error = Assert.Throws<JsonException>(() => PriceTable.Parse(json));
        Assert.Contains("natGatewayHourlyTypo", error.Message);
    }

    [Fact]
    public void Estimates_use_the_table_they_are_given()
    {
        var table = PriceTable.UsEast1();
        var cheap = table with { Rates = table.Rates with { PublicIpv4Hourly = 0m } };

        var estimate = CostEstimator.Estimate(Aws.AwsTestSpecs.DevEc2(), cheap);

        Assert.Equal(0m, estimate.Lines.Single(line => line.Item == "Elastic IP").MonthlyUsd);
        Assert.Equal(33.22m - 3.65m, estimate.TotalOf(CostCategory.Infrastructure));
        Assert.Equal(CostEstimator.Estimate(Aws.AwsTestSpecs.DevEc2()).MonthlyTotalUsd - 3.65m, estimate.MonthlyTotalUsd);
    }

    private static string ReadEmbeddedJson()
    {
        var assembly = typeof(PriceTable).Assembly;
        var name = assembly.GetManifestResourceNames().Single(n => n.EndsWith("prices-us-east-1.json", StringComparison.Ordinal));
        using var reader = new StreamReader(assembly.GetManifestResourceStream(name)!);
        return reader.ReadToEnd();
    }
}
