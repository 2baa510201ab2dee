using System;

namespace ModelPack.Core.Registry;

/// <summary>A registry token and when this client stops using it.</summary>
internal sealed class BearerToken
{
    public BearerToken(string value, DateTimeOffset renewAfter)
    {
        Value = value;
        RenewAfter = renewAfter;
    }

    public string Value { get; }

    /// <summary>Issue time plus expires_in, less a safety margin.</summary>
    public DateTimeOffset RenewAfter { get; }

    public override string ToString() => $"token (hidden), renewed after {RenewAfter:u}";
}
