using System;
using System.Globalization;
using ModelPack.Core.Errors;

namespace ModelPack.Core.Registry;

/// <summary>
/// A registry named <c>host[:port]</c>, optionally prefixed with <c>http://</c> or <c>https://</c>.
/// Docker Hub (<c>docker.io</c>, <c>index.docker.io</c>) is served from registry-1.docker.io.
/// </summary>
internal sealed class RegistryAddress
{
    public const string DockerHub = "docker.io";

    private RegistryAddress(string host, int? port, string? explicitScheme)
    {
        Host = host;
        Port = port;
        ExplicitScheme = explicitScheme;
        var hostPart = host.IndexOf(':') >= 0 ? "[" + host + "]" : host;
        Key = port is int p ? hostPart + ":" + p.ToString(CultureInfo.InvariantCulture) : hostPart;
        ApiAuthority = string.Equals(Key, DockerHub, StringComparison.Ordinal) ? "registry-1.docker.io" : Key;
    }

    /// <summary>Lower-case host without brackets.</summary>
    public string Host { get; }

    public int? Port { get; }

    /// <summary>"http" or "https" when the caller spelled a scheme.</summary>
    public string? ExplicitScheme { get; }

    /// <summary><c>host[:port]</c> as auth files and insecure lists name the registry (docker.io for Docker Hub).</summary>
    public string Key { get; }

    /// <summary>The <c>host[:port]</c> the API is served from.</summary>
    public string ApiAuthority { get; }

    public bool IsDockerHub => string.Equals(Key, DockerHub, StringComparison.Ordinal);

    public static RegistryAddress Parse(string registry)
    {
        if (!TryParse(registry, out var address, out var error))
        {
            throw new ModelPackException(ErrorIds.InvalidReference, ErrorKind.InvalidArgument, error, registry);
        }

        return address!;
    }

    public static bool TryParse(string? registry, out RegistryAddress? address, out string error)
    {
        address = null;
        var text = registry?.Trim() ?? string.Empty;
        string? scheme = null;
        if (text.StartsWith("https://", StringComparison.OrdinalIgnoreCase))
        {
            scheme = "https";
            text = text.Substring(8);
        }
        else if (text.StartsWith("http://", StringComparison.OrdinalIgnoreCase))
        {
            scheme = "http";
            text = text.Substring(7);
        }

        text = text.TrimEnd('/');
        if (text.Length == 0 || text.IndexOf('/') >= 0 || text.IndexOf('@') >= 0)
        {
            error = $"Registry '{registry}' is not of the form host[:port].";
            return false;
        }

        string host;
        string? portText = null;
        if (text[0] == '[')
        {
            var close = text.IndexOf(']');
            if (close < 0)
            {
                error = $"Registry '{registry}' has an unterminated IPv6 address.";
                return false;
            }

            host = text.Substring(1, close - 1);
            var rest = text.Substring(close + 1);
            if (rest.Length > 0)
            {
                if (rest[0] != ':')
                {
                    error = $"Registry '{registry}' is not of the form host[:port].";
                    return false;
                }

                portText = rest.Substring(1);
            }
        }
        else
        {
            var colon = text.LastIndexOf(':');
            if (colon >= 0 && text.IndexOf(':') != colon)
            {
                error = $"Registry '{registry}': write IPv6 addresses in brackets, e.g. [::1]:5000.";
                return false;
            }

            host = colon >= 0 ? text.Substring(0, colon) : text;
            portText = colon >= 0 ? text.Substring(colon + 1) : null;
        }

        host = host.ToLowerInvariant();
        if (Uri.CheckHostName(host) == UriHostNameType.Unknown)
        {
            error = $"Registry '{registry}' has an invalid host name '{host}'.";
            return false;
        }

        int? port = null;
        if (portText is not null)
        {
            if (!int.TryParse(portText, NumberStyles.None, CultureInfo.InvariantCulture, out var p) || p < 1 || p > 65535)
            {
                error = $"Registry '{registry}' has an invalid port '{portText}'.";
                return false;
            }

            port = p;
        }

        if (host == "index.docker.io" && port is null)
        {
            host = DockerHub;
        }

        address = new RegistryAddress(host, port, scheme);
        error = string.Empty;
        return true;
    }

    public Uri BaseUri(string scheme) => new(scheme + "://" + ApiAuthority + "/");

    public override string ToString() => Key;
}
