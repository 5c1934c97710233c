namespace ConvexInfra.Core.AdminKeys;

/// <summary>Who an admin key speaks for: a member (member 0 is the generic self-hosted admin) or the system.</summary>
public sealed record AdminKeyIdentity
{
    private AdminKeyIdentity(bool isSystem, ulong memberId)
    {
        IsSystem = isSystem;
        MemberId = memberId;
    }

    public static AdminKeyIdentity System { get; } = new(true, 0);

    public bool IsSystem { get; }

    /// <summary>The member id; 0 for the system identity, where it has no meaning.</summary>
    public ulong MemberId { get; }

    public static AdminKeyIdentity Member(ulong memberId) => new(false, memberId);

    public override string ToString() => IsSystem ? "system" : $"member {MemberId}";
}
