using System;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using static ModelPack.Core.References.ReferenceMessages;

namespace ModelPack.Core.References;

/// <summary>
/// The host part of the distribution reference grammar (github.com/distribution/reference):
/// <c>host[:port]</c>, where host is a DNS-like name of letters, digits and inner '-' in '.'-separated labels,
/// an IPv4 address, or an IPv6 address in brackets (hex digits and ':' only: no zone, no IPv4-mapped form),
/// and port is 1-65535. References, registry names (auth files, -Credential maps, insecure lists) and the
/// config file's insecureRegistries all read hosts with it.
/// </summary>
internal static class HostGrammar
{
    /// <summary>Null when <paramref name="text"/> is a valid <c>host[:port]</c> (then <paramref name="host"/> is it, normalised), else why not.</summary>
    public static string? Check(string text, out RegistryHost host)
    {
        host = default;
        if (text.Length == 0)
        {
            return Empty;
        }

        var reason = text[0] == '[' ? SplitBracketed(text, out var name, out var portText) : SplitPlain(text, out name, out portText);
        if (reason is not null)
        {
            return reason;
        }

        int? port = null;
        if (portText is not null)
        {
            if (CheckPort(portText, out var number) is string portReason)
            {
                return portReason;
            }

            port = number;
        }

        host = new RegistryHost(name, port);
        return null;
    }

    /// <summary>
    /// localhost, or a literal loopback address (127.0.0.0/8 in dotted-quad form, ::1). Only a literal counts:
    /// IPAddress.TryParse would also take "127.1" or "2130706433". <paramref name="host"/> has no port or brackets.
    /// </summary>
    public static bool IsLoopbackHost(string host)
    {
        if (string.Equals(host, "localhost", StringComparison.OrdinalIgnoreCase))
        {
            return true;
        }

        var isLiteral = host.IndexOf(':') >= 0 || (host.Split('.').Length == 4 && IsDigitsAndDots(host));
        return isLiteral && IPAddress.TryParse(host, out var ip) && IPAddress.IsLoopback(ip);
    }

    private static string? SplitBracketed(string text, out string host, out string? portText)
    {
        host = string.Empty;
        portText = null;
        var close = text.IndexOf(']');
        if (close < 0)
        {
            return NoClosingBracket;
        }

        if (CheckIPv6(text.Substring(1, close - 1), out host) is string reason)
        {
            return reason;
        }

        var rest = text.Substring(close + 1);
        if (rest.Length == 0)
        {
            return null;
        }

        if (rest[0] != ':')
        {
            return NotAPortAfterIPv6(rest);
        }

        portText = rest.Substring(1);
        return null;
    }

    private static string? SplitPlain(string text, out string host, out string? portText)
    {
        var colon = text.IndexOf(':');
        host = colon >= 0 ? text.Substring(0, colon) : text;
        portText = colon >= 0 ? text.Substring(colon + 1) : null;
        if (colon >= 0 && text.IndexOf(':', colon + 1) >= 0)
        {
            return MoreThanOneColon;
        }

        var reason = CheckHostName(host);
        host = host.ToLowerInvariant();
        return reason;
    }

    private static string? CheckHostName(string host)
    {
        if (host.Length == 0)
        {
            return EmptyHostName;
        }

        foreach (var label in host.Split('.'))
        {
            if (label.Length == 0)
            {
                return EmptyHostLabel(host);
            }

            if (label[0] == '-' || label[label.Length - 1] == '-')
            {
                return HostLabelHyphen(label);
            }

            foreach (var c in label)
            {
                if (!ReferenceGrammar.IsAsciiLetterOrDigit(c) && c != '-')
                {
                    return HostCharacter(host, c);
                }
            }
        }

        return null;
    }

    private static string? CheckIPv6(string address, out string canonical)
    {
        canonical = string.Empty;
        if (address.Length == 0)
        {
            return EmptyBrackets;
        }

        foreach (var c in address)
        {
            if (!(Uri.IsHexDigit(c) || c == ':'))
            {
                return IPv6Characters(address);
            }
        }

        if (!IPAddress.TryParse(address, out var ip) || ip.AddressFamily != AddressFamily.InterNetworkV6)
        {
            return InvalidIPv6(address);
        }

        canonical = ip.ToString();
        return null;
    }

    private static string? CheckPort(string text, out int port)
    {
        port = 0;
        if (text.Length == 0)
        {
            return EmptyPort;
        }

        foreach (var c in text)
        {
            if (c < '0' || c > '9')
            {
                return PortNotANumber(text);
            }
        }

        if (text.Length > 5 || !int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out port) || port < 1 || port > 65535)
        {
            return PortOutOfRange(text);
        }

        return null;
    }

    private static bool IsDigitsAndDots(string host)
    {
        foreach (var c in host)
        {
            if (!((c >= '0' && c <= '9') || c == '.'))
            {
                return false;
            }
        }

        return true;
    }
}
