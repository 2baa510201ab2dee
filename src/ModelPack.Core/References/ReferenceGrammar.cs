using System;
using System.Globalization;
using System.Net;
using System.Net.Sockets;

namespace ModelPack.Core.References;

/// <summary>
/// The pieces of the distribution reference grammar (github.com/distribution/reference):
/// each check returns null when the value is valid, else the reason it is not.
/// </summary>
internal static class ReferenceGrammar
{
    public const int MaxRepositoryLength = 255;
    public const int MaxTagLength = 128;

    /// <summary>
    /// A first path component names a registry when it has a '.', a ':' (port or IPv6), brackets,
    /// or is localhost; anything else is the first component of a Docker Hub repository.
    /// </summary>
    public static bool LooksLikeRegistry(string firstComponent) =>
        firstComponent.IndexOf('.') >= 0 ||
        firstComponent.IndexOf(':') >= 0 ||
        firstComponent.StartsWith("[", StringComparison.Ordinal) ||
        string.Equals(firstComponent, "localhost", StringComparison.OrdinalIgnoreCase);

    /// <summary>tag := [\w][\w.-]{0,127} with ASCII \w.</summary>
    public static string? CheckTag(string tag)
    {
        if (tag.Length == 0)
        {
            return "it is empty";
        }

        if (tag.Length > MaxTagLength)
        {
            return $"it has {tag.Length} characters, at most {MaxTagLength} are allowed";
        }

        if (!IsWordChar(tag[0]))
        {
            return "it must start with a letter, digit or '_'";
        }

        foreach (var c in tag)
        {
            if (!IsWordChar(c) && c != '.' && c != '-')
            {
                return $"'{Printable(c)}' is not allowed; use letters, digits, '_', '.' and '-'";
            }
        }

        return null;
    }

    /// <summary>path := component ('/' component)*; component := [a-z0-9]+ (separator [a-z0-9]+)*.</summary>
    public static string? CheckRepository(string repository)
    {
        if (repository.Length == 0)
        {
            return "it is empty";
        }

        if (repository.Length > MaxRepositoryLength)
        {
            return $"it has {repository.Length} characters, at most {MaxRepositoryLength} are allowed";
        }

        foreach (var c in repository)
        {
            if (c >= 'A' && c <= 'Z')
            {
                return $"repository names must be lowercase; use '{repository.ToLowerInvariant()}'";
            }
        }

        foreach (var component in repository.Split('/'))
        {
            if (component.Length == 0)
            {
                return "it has an empty path component (a leading, trailing or doubled '/')";
            }

            if (CheckPathComponent(component) is string reason)
            {
                return $"path component '{component}' {reason}";
            }
        }

        return null;
    }

    /// <summary>
    /// Validates host[:port] (host: DNS-like name, IPv4, or [IPv6]) and returns it normalised:
    /// lowercase host, canonical IPv6 text, port without leading zeros.
    /// </summary>
    public static string? CheckRegistry(string registry, out string normalised)
    {
        normalised = string.Empty;
        if (registry.Length == 0)
        {
            return "it is empty";
        }

        string host;
        string? portText;
        if (registry[0] == '[')
        {
            var close = registry.IndexOf(']');
            if (close < 0)
            {
                return "the IPv6 address has no closing ']'";
            }

            var address = registry.Substring(1, close - 1);
            if (CheckIPv6(address, out var canonical) is string ipv6Reason)
            {
                return ipv6Reason;
            }

            host = "[" + canonical + "]";
            var rest = registry.Substring(close + 1);
            if (rest.Length == 0)
            {
                portText = null;
            }
            else if (rest[0] == ':')
            {
                portText = rest.Substring(1);
            }
            else
            {
                return $"'{rest}' after the IPv6 address is not a ':port'";
            }
        }
        else
        {
            var colon = registry.IndexOf(':');
            if (colon >= 0 && registry.IndexOf(':', colon + 1) >= 0)
            {
                return "it has more than one ':'; write IPv6 addresses in brackets, e.g. [::1]:5000";
            }

            host = colon >= 0 ? registry.Substring(0, colon) : registry;
            portText = colon >= 0 ? registry.Substring(colon + 1) : null;
            if (CheckHostName(host) is string hostReason)
            {
                return hostReason;
            }

            host = host.ToLowerInvariant();
        }

        if (portText is null)
        {
            normalised = host;
            return null;
        }

        if (CheckPort(portText, out var port) is string portReason)
        {
            return portReason;
        }

        normalised = host + ":" + port.ToString(CultureInfo.InvariantCulture);
        return null;
    }

