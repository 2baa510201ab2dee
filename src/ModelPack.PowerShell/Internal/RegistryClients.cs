using System;
using System.Collections.Generic;
using System.Management.Automation;
using ModelPack.Core.References;
using ModelPack.Core.Registry;

namespace ModelPack.Internal;

/// <summary>
/// One <see cref="RegistryClient"/> per registry for the life of a cmdlet invocation (sharing its
/// connections and tokens across pipeline input), configured from -Credential, -SkipTlsVerify and the config file's insecureRegistries.
/// A client reads its options once, and the credential belongs to the registry of each reference,
/// hence a client per registry.
/// </summary>
internal sealed class RegistryClients : IDisposable
{
    private readonly Dictionary<string, RegistryClient> _clients = new(StringComparer.OrdinalIgnoreCase);
    private readonly PSCredential? _credential;
    private readonly bool _skipTlsVerify;
    private readonly IReadOnlyList<string> _insecureRegistries;
    private readonly Action<string> _log;

    /// <param name="credential">Sent only to the registry of the reference being processed.</param>
    /// <param name="skipTlsVerify">Allows plain HTTP and unverified TLS for the registries used.</param>
    /// <param name="insecureRegistries">Registries the config file allows over plain HTTP or unverified TLS.</param>
    /// <param name="log">Verbose sink (the client never passes it secrets); called from any thread.</param>
    public RegistryClients(PSCredential? credential, bool skipTlsVerify, IReadOnlyList<string> insecureRegistries, Action<string> log)
    {
        _credential = credential;
        _skipTlsVerify = skipTlsVerify;
        _insecureRegistries = insecureRegistries;
        _log = log;
    }

    public RegistryClient For(ModelReference reference)
    {
        if (_clients.TryGetValue(reference.Registry, out var existing))
        {
            return existing;
        }

        var options = new RegistryClientOptions { Log = _log };
        if (_credential is not null && _credential != PSCredential.Empty)
        {
            options.Credentials[reference.Registry] = new RegistryCredential(UserNameOf(_credential), _credential.GetNetworkCredential().Password ?? string.Empty);
        }

        foreach (var registry in _insecureRegistries)
        {
            options.InsecureRegistries.Add(registry);
        }

        if (_skipTlsVerify)
        {
            options.InsecureRegistries.Add(reference.Registry);
        }

        var client = new RegistryClient(options);
        _clients[reference.Registry] = client;
        return client;
    }

    // Windows PowerShell's Get-Credential prefixes a user typed without a domain with '\'.
    private static string UserNameOf(PSCredential credential) => credential.UserName.TrimStart('\\');

    public void Dispose()
    {
        foreach (var client in _clients.Values)
        {
            client.Dispose();
        }

        _clients.Clear();
    }
}
