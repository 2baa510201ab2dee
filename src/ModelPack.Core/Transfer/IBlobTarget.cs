using System;
using System.Collections.Generic;
using System.Threading;
using System.Threading.Tasks;
using ModelPack.Core.Spec;

namespace ModelPack.Core.Transfer;

/// <summary>Where a copy's blobs go: the store (<see cref="StoreTarget"/>) or a registry repository (<see cref="RegistryTarget"/>).</summary>
internal interface IBlobTarget
{
    /// <summary>Prepares to receive one blob (a store takes the blob's cross-process lock here); dispose it when done.</summary>
    Task<ITargetBlob> OpenAsync(Descriptor blob, CancellationToken cancellationToken);
}

/// <summary>One blob at the target, for the length of its copy.</summary>
internal interface ITargetBlob : IDisposable
{
    /// <summary>Whether the target holds the blob already (the store: a published file of its size; a registry: a HEAD).</summary>
    Task<bool> ExistsAsync(CancellationToken cancellationToken);

    /// <summary>Mounts the blob from the first of <paramref name="sources"/> that has it; the source used, or null.</summary>
    Task<string?> MountAsync(IReadOnlyList<string> sources, CancellationToken cancellationToken);

    /// <summary>Copies the blob's bytes from <paramref name="source"/>, verified, reporting the bytes present so far.</summary>
    /// <param name="slots">The copy's connection allowance, one slot of which the caller holds for this blob.</param>
    Task<BlobCopyResult> WriteAsync(IBlobSource source, Action<long> progress, TransferSlots slots, CancellationToken cancellationToken);
}
