using System;
using System.Threading;
using System.Threading.Tasks;
using ModelPack.Core.Errors;

namespace ModelPack.Core.Transfer;

/// <summary>
/// Fetches a large blob as parts of <see cref="PartSize"/> bytes over up to <see cref="ConnectionsPerBlob"/>
/// connections at once (each a closed <c>Range</c> request, written at its offset), for registries and CDNs
/// that cap what one connection may carry. The connections beyond the first are slots of the copy's allowance
/// that nothing else wants (<see cref="TransferSlots"/>). The blob is hashed in order as its prefix grows
/// without a gap, and published only once its digest verified; the parts done survive in a
/// <see cref="PartMap"/> for a later session. A blob under two parts, a source without ranges, and a server
/// (or the storage it redirects to) that answers a part with anything but that part go through
/// <see cref="SequentialFetch"/>, continuing after the hashed prefix.
/// </summary>
internal sealed class RangedFetch : IBlobFetch
{
    /// <summary>The <see cref="PartSize"/> of a pull nobody configured: 32 MiB.</summary>
    public const long DefaultPartSize = 32L * 1024 * 1024;

    /// <summary>The <see cref="ConnectionsPerBlob"/> of a pull nobody configured.</summary>
    public const int DefaultConnectionsPerBlob = 8;

    public RangedFetch(long partSize, int connectionsPerBlob)
    {
        if (partSize <= 0)
        {
            throw new ArgumentOutOfRangeException(nameof(partSize), "The part size must be positive.");
        }

        PartSize = partSize;
        ConnectionsPerBlob = Math.Max(1, connectionsPerBlob);
    }

    public long PartSize { get; }

    public int ConnectionsPerBlob { get; }

    public async Task<long> FetchAsync(IBlobReader reader, PartialBlob partial, Action<long> progress, TransferSlots slots, CancellationToken cancellationToken)
    {
        if (reader is not IRangedBlobReader ranged || (partial.Parts is null && !WorthParts(partial.Size)))
        {
            partial.EndParts();
            return await SequentialFetch.Instance.FetchAsync(reader, partial, progress, slots, cancellationToken).ConfigureAwait(false);
        }

        while (true)
        {
            try
            {
                using var download = new RangedDownload(ranged, partial, partial.BeginParts(PartSize), progress, slots) { Connections = ConnectionsPerBlob };
                if (!await download.RunAsync(cancellationToken).ConfigureAwait(false))
                {
                    break;
                }

                partial.Verify(reader.Target);
                return partial.Received;
            }
            catch (ModelPackException ex) when (partial.StartOverAfter(ex, reader))
            {
                // Parts of an earlier session may have been what was wrong: once more from byte 0.
            }
        }

        partial.Log(TransferErrors.InOneStream(partial.Blob.Digest, "the server did not answer a part with exactly that part"));
        partial.EndParts();
        return await SequentialFetch.Instance.FetchAsync(reader, partial, progress, slots, cancellationToken).ConfigureAwait(false);
    }

    private bool WorthParts(long size) => ConnectionsPerBlob > 1 && size >= 2 * PartSize;
}
