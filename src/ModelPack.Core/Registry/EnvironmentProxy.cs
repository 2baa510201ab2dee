using System;
using System.Collections.Generic;
using System.Globalization;
using System.Net;
using System.Net.Sockets;

namespace ModelPack.Core.Registry;

/// <summary>
/// The proxy named by https_proxy / HTTPS_PROXY, http_proxy / HTTP_PROXY and all_proxy / ALL_PROXY
/// (lower case first, as curl), with no_proxy / NO_PROXY exceptions: <c>*</c>, host names (which
/// match their subdomains; a leading '.' or '*.' is allowed), optional <c>:port</c>, IP addresses
/// and CIDR ranges. Loopback destinations never go through a proxy.
/// </summary>
internal sealed class EnvironmentProxy : IWebProxy
{
    private static readonly char[] NoProxySeparators = { ',', ' ' };
    private readonly Uri? _httpProxy;
    private readonly Uri? _httpsProxy;
    private readonly List<string> _noProxy = new();
    private readonly bool _bypassAll;
    private readonly ProxyCredentials _credentials = new();

    private EnvironmentProxy(Uri? httpProxy, Uri? httpsProxy, string? noProxy)
    {
        _httpProxy = httpProxy;
        _httpsProxy = httpsProxy;
        foreach (var raw in (noProxy ?? string.Empty).Split(NoProxySeparators, StringSplitOptions.RemoveEmptyEntries))
        {
            var entry = raw.Trim().ToLowerInvariant();
            if (entry == "*")
            {
                _bypassAll = true;
            }
            else if (entry.Length > 0)
            {
                _noProxy.Add(entry);
            }
        }

        Credentials = _credentials;
    }

    public ICredentials? Credentials { get; set; }

    /// <summary>Null when the environment names no proxy.</summary>
    public static EnvironmentProxy? Create(RegistryEnvironment environment, SecretRedactor redactor)
    {
        var all = Variable(environment, "all_proxy");
        var http = Parse(Variable(environment, "http_proxy") ?? all, redactor);
        var https = Parse(Variable(environment, "https_proxy") ?? all, redactor);
        if (http is null && https is null)
        {
            return null;
        }

        var proxy = new EnvironmentProxy(http, https, Variable(environment, "no_proxy"));
        proxy._credentials.Add(http, redactor);
        proxy._credentials.Add(https, redactor);
        redactor.Log($"Using proxy from the environment: http -> {(http is null ? "direct" : SafeUrl.Format(http))}, https -> {(https is null ? "direct" : SafeUrl.Format(https))}.");
        return proxy;
    }

    public Uri? GetProxy(Uri destination)
    {
        if (IsBypassed(destination))
        {
            return null;
        }

        return string.Equals(destination.Scheme, "https", StringComparison.OrdinalIgnoreCase) ? _httpsProxy : _httpProxy;
    }

    public bool IsBypassed(Uri host)
    {
        if (InsecureRegistryPolicy.IsLoopback(host.Host) || _bypassAll)
        {
            return true;
        }

        var proxy = string.Equals(host.Scheme, "https", StringComparison.OrdinalIgnoreCase) ? _httpsProxy : _httpProxy;
        return proxy is null || MatchesNoProxy(host);
    }

    private bool MatchesNoProxy(Uri destination)
    {
        var host = destination.Host.Trim('[', ']').ToLowerInvariant();
        var ip = IPAddress.TryParse(host, out var parsed) ? parsed : null;
        foreach (var raw in _noProxy)
        {
            var entry = raw;
            int? port = null;
            var portSeparator = entry.LastIndexOf(':');
            if (portSeparator > 0 && entry.IndexOf(':') == portSeparator &&
                int.TryParse(entry.Substring(portSeparator + 1), NumberStyles.None, CultureInfo.InvariantCulture, out var p))
            {
                port = p;
                entry = entry.Substring(0, portSeparator);
            }

            if (port is int required && required != destination.Port)
            {
                continue;
            }

            entry = entry.Trim('[', ']');
            if (entry.IndexOf('/') > 0)
            {
                if (ip is not null && InCidr(ip, entry))
                {
                    return true;
                }

                continue;
            }

            if (entry.StartsWith("*.", StringComparison.Ordinal))
            {
                entry = entry.Substring(1);
            }

            if (entry.StartsWith(".", StringComparison.Ordinal))
            {
                if (host.EndsWith(entry, StringComparison.Ordinal) || host == entry.Substring(1))
                {
                    return true;
                }
            }
            else if (host == entry || host.EndsWith("." + entry, StringComparison.Ordinal))
            {
                return true;
            }
        }

        return false;
    }

    private static bool InCidr(IPAddress address, string cidr)
    {
        var slash = cidr.IndexOf('/');
        if (!IPAddress.TryParse(cidr.Substring(0, slash), out var network) ||
            !int.TryParse(cidr.Substring(slash + 1), NumberStyles.None, CultureInfo.InvariantCulture, out var bits))
        {
            return false;
        }

        if (address.AddressFamily != network.AddressFamily)
        {
            if (address.AddressFamily == AddressFamily.InterNetworkV6 && address.IsIPv4MappedToIPv6)
            {
                address = address.MapToIPv4();
            }
            else
            {
                return false;
            }
        }

        var a = address.GetAddressBytes();
        var n = network.GetAddressBytes();
        if (a.Length != n.Length || bits < 0 || bits > a.Length * 8)
        {
            return false;
        }

        for (var i = 0; i < a.Length && bits > 0; i++, bits -= 8)
        {
            var mask = bits >= 8 ? 0xFF : (0xFF << (8 - bits)) & 0xFF;
            if ((a[i] & mask) != (n[i] & mask))
            {
                return false;
            }
        }

        return true;
    }

    private static string? Variable(RegistryEnvironment environment, string lowerName) =>
        environment.GetVariable(lowerName) ?? environment.GetVariable(lowerName.ToUpperInvariant());

    private static Uri? Parse(string? value, SecretRedactor redactor)
    {
        if (string.IsNullOrEmpty(value))
        {
            return null;
        }

        var text = value!.Trim();
        if (text.IndexOf("://", StringComparison.Ordinal) < 0)
        {
            text = "http://" + text;
        }

        if (!Uri.TryCreate(text, UriKind.Absolute, out var uri))
        {
            redactor.Log("A proxy variable holds an invalid URL; it is ignored.");
            return null;
        }

        return uri;
    }

    /// <summary>User info of the proxy URLs, handed out only for those proxies.</summary>
    private sealed class ProxyCredentials : ICredentials
    {
        private readonly Dictionary<string, NetworkCredential> _byAuthority = new(StringComparer.OrdinalIgnoreCase);

        public void Add(Uri? proxy, SecretRedactor redactor)
        {
            if (proxy is null || string.IsNullOrEmpty(proxy.UserInfo))
            {
                return;
            }

            var info = proxy.UserInfo;
            var colon = info.IndexOf(':');
            var user = Uri.UnescapeDataString(colon >= 0 ? info.Substring(0, colon) : info);
            var password = colon >= 0 ? Uri.UnescapeDataString(info.Substring(colon + 1)) : string.Empty;
            redactor.Add(password);
            redactor.Add(info);
            _byAuthority[proxy.Authority] = new NetworkCredential(user, password);
        }

        public NetworkCredential? GetCredential(Uri uri, string authType) =>
            _byAuthority.TryGetValue(uri.Authority, out var credential) ? credential : null;
    }
}
