using ConvexInfra.Core.DeploymentEnv;

namespace ConvexInfra.Core.Tests.DeploymentEnv;

public sealed class EnvChangePlannerTests
{
    private static Dictionary<string, string> Map(params (string Name, string Value)[] pairs) =>
        pairs.ToDictionary(p => p.Name, p => p.Value, StringComparer.Ordinal);

    [Fact]
    public void Unchanged_values_give_no_change()
    {
        var env = Map(("A", "1"), ("B", "two"));
        var plan = EnvChangePlanner.Plan(env, Map(("B", "two"), ("A", "1")), prune: true);

        Assert.True(plan.IsEmpty);
        Assert.Equal(["A", "B"], plan.Unchanged);
    }

    [Fact]
    public void New_and_different_values_are_set_in_name_order()
    {
        var plan = EnvChangePlanner.Plan(Map(("Z", "new"), ("A", "changed"), ("M", "same")), Map(("A", "old"), ("M", "same")), prune: false);

        Assert.Equal(["Z"], plan.Added);
        Assert.Equal(["A"], plan.Changed);
        Assert.Equal([new EnvChange("A", "changed"), new EnvChange("Z", "new")], plan.Changes);
    }

    [Fact]
    public void Values_compare_exactly()
    {
        var plan = EnvChangePlanner.Plan(Map(("A", "x ")), Map(("A", "x")), prune: false);
        Assert.Equal(["A"], plan.Changed);
    }

    [Fact]
    public void Without_prune_extra_variables_are_kept_and_reported()
    {
        var plan = EnvChangePlanner.Plan(Map(("A", "1")), Map(("A", "1"), ("HAND_SET", "x")), prune: false);

        Assert.True(plan.IsEmpty);
        Assert.Empty(plan.Removed);
        Assert.Equal(["HAND_SET"], plan.KeptUnmanaged);
    }

    [Fact]
    public void With_prune_extra_variables_are_unset_after_the_sets()
    {
        var plan = EnvChangePlanner.Plan(Map(("B", "2")), Map(("A", "1"), ("C", "3")), prune: true);

        Assert.Equal([new EnvChange("B", "2"), new EnvChange("A", null), new EnvChange("C", null)], plan.Changes);
        Assert.Equal(["A", "C"], plan.Removed);
        Assert.Empty(plan.KeptUnmanaged);
    }

    [Fact]
    public void An_empty_desired_map_with_prune_unsets_everything()
    {
        var plan = EnvChangePlanner.Plan(Map(), Map(("A", "1")), prune: true);
        Assert.Equal([new EnvChange("A", null)], plan.Changes);
    }

    [Fact]
    public void Describe_lists_names_and_never_values()
    {
        var plan = EnvChangePlanner.Plan(Map(("NEW", "s3cr3t-new"), ("CHG", "s3cr3t-chg"), ("SAME", "s3cr3t-same")), Map(("CHG", "old-s3cr3t"), ("SAME", "s3cr3t-same"), ("GONE", "s3cr3t-gone")), prune: true);
        var text = plan.Describe();

        Assert.Equal("+ NEW\n~ CHG\n- GONE\n= SAME\n1 to add, 1 to change, 1 to unset, 1 unchanged, 0 kept.\n", text);
        Assert.DoesNotContain("s3cr3t", text, StringComparison.Ordinal);
        Assert.DoesNotContain("s3cr3t", string.Join(",", plan.Changes), StringComparison.Ordinal);
    }

    [Fact]
    public void An_invalid_name_is_refused_with_the_name()
    {
        var e = Assert.Throws<ArgumentException>(() => EnvChangePlanner.Plan(Map(("1BAD", "x")), Map(), prune: false));
        Assert.Contains("'1BAD'", e.Message, StringComparison.Ordinal);
        Assert.Contains("start with a letter", e.Message, StringComparison.Ordinal);
    }
}
