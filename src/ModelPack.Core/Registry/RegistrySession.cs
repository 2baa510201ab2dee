using System;
using System.Threading;

namespace ModelPack.Core.Registry;

/// <summary>What the client learned about one registry: the scheme that works and its auth challenge.</summary>
internal sealed class RegistrySession : IDisposable
{
    public RegistrySession(RegistryAddress address) => Address = address;

    public RegistryAddress Address { get; }

    /// <summary><c>scheme://authority/</c> once the /v2/ ping succeeded; null before.</summary>
    public Uri? BaseUri { get; set; }

    /// <summary>The challenge of the last 401, or null when the registry answered anonymously.</summary>
    public AuthChallenge? Challenge { get; set; }

    public SemaphoreSlim ConnectLock { get; } = new(1, 1);

    public void Dispose() => ConnectLock.Dispose();
}
