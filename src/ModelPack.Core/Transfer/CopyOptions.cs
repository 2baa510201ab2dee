using System;
using System.Collections.Generic;
using ModelPack.Core.Spec;

namespace ModelPack.Core.Transfer;

/// <summary>How <see cref="TransferEngine.CopyAsync"/> copies.</summary>
internal sealed class CopyOptions
{
    /// <summary>Blobs copied at once (default 4).</summary>
    public int Concurrency { get; set; } = 4;

    /// <summary>Copy every blob even when the target has it (a re-pull with -Force, a repair of damaged blobs).</summary>
    public bool Force { get; set; }

    /// <summary>Every blob's bytes and its end (with its outcome: the skip and mount notifications), from transfer threads.</summary>
    public Action<TransferProgress>? Progress { get; set; }

    /// <summary>For a registry target: the repositories of that registry that may hold a blob, to mount it from.</summary>
    public Func<Descriptor, IReadOnlyList<string>>? MountFrom { get; set; }

    /// <summary>Verbose log lines (never secrets).</summary>
    public Action<string>? Log { get; set; }
}
