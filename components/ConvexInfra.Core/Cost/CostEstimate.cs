namespace ConvexInfra.Core.Cost;

/// <summary>What a cost line pays for: the deployment itself, its backups or its monitoring.</summary>
public static class CostCategory
{
    public const string Infrastructure = "infrastructure";
    public const string Backups = "backups";
    public const string Monitoring = "monitoring";
}

/// <summary>One priced item of a stack, e.g. <c>EC2 instance | t4g.small, 730 h × $0.0168 | 12.26</c>.</summary>
public sealed record CostLine(string Item, string Detail, decimal MonthlyUsd, string Category = CostCategory.Infrastructure);

/// <summary>A monthly estimate: the lines, their sum (each line rounded to cents first) and what it leaves out.</summary>
public sealed record CostEstimate(IReadOnlyList<CostLine> Lines, decimal MonthlyTotalUsd, string Note)
{
    /// <summary>The sum of one category's lines.</summary>
    public decimal TotalOf(string category) => Lines.Where(l => l.Category == category).Sum(l => l.MonthlyUsd);
}
