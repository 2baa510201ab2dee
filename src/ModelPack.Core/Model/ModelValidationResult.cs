using System.Collections.Generic;
using ModelPack.Core.Spec;

namespace ModelPack;

/// <summary>The outcome of Test-ModelArtifact for one manifest, config or artifact.</summary>
public sealed class ModelValidationResult
{
    public ModelValidationResult(string target, string kind, IReadOnlyList<SpecViolation> violations, string? digest = null)
    {
        Target = target;
        Kind = kind;
        Violations = violations;
        Digest = digest;
    }

    /// <summary>What was checked: a file path, or a reference inside a layout or store.</summary>
    public string Target { get; }

    /// <summary>Manifest, Config or Artifact (manifest, config and every blob).</summary>
    public string Kind { get; }

    public string? Digest { get; }

    public bool IsValid => Violations.Count == 0;

    public IReadOnlyList<SpecViolation> Violations { get; }

    /// <summary>
    /// For a partial artifact in the store, the files a partial Save left out: not checked and not counted as violations
    /// (what is there is verified). Empty for complete artifacts.
    /// </summary>
    public IReadOnlyList<string> NotDownloaded { get; internal set; } = System.Array.Empty<string>();

    /// <summary>True when some of the artifact's files were not downloaded (<see cref="NotDownloaded"/>).</summary>
    public bool Partial => NotDownloaded.Count > 0;

    public override string ToString() =>
        $"{Target}: {(IsValid ? "valid" : Violations.Count + " violation(s)")}{(Partial ? $", {NotDownloaded.Count} file(s) not downloaded" : string.Empty)}";
}
