using System;
using System.Globalization;

namespace ModelPack.Core.Configuration;

/// <summary>Checks a registry named as <c>host[:port]</c> (IPv6 in brackets), the form insecure-registry lists use.</summary>
internal static class RegistryHostSyntax
{
    public static bool IsValid(string value)
    {
        if (string.IsNullOrEmpty(value) || value.IndexOf("://", StringComparison.Ordinal) >= 0)
        {
            return false;
        }

        foreach (var c in value)
        {
            if (char.IsWhiteSpace(c) || char.IsControl(c) || c == '/' || c == '\\' || c == '@' || c == '?' || c == '#')
            {
                return false;
            }
        }

        string host;
        string? port;
        if (value[0] == '[')
        {
            var close = value.IndexOf(']');
            if (close < 2)
            {
                return false;
            }

            host = value.Substring(1, close - 1);
            var rest = value.Substring(close + 1);
            if (rest.Length > 0 && rest[0] != ':')
            {
                return false;
            }

            port = rest.Length > 0 ? rest.Substring(1) : null;
            if (host.IndexOf(':') < 0)
            {
                return false;
            }
        }
        else
        {
            var colon = value.IndexOf(':');
            if (colon >= 0 && value.IndexOf(':', colon + 1) >= 0)
            {
                return false;
            }

            host = colon >= 0 ? value.Substring(0, colon) : value;
            port = colon >= 0 ? value.Substring(colon + 1) : null;
            if (host.Length == 0 || host.IndexOf('[') >= 0 || host.IndexOf(']') >= 0)
            {
                return false;
            }
        }

        return port is null || IsPort(port);
    }

    private static bool IsPort(string port) =>
        port.Length is > 0 and <= 5 &&
        port.TrimStart('0').Length == port.Length &&
        int.TryParse(port, NumberStyles.None, CultureInfo.InvariantCulture, out var number) &&
        number is >= 1 and <= 65535;
}
