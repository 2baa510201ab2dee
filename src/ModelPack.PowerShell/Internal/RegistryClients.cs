using System;
using System.Collections.Generic;
using ModelPack.Core.References;
using ModelPack.Core.Registry;

namespace ModelPack.Internal;

/// <summary>
/// One <see cref="RegistryClient"/> per registry for the life of a cmdlet invocation (sharing its
/// connections and tokens across pipeline input), configured from the invocation's <see cref="RegistryAccess"/>.
/// A client reads its options once, and the credential belongs to the registry of each reference,
/// hence a client per registry.
/// </summary>
internal sealed class RegistryClients : IDisposable
{
    private readonly Dictionary<string, RegistryClient> _clients = new(StringComparer.OrdinalIgnoreCase);
    private readonly Action<string> _log;
    private readonly Action<string> _trace;

    /// <param name="access">Credential, TLS and retry choices of this invocation.</param>
    /// <param name="log">Verbose sink (the client never passes it secrets); called from any thread.</param>
    /// <param name="trace">Debug sink for HTTP requests and answers, redacted the same way; called from any thread.</param>
    public RegistryClients(RegistryAccess access, Action<string> log, Action<string> trace)
    {
        Access = access;
        _log = log;
        _trace = trace;
    }

    public RegistryAccess Access { get; }

    public RegistryClient For(ModelReference reference)
    {
        if (!_clients.TryGetValue(reference.Registry, out var client))
        {
            client = new RegistryClient(Access.OptionsFor(reference.Registry, _log, _trace));
            _clients[reference.Registry] = client;
        }

        return client;
    }

    public void Dispose()
    {
        foreach (var client in _clients.Values)
        {
            client.Dispose();
        }

        _clients.Clear();
    }
}
