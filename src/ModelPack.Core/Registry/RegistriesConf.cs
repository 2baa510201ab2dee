using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;

namespace ModelPack.Core.Registry;

/// <summary>
/// The containers registries.conf configuration, read as podman reads it: the main file and its
/// registries.conf.d drop-ins (<see cref="RegistriesConfFiles"/>) merged in order, each later file
/// overriding what it sets (containers-registries.conf.d(5)): <c>unqualified-search-registries</c> and
/// <c>credential-helpers</c> when present, <c>short-name-mode</c> and
/// <c>additional-layer-store-auth-helper</c> when not empty, <c>[aliases]</c> one name at a time (an empty
/// value erases it), <c>[[registry]]</c> tables by prefix (a table replaces the one of the same prefix,
/// new ones are added). The deprecated version 1 tables are read in the main file only.
/// The client uses <see cref="IsInsecure"/> and <see cref="FindEntry"/> (rewrites, mirrors, blocking:
/// <see cref="PullSources"/>); short names resolve with <see cref="ShortNames"/>.
/// </summary>
internal sealed class RegistriesConf
{
    private readonly Dictionary<string, string> _aliases = new(StringComparer.Ordinal);
    private readonly List<string> _sources = new();
    private readonly List<RegistryEntry> _registries = new();

    private RegistriesConf()
    {
    }

    public static RegistriesConf Empty { get; } = new();

    /// <summary>The files read, in order; empty when none was found.</summary>
    public IReadOnlyList<string> Sources => _sources;

    /// <summary>Null when no file sets it (the caller's default applies); empty when a file sets it empty.</summary>
    public IReadOnlyList<string>? UnqualifiedSearchRegistries { get; private set; }

    /// <summary><c>enforcing</c>, <c>permissive</c> or <c>disabled</c> as written; null when unset.</summary>
    public string? ShortNameMode { get; private set; }

    public IReadOnlyList<string>? CredentialHelpers { get; private set; }

    public string? AdditionalLayerStoreAuthHelper { get; private set; }

    /// <summary>Short name to fully qualified name (<c>[aliases]</c>).</summary>
    public IReadOnlyDictionary<string, string> Aliases => _aliases;

    /// <summary>The <c>[[registry]]</c> tables (and the version 1 lists as tables), one per prefix.</summary>
    public IReadOnlyList<RegistryEntry> Registries => _registries;

    /// <summary>Reads the files that apply to <paramref name="environment"/>.</summary>
    /// <exception cref="Errors.ModelPackException">InvalidConfiguration: a file is not valid TOML or breaks the format's rules (file and line named).</exception>
    public static RegistriesConf Load(RegistryEnvironment environment, Action<string> log)
    {
        var files = RegistriesConfFiles.Locate(environment);
        var texts = new List<(string Path, string Text, bool DropIn)>();
        foreach (var (path, dropIn) in (files.Main is null ? Enumerable.Empty<(string, bool)>() : new[] { (files.Main, false) }).Concat(files.DropIns.Select(d => (d, true))))
        {
            try
            {
                texts.Add((path, File.ReadAllText(path), dropIn));
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                log($"registries.conf file '{path}' could not be read ({ex.Message}); its settings are not used.");
            }
        }

        if (texts.Count == 0)
        {
            return Empty;
        }

        var conf = Merge(texts);
        log($"Read registries.conf from {string.Join(", ", conf.Sources.Select(s => "'" + s + "'"))} ({conf._registries.Count} registry entries, {conf._aliases.Count} aliases).");
        return conf;
    }

    /// <summary>One file's text as the whole configuration.</summary>
    public static RegistriesConf Parse(string text, string sourcePath = "registries.conf") =>
        Merge(new[] { (sourcePath, text, false) });

    /// <summary>Files in reading order; drop-ins must be version 2.</summary>
    public static RegistriesConf Merge(IEnumerable<(string Path, string Text, bool DropIn)> files)
    {
        var conf = new RegistriesConf();
        foreach (var (path, text, dropIn) in files)
        {
            conf.Apply(RegistriesConfReader.Read(text, path), path, dropIn);
            conf._sources.Add(path);
        }

        return conf;
    }

    /// <summary>
    /// The <c>insecure</c> value of the most specific registry-wide entry (host[:port] or <c>*.domain</c>):
    /// an exact entry wins over the longest matching wildcard. An entry scoped to a namespace
    /// (<c>host/ns</c>) does not make the whole host insecure: the client decides transport per registry. A
    /// <c>[[registry.mirror]]</c> with <c>insecure = true</c> makes its host insecure too.
    /// </summary>
    public bool IsInsecure(string registryKey) => InsecureSource(registryKey) is not null;

    /// <summary>
    /// The <c>[[registry]]</c> table that applies to the image name <paramref name="name"/> (<c>host/repository</c>): the
    /// one whose prefix matches longest (<see cref="RegistryPrefix"/>); null when none matches.
    /// </summary>
    public RegistryEntry? FindEntry(string name)
    {
        RegistryEntry? best = null;
        var bestLength = -1;
        foreach (var entry in _registries)
        {
            var length = RegistryPrefix.Match(name, WithoutScheme(entry.Prefix));
            if (length > bestLength)
            {
                best = entry;
                bestLength = length;
            }
        }

        return best;
    }

    /// <summary>The file whose entry makes this registry insecure (<see cref="IsInsecure"/>); null when none does.</summary>
    public string? SourceOf(string registryKey) => InsecureSource(registryKey);

    private string? InsecureSource(string registryKey)
    {
        if (DecidingEntry(registryKey) is RegistryEntry entry)
        {
            return entry.Insecure ? entry.Source : null;
        }

        var key = registryKey.ToLowerInvariant();
        return _registries.FirstOrDefault(e => e.Mirrors.Any(m => m.Insecure && string.Equals(HostPartOf(m.Location), key, StringComparison.Ordinal)))?.Source;
    }

