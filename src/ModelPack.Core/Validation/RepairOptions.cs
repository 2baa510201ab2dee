using System;
using ModelPack.Core.References;

namespace ModelPack.Core.Validation;

/// <summary>How <see cref="ArtifactRepair.RepairAsync"/> repairs.</summary>
public sealed class RepairOptions
{
    /// <summary>Where damaged blobs are downloaded from; the artifact's own reference when null.</summary>
    public ModelReference? Source { get; set; }

    /// <summary>Verification steps, and the bytes of each blob downloaded again (from the download's thread).</summary>
    public IProgress<VerificationProgress>? Progress { get; set; }

    /// <summary>Verbose log lines.</summary>
    public Action<string>? Log { get; set; }
}
