using System.Collections.Generic;
using System.Linq;
using ModelPack.Core.Errors;
using ModelPack.Core.References;

namespace ModelPack.Core.Registry;

/// <summary>
/// Where a pull of one reference reads from, as containers/image works it out from registries.conf: the
/// <c>[[registry]]</c> table whose prefix matches the name longest (<see cref="RegistryPrefix"/>); a blocked one refuses
/// the pull; its <c>location</c> takes the place of the prefix; its <c>[[registry.mirror]]</c> locations, rewritten the
/// same way, come first. A pull by digest uses the mirrors with <c>pull-from-mirror</c> all or digest-only, a pull by
/// tag those with all or tag-only, and none when the table says <c>mirror-by-digest-only</c>. The reference stays the
/// name the model is stored and shown under; pushes use neither rewrites nor mirrors.
/// </summary>
internal sealed class PullSources
{
    private PullSources(PullSource location, IReadOnlyList<PullSource> mirrors, RegistryEntry? entry)
    {
        Location = location;
        Mirrors = mirrors;
        Entry = entry;
    }

    /// <summary>The registry and repository that really hold the name (the reference's own without a matching table).</summary>
    public PullSource Location { get; }

    /// <summary>Tried before <see cref="Location"/>, in order.</summary>
    public IReadOnlyList<PullSource> Mirrors { get; }

    /// <summary>The table that applies; null when none does.</summary>
    public RegistryEntry? Entry { get; }

    /// <summary>Whether registries.conf sends the pull anywhere else than the reference names.</summary>
    public bool Redirected(ModelReference reference) => Mirrors.Count > 0 || Location.ToString() != reference.Name;

    /// <exception cref="ModelPackException">RegistryBlocked: the table is <c>blocked = true</c>; InvalidConfiguration: a location rewrites the name into no valid reference.</exception>
    public static PullSources For(ModelReference reference, RegistriesConf conf)
    {
        var name = reference.Name;
        var entry = conf.FindEntry(name);
        if (entry is null)
        {
            return new PullSources(new PullSource(reference.Registry, reference.Repository), new List<PullSource>(), null);
        }

        if (entry.Blocked)
        {
            throw RegistryErrors.Blocked(reference.ToString(), entry.Prefix, entry.Source);
        }

        var matched = RegistryPrefix.Match(name, entry.Prefix);
        var location = Rewrite(name, matched, entry.Location ?? name.Substring(0, matched), entry);
        var byDigest = reference.Digest is not null;
        var mirrors = entry.Mirrors
            .Where(m => Serves(entry, m, byDigest))
            .Select(m => Rewrite(name, matched, m.Location, entry))
            .ToList();
        return new PullSources(location, mirrors, entry);
    }

    private static bool Serves(RegistryEntry entry, RegistryMirror mirror, bool byDigest)
    {
        if (entry.MirrorByDigestOnly)
        {
            return byDigest;
        }

        return mirror.PullFromMirror switch
        {
            "digest-only" => byDigest,
            "tag-only" => !byDigest,
            _ => true,
        };
    }

    private static PullSource Rewrite(string name, int matched, string location, RegistryEntry entry)
    {
        var rewritten = RegistryPrefix.Rewrite(name, matched, location);
        if (!ModelReference.TryParse(rewritten, out var parsed, out var error) || parsed!.Tag != ModelReference.DefaultTag || rewritten.IndexOf('@') >= 0)
        {
            throw RegistryErrors.BadRewrite(entry.Source, entry.Prefix, name, rewritten, error);
        }

        return new PullSource(parsed.Registry, parsed.Repository);
    }
}

/// <summary>One place a pull reads from: a registry (<c>host[:port]</c>) and a repository in it.</summary>
internal sealed class PullSource
{
    public PullSource(string registry, string repository)
    {
        Registry = registry;
        Repository = repository;
    }

    public string Registry { get; }

    public string Repository { get; }

    public override string ToString() => Registry + "/" + Repository;
}