    private static string HostPartOf(string location)
    {
        var bare = WithoutScheme(location.ToLowerInvariant());
        var slash = bare.IndexOf('/');
        return slash < 0 ? bare : bare.Substring(0, slash);
    }

    private RegistryEntry? DecidingEntry(string registryKey)
    {
        var key = registryKey.ToLowerInvariant();
        var host = HostOf(key);
        RegistryEntry? exact = null;
        RegistryEntry? wildcard = null;
        var bestWildcardLength = -1;
        foreach (var entry in _registries)
        {
            var prefix = WithoutScheme(entry.Prefix.ToLowerInvariant());
            if (prefix.IndexOf('/') >= 0)
            {
                continue;
            }

            if (string.Equals(prefix, key, StringComparison.Ordinal))
            {
                exact = entry;
            }
            else if (prefix.StartsWith("*.", StringComparison.Ordinal) &&
                     host.EndsWith(prefix.Substring(1), StringComparison.Ordinal) &&
                     prefix.Length > bestWildcardLength)
            {
                bestWildcardLength = prefix.Length;
                wildcard = entry;
            }
        }

        return exact ?? wildcard;
    }

    private void Apply(RegistriesConfDocument file, string path, bool dropIn)
    {
        var versionOne = file.Registries is { IsEmpty: false } ? file.Registries : null;
        if (versionOne is not null && dropIn)
        {
            throw RegistriesConfReader.Invalid(path, "a drop-in file must use the version 2 format ([[registry]] tables), not [registries.search/insecure/block].");
        }

        if (versionOne is not null && (file.Registry is { Count: > 0 } || file.UnqualifiedSearchRegistries is not null))
        {
            throw RegistriesConfReader.Invalid(path, "it mixes the version 1 tables [registries.search/insecure/block] with version 2 settings; use one format.");
        }

        if (file.UnqualifiedSearchRegistries is not null)
        {
            UnqualifiedSearchRegistries = file.UnqualifiedSearchRegistries.ToList();
        }

        if (file.CredentialHelpers is not null)
        {
            CredentialHelpers = file.CredentialHelpers.ToList();
        }

        if (!string.IsNullOrEmpty(file.ShortNameMode))
        {
            ShortNameMode = file.ShortNameMode;
        }

        if (!string.IsNullOrEmpty(file.AdditionalLayerStoreAuthHelper))
        {
            AdditionalLayerStoreAuthHelper = file.AdditionalLayerStoreAuthHelper;
        }

        foreach (var alias in file.Aliases ?? new Dictionary<string, string>())
        {
            if (alias.Value.Length == 0)
            {
                _aliases.Remove(alias.Key);
            }
            else
            {
                _aliases[alias.Key] = alias.Value;
            }
        }

        foreach (var table in file.Registry ?? new List<RegistriesConfDocument.RegistryTable>())
        {
            if (ToEntry(table, path) is RegistryEntry entry)
            {
                Put(entry);
            }
        }

        if (versionOne is not null)
        {
            ApplyVersionOne(versionOne, path);
        }
    }

    private static RegistryEntry? ToEntry(RegistriesConfDocument.RegistryTable table, string path)
    {
        var location = Trimmed(table.Location);
        var prefix = Trimmed(table.Prefix) ?? location;
        if (prefix is null)
        {
            // podman refuses a table with neither; this reader has always passed over it.
            return null;
        }

        return new RegistryEntry(prefix, location, path)
        {
            Insecure = table.Insecure ?? false,
            Blocked = table.Blocked ?? false,
            MirrorByDigestOnly = table.MirrorByDigestOnly ?? false,
            Mirrors = (table.Mirror ?? new List<RegistriesConfDocument.MirrorTable>())
                .Where(m => Trimmed(m.Location) is not null)
                .Select(m => new RegistryMirror(Trimmed(m.Location)!) { Insecure = m.Insecure ?? false, PullFromMirror = string.IsNullOrEmpty(m.PullFromMirror) ? null : m.PullFromMirror })
                .ToList(),
        };
    }

    private void ApplyVersionOne(RegistriesConfDocument.VersionOneTables tables, string path)
    {
        if (tables.Search?.Registries is List<string> search)
        {
            UnqualifiedSearchRegistries = search.ToList();
        }

        foreach (var (names, insecure) in new[] { (tables.Block?.Registries, false), (tables.Insecure?.Registries, true) })
        {
            foreach (var name in (names ?? new List<string>()).Select(Trimmed).OfType<string>())
            {
                var entry = _registries.FirstOrDefault(r => string.Equals(r.Prefix, name, StringComparison.Ordinal)) ?? Put(new RegistryEntry(name, name, path));
                if (insecure)
                {
                    entry.Insecure = true;
                }
                else
                {
                    entry.Blocked = true;
                }
            }
        }
    }

    private RegistryEntry Put(RegistryEntry entry)
    {
        var index = _registries.FindIndex(r => string.Equals(r.Prefix, entry.Prefix, StringComparison.Ordinal));
        if (index >= 0)
        {
            _registries[index] = entry;
        }
        else
        {
            _registries.Add(entry);
        }

        return entry;
    }

    private static string? Trimmed(string? value)
    {
        var trimmed = value?.Trim().TrimEnd('/');
        return string.IsNullOrEmpty(trimmed) ? null : trimmed;
    }

    private static string WithoutScheme(string location) =>
        location.StartsWith("https://", StringComparison.Ordinal) ? location.Substring(8)
        : location.StartsWith("http://", StringComparison.Ordinal) ? location.Substring(7)
        : location;

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
}
