using System.Collections.Generic;
using ModelPack.Core.References;

namespace ModelPack.Core.Registry;

/// <summary>Where the candidates of a short name came from.</summary>
public enum ShortNameSource
{
    /// <summary>The reference names its registry: it is its own, only candidate.</summary>
    Qualified,

    /// <summary>An <c>[aliases]</c> entry of registries.conf or its drop-ins.</summary>
    Alias,

    /// <summary>An alias podman recorded in short-name-aliases.conf (it wins over registries.conf).</summary>
    AliasCache,

    /// <summary>One candidate per <c>unqualified-search-registries</c> entry, in order.</summary>
    SearchRegistries,

    /// <summary>No alias and no unqualified-search-registries setting: Docker's reading, docker.io.</summary>
    DockerHub,
}

/// <summary>
/// What a reference stands for after podman's short-name rules (<see cref="ShortNameResolver"/>): the fully qualified
/// candidates in order, why, and the <c>short-name-mode</c> that says what to do when there is more than one.
/// </summary>
public sealed class ShortNameResolution
{
    internal ShortNameResolution(ModelReference input, ShortNameSource source, IReadOnlyList<ModelReference> candidates, string mode, string? origin)
    {
        Input = input;
        Source = source;
        Candidates = candidates;
        Mode = mode;
        Origin = origin;
    }

    /// <summary>The reference as parsed (Docker's reading of a short name).</summary>
    public ModelReference Input { get; }

    public ShortNameSource Source { get; }

    /// <summary>Fully qualified references to try, in order; at least one.</summary>
    public IReadOnlyList<ModelReference> Candidates { get; }

    /// <summary><c>enforcing</c>, <c>permissive</c> (the default) or <c>disabled</c>.</summary>
    public string Mode { get; }

    /// <summary>The file the alias or the search list came from; null when none did.</summary>
    public string? Origin { get; }

    /// <summary>More than one candidate and enforcing mode: the user must choose (or the pull fails without a prompt).</summary>
    public bool NeedsChoice => Candidates.Count > 1 && Mode == ShortNameResolver.Enforcing;

    /// <summary>One line for -Verbose.</summary>
    public string Describe()
    {
        var name = Input.ShortName;
        return Source switch
        {
            ShortNameSource.Alias or ShortNameSource.AliasCache => $"'{name}' is a short name; the alias in '{Origin}' makes it '{Candidates[0]}'.",
            ShortNameSource.SearchRegistries when Candidates.Count == 1 => $"'{name}' is a short name; the one unqualified-search registry of '{Origin}' makes it '{Candidates[0]}'.",
            ShortNameSource.SearchRegistries => $"'{name}' is a short name; the unqualified-search-registries of '{Origin}' give {ShortNameResolver.List(Candidates)} (short-name-mode {Mode}).",
            ShortNameSource.DockerHub => $"'{name}' is a short name with no alias and no unqualified-search-registries in registries.conf; it means '{Candidates[0]}', as Docker reads it.",
            _ => $"'{Input}' is fully qualified.",
        };
    }
}
