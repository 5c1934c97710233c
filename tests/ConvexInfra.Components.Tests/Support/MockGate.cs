using Pulumi.Testing;

namespace ConvexInfra.Components.Tests.Support;

/// <summary>
/// Wraps the mocks and holds the registration of every resource the predicate matches until <see cref="Release"/>.
/// The SDK sends a resource to the engine only after everything it depends on (inputs and <c>DependsOn</c>) has
/// registered, so what is not requested while the gate holds waits for the held resource. Every request and every
/// answer is recorded in one sequence, so a test can also check the order after the release.
/// </summary>
internal sealed class MockGate(Func<MockResourceArgs, bool> holds)
{
    private readonly Func<MockResourceArgs, bool> _holds = holds;
    private readonly Lock _sync = new();
    private readonly List<GateEvent> _events = [];
    private readonly TaskCompletionSource _held = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource _released = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>
    /// How long the program must register nothing new before it counts as stuck on the gate. Long enough for a fully
    /// loaded 2-core machine: the stack key's policy waits on role ARNs, so some secrets register late in the run.
    /// </summary>
    public static readonly TimeSpan Quiet = TimeSpan.FromMilliseconds(1500);

    /// <summary>Upper bound for any wait, so a broken program fails the test instead of hanging it.</summary>
    public static readonly TimeSpan Timeout = TimeSpan.FromSeconds(60);

    public static MockGate ForType(string type) => new(args => args.Type == type);

    /// <summary>Everything requested so far, in order (held resources included).</summary>
    public IReadOnlyList<MockResourceArgs> Requested
    {
        get
        {
            lock (_sync)
            {
                return _events.Where(e => e.Kind == GateEventKind.Requested).Select(e => e.Resource).ToList();
            }
        }
    }

    public bool IsReleased => _released.Task.IsCompleted;

    /// <summary>The mocks as the SDK sees them: <paramref name="inner"/> behind the gate.</summary>
    public IMocks Around(IMocks inner) => new Gated(this, inner);

    /// <summary>
    /// Waits until a held resource was requested and then until the program registers nothing new for
    /// <see cref="Quiet"/>: whatever is missing by then waits for something held. Fails if the program ends (or
    /// fails) before anything was held.
    /// </summary>
    public async Task WaitUntilStuckAsync(Task program)
    {
        var first = await Task.WhenAny(_held.Task, program).WaitAsync(Timeout);
        if (first != _held.Task)
        {
            await program; // surfaces the program's own error, if any
            Assert.Fail("The program finished without requesting a resource the gate holds; the gate's predicate matches nothing.");
        }

        var seen = -1;
        var deadline = DateTime.UtcNow + Timeout;
        while (DateTime.UtcNow < deadline)
        {
            int count;
            lock (_sync)
            {
                count = _events.Count;
            }

            if (count == seen)
            {
                return;
            }

            seen = count;
            await Task.Delay(Quiet);
        }

        Assert.Fail($"The program kept registering for {Timeout.TotalSeconds} s while the gate held.");
    }

    /// <summary>Waits (bounded) until a matching resource is requested; true if it was, while still held.</summary>
    public async Task<bool> RequestedWhileHeldAsync(Func<MockResourceArgs, bool> match)
    {
        var deadline = DateTime.UtcNow + Timeout;
        while (DateTime.UtcNow < deadline && !IsReleased)
        {
            if (Requested.Any(match))
            {
                return true;
            }

            await Task.Delay(50);
        }

        return false;
    }

    public void Release() => _released.TrySetResult();

    /// <summary>
    /// Index of the first request of a matching resource in the whole sequence, and of the last answer to a held
    /// resource: a dependent's request must come after the held resources were answered.
    /// </summary>
    public void AssertRequestedAfterHeldAnswered(Func<MockResourceArgs, bool> dependent, string what)
    {
        lock (_sync)
        {
            var lastHeldAnswer = _events.FindLastIndex(e => e.Kind == GateEventKind.Answered && _holds(e.Resource));
            var firstRequest = _events.FindIndex(e => e.Kind == GateEventKind.Requested && dependent(e.Resource));
            Assert.True(lastHeldAnswer >= 0, "no held resource was answered");
            Assert.True(firstRequest >= 0, $"{what} was never requested");
            Assert.True(firstRequest > lastHeldAnswer, $"{what} was requested (event {firstRequest}) before the held resources were answered (event {lastHeldAnswer})");
        }
    }

    private void Record(GateEventKind kind, MockResourceArgs resource)
    {
        lock (_sync)
        {
            _events.Add(new GateEvent(kind, resource));
        }
    }

    private enum GateEventKind
    {
        Requested,
        Answered,
    }

    private sealed record GateEvent(GateEventKind Kind, MockResourceArgs Resource);

    private sealed class Gated(MockGate gate, IMocks inner) : IMocks
    {
        public async Task<(string? id, object state)> NewResourceAsync(MockResourceArgs args)
        {
            gate.Record(GateEventKind.Requested, args);
            if (gate._holds(args))
            {
                gate._held.TrySetResult();
                await gate._released.Task;
            }

            var answer = await inner.NewResourceAsync(args);
            gate.Record(GateEventKind.Answered, args);
            return answer;
        }

        public Task<object> CallAsync(MockCallArgs args) => inner.CallAsync(args);

        public Task RegisterResourceOutputs(MockRegisterResourceOutputsRequest args) => inner.RegisterResourceOutputs(args);
    }
}
