namespace ConvexInfra.Core.AdminKeys;

/// <summary>
/// The decoded <c>convex_keys.AdminKey</c> protobuf: field 1 instance_name (optional; legacy keys only),
/// 2 issued_s, oneof identity {3 member_id, 4 system}, 5 is_read_only. Zero and null mean "absent",
/// exactly as the backend reads them.
/// </summary>
public sealed record AdminKeyClaims(
    string? InstanceName,
    ulong IssuedAtUnixSeconds,
    AdminKeyIdentity? Identity,
    bool ReadOnly);
