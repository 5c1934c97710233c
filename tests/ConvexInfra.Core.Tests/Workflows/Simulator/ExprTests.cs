using System.Text.Json.Nodes;
using ConvexInfra.Core.Tests.Workflows.Simulator;

namespace ConvexInfra.Core.Tests.Workflows;

/// <summary>The simulator's expression evaluator: GitHub's semantics where the workflows rely on them, and a loud
/// failure for anything it does not know.</summary>
public sealed class ExprTests
{
    private static Expr.Scope Scope()
    {
        var steps = new JsonObject { ["s"] = new JsonObject { ["outputs"] = new JsonObject { ["sha"] = "abc" } } };
        return new(new Dictionary<string, JsonNode?>
        {
            ["vars"] = new JsonObject { ["ORG"] = "", ["STACKS"] = "[\"dev\",\"prod\"]" },
            ["github"] = new JsonObject { ["event_name"] = "push", ["event"] = new JsonObject { ["pull_request"] = null } },
            ["steps"] = steps.DeepClone(),
        });
    }

    [Theory]
    [InlineData("steps.s.outputs.sha", "abc")]
    [InlineData("vars.ORG != '' && format('{0}/{1}', vars.ORG, 'dev') || 'dev'", "dev")]
    [InlineData("vars.MISSING || 'eu-west-1'", "eu-west-1")]
    [InlineData("contains(fromJSON(vars.STACKS), 'prod')", "true")]
    [InlineData("contains(fromJSON(vars.STACKS), 'ecs')", "false")]
    [InlineData("github.event_name == 'PUSH'", "true")]
    [InlineData("github.event.pull_request.number || github.event_name", "push")]
    [InlineData("!(github.event_name == 'push')", "false")]
    [InlineData("toJSON(fromJSON(vars.STACKS))", "[\"dev\",\"prod\"]")]
    public void Evaluates_what_the_workflows_use(string expression, string expected) =>
        Assert.Equal(expected, Expr.ToText(Expr.Evaluate(expression, Scope())));

    [Theory]
    [InlineData("hashFiles('x')", "unknown function")]
    [InlineData("runner.os", "unknown context")]
    [InlineData("vars.ORG <= 1", "ordering")]
    [InlineData("fromJSON('[')", "fromJSON")]
    [InlineData("vars.ORG ==", "expected a value")]
    public void Fails_loudly_on_what_it_cannot_evaluate(string expression, string message)
    {
        var error = Assert.Throws<InvalidOperationException>(() => Expr.Evaluate(expression, Scope()));
        Assert.Contains(message, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_condition_without_a_status_function_implies_success()
    {
        var scope = Scope() with { Status = f => f == "always" };
        Assert.False(Expr.Condition("github.event_name == 'push'", scope));
        Assert.True(Expr.Condition("${{ always() && github.event_name == 'push' }}", scope));
    }
}
