using System;
using System.Globalization;

namespace ModelPack.Core.References;

/// <summary>
/// A registry's <c>host[:port]</c> as the reference grammar (<see cref="HostGrammar"/>) reads it, normalised:
/// lowercase host, canonical IPv6 text, port without leading zeros, Docker Hub's other names folded into
/// <c>docker.io</c> (<see cref="DockerHubNames"/>). <see cref="Key"/> is the one spelling that references, auth
/// files, credential maps and insecure lists compare.
/// </summary>
internal readonly struct RegistryHost
{
    public RegistryHost(string host, int? port)
    {
        var hostPart = host.IndexOf(':') >= 0 ? "[" + host + "]" : host;
        var key = DockerHubNames.Canonical(port is int p ? hostPart + ":" + p.ToString(CultureInfo.InvariantCulture) : hostPart);
        Key = key;
        Host = string.Equals(key, DockerHubNames.Name, StringComparison.Ordinal) ? key : host;
        Port = port;
    }

    /// <summary>Lowercase host name or address; IPv6 without brackets.</summary>
    public string Host { get; }

    public int? Port { get; }

    /// <summary><c>host[:port]</c>, IPv6 in brackets; <c>docker.io</c> for Docker Hub.</summary>
    public string Key { get; }

    /// <summary>The <c>host[:port]</c> the registry API is served from (Docker Hub's is registry-1.docker.io).</summary>
    public string ApiAuthority => DockerHubNames.ApiAuthority(Key);

    public bool IsDockerHub => string.Equals(Key, DockerHubNames.Name, StringComparison.Ordinal);

    /// <summary>localhost, 127.0.0.0/8 or ::1 (plain HTTP is allowed for them).</summary>
    public bool IsLoopback => HostGrammar.IsLoopbackHost(Host);

    public override string ToString() => Key;
}
