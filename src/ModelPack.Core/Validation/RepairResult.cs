using System.Collections.Generic;

namespace ModelPack.Core.Validation;

/// <summary>What a repair found and did.</summary>
public sealed class RepairResult
{
    internal RepairResult(ModelValidationResult before, ModelValidationResult after, IReadOnlyList<string> blobsRepaired, bool snapshotRebuilt)
    {
        Before = before;
        After = after;
        BlobsRepaired = blobsRepaired;
        SnapshotRebuilt = snapshotRebuilt;
    }

    /// <summary>The verification before anything was changed.</summary>
    public ModelValidationResult Before { get; }

    /// <summary>The verification after the repair; violations left are ones a download cannot fix (the content breaks the spec).</summary>
    public ModelValidationResult After { get; }

    /// <summary>Digests of the blobs downloaded again.</summary>
    public IReadOnlyList<string> BlobsRepaired { get; }

    public bool SnapshotRebuilt { get; }

    public bool IsRepaired => After.IsValid;
}
