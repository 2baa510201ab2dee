using System;
using System.Threading;
using System.Threading.Tasks;

namespace ModelPack.Core.Transfer;

/// <summary>
/// How one blob's bytes get from a reader into its partial file: the part of a store copy that a ranged,
/// parallel fetch (several Range requests written at their offsets) would replace, leaving the rest of the
/// engine (locks, resume, verification, publishing) as it is.
/// </summary>
internal interface IBlobFetch
{
    /// <summary>
    /// Fills <paramref name="partial"/> up to the blob's size, hashing every byte in order; returns the bytes
    /// received over the network. Failures leave the partial file holding what arrived (for a resume), except
    /// content that cannot be the blob's, which is cut off.
    /// </summary>
    /// <param name="slots">The copy's connection allowance (the caller holds one of its slots for this blob); a fetch may take more for parts.</param>
    Task<long> FetchAsync(IBlobReader reader, PartialBlob partial, Action<long> progress, TransferSlots slots, CancellationToken cancellationToken);
}
