namespace ConvexInfra.Core.Cost;

/// <summary>One priced item of a stack, e.g. <c>EC2 instance | t4g.small, 730 h × $0.0168 | 12.26</c>.</summary>
public sealed record CostLine(string Item, string Detail, decimal MonthlyUsd);

/// <summary>A monthly estimate: the lines, their sum (each line rounded to cents first) and what it leaves out.</summary>
public sealed record CostEstimate(IReadOnlyList<CostLine> Lines, decimal MonthlyTotalUsd, string Note);
