using System;
using System.Linq;
using System.Net;
using System.Net.NetworkInformation;
using System.Net.Sockets;

namespace ModelPack.Core.Engines;

/// <summary>
/// Whether the daemon a docker CLI talks to (DOCKER_HOST, or the current context's endpoint) runs on this machine
/// and so can bind-mount this machine's files: unix sockets, Windows named pipes and fd:// are local; ssh:// is
/// another machine; tcp:// (and http/https) is local only for a loopback address, this machine's own name or one
/// of its interface addresses. Names are not resolved (that could hang on a slow DNS).
/// </summary>
internal static class DockerEndpoint
{
    private static readonly char[] PathOrQuery = { '/', '?' };

    public static bool IsRemote(string endpoint)
    {
        if (endpoint is null)
        {
            throw new ArgumentNullException(nameof(endpoint));
        }

        var separator = endpoint.IndexOf("://", StringComparison.Ordinal);
        var scheme = separator < 0 ? string.Empty : endpoint.Substring(0, separator).ToLowerInvariant();
        switch (scheme)
        {
            case "unix":
            case "npipe":
            case "fd":
                return false;
            case "tcp":
            case "http":
            case "https":
                return !IsThisMachine(HostOf(endpoint.Substring(separator + 3)));
            default:
                // ssh:// and anything unknown: assume it is not here, which is the cautious answer for a bind mount.
                return true;
        }
    }

    private static string HostOf(string authority)
    {
        var end = authority.IndexOfAny(PathOrQuery);
        var hostPort = end < 0 ? authority : authority.Substring(0, end);
        var at = hostPort.LastIndexOf('@');
        hostPort = at < 0 ? hostPort : hostPort.Substring(at + 1);
        if (hostPort.StartsWith("[", StringComparison.Ordinal))
        {
            var close = hostPort.IndexOf(']');
            return close < 0 ? hostPort.Trim('[') : hostPort.Substring(1, close - 1);
        }

        var colon = hostPort.LastIndexOf(':');
        return colon < 0 ? hostPort : hostPort.Substring(0, colon);
    }

    private static bool IsThisMachine(string host)
    {
        if (host.Length == 0 || string.Equals(host, "localhost", StringComparison.OrdinalIgnoreCase))
        {
            return true;
        }

        if (!IPAddress.TryParse(host, out var address))
        {
            return string.Equals(host, SafeHostName(), StringComparison.OrdinalIgnoreCase);
        }

        if (IPAddress.IsLoopback(address) || address.Equals(IPAddress.Any) || address.Equals(IPAddress.IPv6Any))
        {
            return true;
        }

        try
        {
            return NetworkInterface.GetAllNetworkInterfaces()
                .SelectMany(i => i.GetIPProperties().UnicastAddresses)
                .Any(a => a.Address.Equals(address));
        }
        catch (NetworkInformationException)
        {
            return false;
        }
        catch (SocketException)
        {
            return false;
        }
    }

    private static string SafeHostName()
    {
        try
        {
            return Dns.GetHostName();
        }
        catch (SocketException)
        {
            return string.Empty;
        }
    }
}
