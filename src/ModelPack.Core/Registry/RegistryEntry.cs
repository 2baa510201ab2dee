using System.Collections.Generic;

namespace ModelPack.Core.Registry;

/// <summary>
/// One <c>[[registry]]</c> table of registries.conf after the files are merged: the namespace it covers
/// (<see cref="Prefix"/>, defaulting to <see cref="Location"/>), where it really is, its mirrors (tried
/// first, in order) and whether it is insecure or blocked. Values are as written, with trailing '/'
/// removed; <see cref="Source"/> is the file the table came from.
/// </summary>
internal sealed class RegistryEntry
{
    public RegistryEntry(string prefix, string? location, string source)
    {
        Prefix = prefix;
        Location = location;
        Source = source;
    }

    public string Prefix { get; }

    /// <summary>Null for a wildcard prefix (<c>*.example.com</c>) written without a location.</summary>
    public string? Location { get; }

    public bool Insecure { get; set; }

    public bool Blocked { get; set; }

    public bool MirrorByDigestOnly { get; set; }

    public IReadOnlyList<RegistryMirror> Mirrors { get; set; } = new List<RegistryMirror>();

    public string Source { get; }
}

/// <summary>A <c>[[registry.mirror]]</c> table: a location tried before the registry's own.</summary>
internal sealed class RegistryMirror
{
    public RegistryMirror(string location)
    {
        Location = location;
    }

    public string Location { get; }

    public bool Insecure { get; set; }

    /// <summary><c>pull-from-mirror</c>: <c>all</c> (the default, null here), <c>digest-only</c> or <c>tag-only</c>.</summary>
    public string? PullFromMirror { get; set; }
}
