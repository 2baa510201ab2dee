using System;
using System.Collections.Generic;
using ModelPack.Core.Errors;
using ModelPack.Core.References;

namespace ModelPack.Core.Registry;

/// <summary>
/// Decides which hosts may be reached over plain HTTP or with an unverified TLS certificate:
/// loopback registries (localhost, 127.0.0.0/8, ::1), registries the caller names, and those
/// registries.conf marks <c>insecure = true</c>. Names match exactly by host[:port], as podman's.
/// </summary>
internal sealed class InsecureRegistryPolicy
{
    private readonly HashSet<string> _named;
    private readonly RegistriesConf _conf;
    private readonly bool _loopbackIsInsecure;

    public InsecureRegistryPolicy(IEnumerable<string> namedInsecure, RegistriesConf conf, bool loopbackIsInsecure)
    {
        _named = new HashSet<string>(StringComparer.Ordinal);
        foreach (var name in namedInsecure)
        {
            _named.Add(RegistryAddress.TryParse(name, out var address, out _) ? address!.Key : name.Trim().ToLowerInvariant());
        }

        _conf = conf;
        _loopbackIsInsecure = loopbackIsInsecure;
    }

    public static bool IsLoopback(string host) => HostGrammar.IsLoopbackHost(host.Trim('[', ']'));

    public bool IsInsecure(RegistryAddress address) => IsInsecure(address.Host, address.Key);

    public bool IsInsecure(Uri uri)
    {
        var host = uri.Host.Trim('[', ']').ToLowerInvariant();
        var hostPart = host.IndexOf(':') >= 0 ? "[" + host + "]" : host;
        var key = uri.IsDefaultPort ? hostPart : hostPart + ":" + uri.Port.ToString(System.Globalization.CultureInfo.InvariantCulture);
        return IsInsecure(host, key);
    }

    /// <summary>Why a host is insecure, for verbose output; null when it is not.</summary>
    public string? Reason(RegistryAddress address)
    {
        if (_loopbackIsInsecure && IsLoopback(address.Host))
        {
            return "it is a loopback address";
        }

        if (_named.Contains(address.Key))
        {
            return "the caller named it insecure";
        }

        return _conf.IsInsecure(address.Key) ? $"registries.conf '{_conf.SourceOf(address.Key)}' marks it insecure" : null;
    }

    /// <summary>Throws InsecureRegistryRefused when <paramref name="uri"/> is plain HTTP to a host that is not insecure.</summary>
    public void EnsureTransportAllowed(Uri uri, string purpose)
    {
        if (string.Equals(uri.Scheme, "https", StringComparison.OrdinalIgnoreCase))
        {
            return;
        }

        if (!string.Equals(uri.Scheme, "http", StringComparison.OrdinalIgnoreCase))
        {
            throw new ModelPackException(
                ErrorIds.InsecureRegistryRefused,
                ErrorKind.SecurityError,
                $"Refusing {purpose} over '{uri.Scheme}': only https (or http for insecure registries) is supported.",
                SafeUrl.Format(uri));
        }

        if (!IsInsecure(uri))
        {
            var authority = uri.Authority;
            throw new ModelPackException(
                ErrorIds.InsecureRegistryRefused,
                ErrorKind.SecurityError,
                $"Refusing {purpose} over plain HTTP to '{authority}': it is not a loopback registry and not named insecure. " +
                $"Use https, or name '{authority}' insecure (parameter, configuration, or registries.conf 'insecure = true') if you trust the network.",
                SafeUrl.Format(uri));
        }
    }

    private bool IsInsecure(string host, string key) =>
        (_loopbackIsInsecure && IsLoopback(host)) || _named.Contains(key) || _conf.IsInsecure(key);
}
