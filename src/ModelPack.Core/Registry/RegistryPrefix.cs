using System;

namespace ModelPack.Core.Registry;

/// <summary>
/// How a <c>[[registry]]</c> prefix of registries.conf matches an image name, as containers/image matches it: the
/// name starts with the prefix and goes on with '/', ':' or '@' (or ends there), or, for <c>*.example.com</c>, the
/// name's host is a subdomain of example.com. The table with the longest match is the one that applies.
/// </summary>
internal static class RegistryPrefix
{
    /// <summary>How many characters of <paramref name="name"/> <paramref name="prefix"/> covers; -1 when it does not match.</summary>
    public static int Match(string name, string prefix)
    {
        prefix = prefix.ToLowerInvariant();
        if (prefix.StartsWith("*.", StringComparison.Ordinal))
        {
            return MatchSubdomain(name, prefix.Substring(1));
        }

        if (!name.StartsWith(prefix, StringComparison.Ordinal))
        {
            return -1;
        }

        return name.Length == prefix.Length || IsBoundary(name[prefix.Length]) ? prefix.Length : -1;
    }

    /// <summary>The name with its matched part replaced by <paramref name="location"/>.</summary>
    public static string Rewrite(string name, int matched, string location) => location + name.Substring(matched);

    private static int MatchSubdomain(string name, string domain)
    {
        var slash = name.IndexOf('/');
        var host = slash < 0 ? name : name.Substring(0, slash);
        var colon = host.LastIndexOf(':');
        var hostOnly = colon > 0 && host.IndexOf(']') < colon ? host.Substring(0, colon) : host;
        return hostOnly.Length > domain.Length && hostOnly.EndsWith(domain, StringComparison.Ordinal) ? hostOnly.Length : -1;
    }

    private static bool IsBoundary(char c) => c == '/' || c == ':' || c == '@';
}
