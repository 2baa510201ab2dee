using System;
using ModelPack.Core.References;

namespace ModelPack.Core.Registry;

/// <summary>
/// Where to reach a registry: its <see cref="RegistryHost"/> (the reference grammar's host[:port], normalised,
/// Docker Hub folded into docker.io and served from registry-1.docker.io) and, when the caller spelled one,
/// the scheme of an <c>http://</c> or <c>https://</c> prefix.
/// </summary>
internal sealed class RegistryAddress
{
    public const string DockerHub = DockerHubNames.Name;

    private readonly RegistryHost _host;

    private RegistryAddress(RegistryHost host, string? explicitScheme)
    {
        _host = host;
        ExplicitScheme = explicitScheme;
    }

    /// <summary>Lower-case host without brackets.</summary>
    public string Host => _host.Host;

    public int? Port => _host.Port;

    /// <summary>"http" or "https" when the caller spelled a scheme.</summary>
    public string? ExplicitScheme { get; }

    /// <summary><c>host[:port]</c> as auth files and insecure lists name the registry (docker.io for Docker Hub).</summary>
    public string Key => _host.Key;

    /// <summary>The <c>host[:port]</c> the API is served from.</summary>
    public string ApiAuthority => _host.ApiAuthority;

    public bool IsDockerHub => _host.IsDockerHub;

    public static RegistryAddress Parse(string registry)
    {
        if (!TryParse(registry, out var address, out var error))
        {
            throw ReferenceMessages.Invalid(error, registry);
        }

        return address!;
    }

    public static bool TryParse(string? registry, out RegistryAddress? address, out string error)
    {
        address = null;
        var text = registry?.Trim() ?? string.Empty;
        string? scheme = null;
        foreach (var prefix in new[] { "https", "http" })
        {
            if (text.StartsWith(prefix + "://", StringComparison.OrdinalIgnoreCase))
            {
                scheme = prefix;
                text = text.Substring(prefix.Length + 3);
                break;
            }
        }

        text = text.TrimEnd('/');
        if (text.Length == 0 || text.IndexOf('/') >= 0 || text.IndexOf('@') >= 0)
        {
            error = ReferenceMessages.NotHostAndPort(registry ?? string.Empty);
            return false;
        }

        if (HostGrammar.Check(text, out var host) is string reason)
        {
            error = ReferenceMessages.InvalidRegistryName(registry!, reason);
            return false;
        }

        address = new RegistryAddress(host, scheme);
        error = string.Empty;
        return true;
    }

    public Uri BaseUri(string scheme) => new(scheme + "://" + ApiAuthority + "/");

    public override string ToString() => Key;
}
