using System;
using System.Net;

namespace ModelPack.Internal;

/// <summary>
/// Whether a registry (host[:port]) is on this machine. The module's own client reaches loopback
/// registries over plain HTTP without being told; podman does not, so podman pulls from them get
/// <c>--tls-verify=false</c> to behave the same.
/// </summary>
internal static class LoopbackRegistry
{
    public static bool Is(string registry)
    {
        if (string.IsNullOrEmpty(registry))
        {
            return false;
        }

        string host;
        if (registry.StartsWith("[", StringComparison.Ordinal))
        {
            var end = registry.IndexOf(']');
            host = end > 0 ? registry.Substring(1, end - 1) : registry;
        }
        else
        {
            var colon = registry.LastIndexOf(':');
            host = colon > 0 ? registry.Substring(0, colon) : registry;
        }

        return string.Equals(host, "localhost", StringComparison.OrdinalIgnoreCase) ||
               (IPAddress.TryParse(host, out var address) && IPAddress.IsLoopback(address));
    }
}
