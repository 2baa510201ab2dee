using System.Collections.Generic;
using System.Linq;
using ModelPack.Core.Spec;

namespace ModelPack.Core.Validation;

/// <summary>What a store verification found, in the form repair needs: which blobs are damaged, whether the snapshot is.</summary>
internal sealed class StoreFindings
{
    public List<SpecViolation> Violations { get; } = new();

    /// <summary>Descriptors (manifest, config, layers) whose stored blob is missing, of the wrong size or corrupt.</summary>
    public List<Descriptor> DamagedBlobs { get; } = new();

    /// <summary>The file paths of layers a partial pull left out: absent by choice, not damage.</summary>
    public List<string> NotDownloaded { get; } = new();

    public bool ManifestDamaged { get; set; }

    public bool SnapshotDamaged { get; set; }

    public bool HasDamage => DamagedBlobs.Count > 0 || SnapshotDamaged;

    public ModelValidationResult ToResult(string target, string digest) =>
        new(target, ArtifactValidator.ArtifactKind, Violations.ToList(), digest) { NotDownloaded = NotDownloaded.ToList() };
}