    /// <summary>The host part of a normalised registry (no port, IPv6 without brackets).</summary>
    public static string HostOf(string normalisedRegistry)
    {
        if (normalisedRegistry.StartsWith("[", StringComparison.Ordinal))
        {
            return normalisedRegistry.Substring(1, normalisedRegistry.IndexOf(']') - 1);
        }

        var colon = normalisedRegistry.IndexOf(':');
        return colon >= 0 ? normalisedRegistry.Substring(0, colon) : normalisedRegistry;
    }

    /// <summary>A 64-hex string alone is an image id in Docker's grammar, never a repository name.</summary>
    public static bool IsBareIdentifier(string value)
    {
        if (value.Length != 64)
        {
            return false;
        }

        foreach (var c in value)
        {
            if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f')))
            {
                return false;
            }
        }

        return true;
    }

    private static string? CheckPathComponent(string component)
    {
        var i = 0;
        while (true)
        {
            var runStart = i;
            while (i < component.Length && IsLowerAlphanumeric(component[i]))
            {
                i++;
            }

            if (i == runStart)
            {
                return i == 0 || i == component.Length
                    ? "must start and end with a lowercase letter or digit"
                    : DescribeBadSeparator(component[i]);
            }

            if (i == component.Length)
            {
                return null;
            }

            var c = component[i];
            if (c == '.')
            {
                i++;
            }
            else if (c == '_')
            {
                i += i + 1 < component.Length && component[i + 1] == '_' ? 2 : 1;
            }
            else if (c == '-')
            {
                while (i < component.Length && component[i] == '-')
                {
                    i++;
                }
            }
            else
            {
                return $"contains '{Printable(c)}'; only lowercase letters, digits, '.', '_' and '-' are allowed";
            }
        }
    }

    private static string DescribeBadSeparator(char c) =>
        c == '.' || c == '_' || c == '-'
            ? "mixes separators; between letters and digits use one '.', one or two '_', or one or more '-'"
            : $"contains '{Printable(c)}'; only lowercase letters, digits, '.', '_' and '-' are allowed";

    private static string? CheckHostName(string host)
    {
        if (host.Length == 0)
        {
            return "the host name is empty";
        }

        foreach (var label in host.Split('.'))
        {
            if (label.Length == 0)
            {
                return $"host '{host}' has an empty label (a leading, trailing or doubled '.')";
            }

            if (label[0] == '-' || label[label.Length - 1] == '-')
            {
                return $"host label '{label}' must not start or end with '-'";
            }

            foreach (var c in label)
            {
                if (!IsAsciiLetterOrDigit(c) && c != '-')
                {
                    return $"host '{host}' contains '{Printable(c)}'; host names use letters, digits, '-' and '.'";
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
            return "the brackets hold no IPv6 address";
        }

        foreach (var c in address)
        {
            // Zone ids (%eth0) and IPv4-mapped forms are outside the reference grammar.
            if (!(Uri.IsHexDigit(c) || c == ':'))
            {
                return $"'[{address}]' is not an IPv6 address: only hex digits and ':' are allowed";
            }
        }

        if (!IPAddress.TryParse(address, out var ip) || ip.AddressFamily != AddressFamily.InterNetworkV6)
        {
            return $"'[{address}]' is not a valid IPv6 address";
        }

        canonical = ip.ToString();
        return null;
    }

    private static string? CheckPort(string text, out int port)
    {
        port = 0;
        if (text.Length == 0)
        {
            return "the port after ':' is empty";
        }

        foreach (var c in text)
        {
            if (c < '0' || c > '9')
            {
                return $"port '{text}' is not a number";
            }
        }

        if (text.Length > 5 || !int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out port) || port < 1 || port > 65535)
        {
            return $"port '{text}' is outside 1-65535";
        }

        return null;
    }

    private static bool IsLowerAlphanumeric(char c) => (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');

    private static bool IsAsciiLetterOrDigit(char c) => (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');

    private static bool IsWordChar(char c) => IsAsciiLetterOrDigit(c) || c == '_';

    private static string Printable(char c) =>
        c < 0x20 || c == 0x7F || char.IsWhiteSpace(c)
            ? "\\u" + ((int)c).ToString("x4", CultureInfo.InvariantCulture)
            : c.ToString();
}
