using System;
using System.Collections.Generic;
using System.IO;

namespace ModelPack.Core.Registry;

/// <summary>
/// The <c>insecure</c> settings of containers registries.conf: <c>[[registry]]</c> tables
/// (<c>location</c>/<c>prefix</c>, <c>insecure</c>) and the v1 <c>[registries.insecure] registries</c>
/// list. Only registry-wide entries count (host[:port] or <c>*.domain</c>): the client decides
/// transport per registry, so an entry scoped to a namespace (<c>host/ns</c>) does not make the
/// whole host insecure. Drop-in directories (registries.conf.d) are not read.
/// </summary>
internal sealed class RegistriesConf
{
    private readonly List<KeyValuePair<string, bool>> _entries;

    private RegistriesConf(List<KeyValuePair<string, bool>> entries, string? sourcePath)
    {
        _entries = entries;
        SourcePath = sourcePath;
    }

    public static RegistriesConf Empty { get; } = new(new List<KeyValuePair<string, bool>>(), null);

    /// <summary>The file the settings came from; null when none was found.</summary>
    public string? SourcePath { get; }

    /// <summary>
    /// CONTAINERS_REGISTRIES_CONF if set, else the user's ~/.config/containers/registries.conf if it
    /// exists, else the system one (as podman: the user file replaces, not extends, the system file).
    /// </summary>
    public static RegistriesConf Load(RegistryEnvironment environment, Action<string> log)
    {
        var path = Locate(environment);
        if (path is null)
        {
            return Empty;
        }

        string text;
        try
        {
            text = File.ReadAllText(path);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            log($"registries.conf '{path}' could not be read ({ex.Message}); no registry is insecure by configuration.");
            return Empty;
        }

        try
        {
            var conf = Parse(text, path);
            log($"Read insecure registry settings from '{path}' ({conf._entries.Count} registry entries).");
            return conf;
        }
        catch (FormatException ex)
        {
            log($"registries.conf '{path}' is not valid TOML ({ex.Message}); its settings are ignored.");
            return Empty;
        }
    }

    public static RegistriesConf Parse(string text, string? sourcePath = null)
    {
        var entries = new List<KeyValuePair<string, bool>>();
        foreach (var table in TomlSubsetReader.Parse(text))
        {
            if (table.IsArrayElement && table.Name == "registry")
            {
                var prefix = AsString(table.Values, "prefix") ?? AsString(table.Values, "location");
                if (!string.IsNullOrEmpty(prefix))
                {
                    entries.Add(new KeyValuePair<string, bool>(Normalise(prefix!), AsBool(table.Values, "insecure") ?? false));
                }
            }
            else if (!table.IsArrayElement && table.Name == "registries.insecure" &&
                     table.Values.TryGetValue("registries", out var list) && list is List<object> names)
            {
                foreach (var name in names)
                {
                    if (name is string s && s.Length > 0)
                    {
                        entries.Add(new KeyValuePair<string, bool>(Normalise(s), true));
                    }
                }
            }
        }

        return new RegistriesConf(entries, sourcePath);
    }

    /// <summary>
    /// The <c>insecure</c> value of the most specific entry for this registry: an exact
    /// host[:port] entry wins over the longest matching <c>*.domain</c> wildcard.
    /// </summary>
    public bool IsInsecure(string registryKey)
    {
        var key = registryKey.ToLowerInvariant();
        var host = HostOf(key);
        bool? exact = null;
        var bestWildcardLength = -1;
        var wildcard = false;
        foreach (var entry in _entries)
        {
            var prefix = entry.Key;
            if (prefix.IndexOf('/') >= 0)
            {
                continue;
            }

            if (string.Equals(prefix, key, StringComparison.Ordinal))
            {
                exact = entry.Value;
            }
            else if (prefix.StartsWith("*.", StringComparison.Ordinal) &&
                     host.EndsWith(prefix.Substring(1), StringComparison.Ordinal) &&
                     prefix.Length > bestWildcardLength)
            {
                bestWildcardLength = prefix.Length;
                wildcard = entry.Value;
            }
        }

        return exact ?? (bestWildcardLength >= 0 && wildcard);
    }

    private static string? Locate(RegistryEnvironment environment)
    {
        var explicitPath = environment.GetVariable("CONTAINERS_REGISTRIES_CONF");
        if (explicitPath is not null)
        {
            return File.Exists(explicitPath) ? explicitPath : null;
        }

        if (environment.HomeDirectory is string home)
        {
            var user = Path.Combine(home, ".config", "containers", "registries.conf");
            if (File.Exists(user))
            {
                return user;
            }
        }

        if (environment.SystemContainersDirectory is string system)
        {
            var path = Path.Combine(system, "registries.conf");
            if (File.Exists(path))
            {
                return path;
            }
        }

        return null;
    }

    private static string Normalise(string location)
    {
        var s = location.Trim().ToLowerInvariant();
        if (s.StartsWith("https://", StringComparison.Ordinal))
        {
            s = s.Substring(8);
        }
        else if (s.StartsWith("http://", StringComparison.Ordinal))
        {
            s = s.Substring(7);
        }

        return s.TrimEnd('/');
    }

    private static string HostOf(string key)
    {
        if (key.StartsWith("[", StringComparison.Ordinal))
        {
            var close = key.IndexOf(']');
            return close > 0 ? key.Substring(1, close - 1) : key;
        }

        var colon = key.LastIndexOf(':');
        return colon >= 0 ? key.Substring(0, colon) : key;
    }

    private static string? AsString(Dictionary<string, object> values, string key) =>
        values.TryGetValue(key, out var v) ? v as string : null;

    private static bool? AsBool(Dictionary<string, object> values, string key) =>
        values.TryGetValue(key, out var v) && v is bool b ? b : null;
}
