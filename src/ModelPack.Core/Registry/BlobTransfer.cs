using System;
using System.IO;
using System.Security.Cryptography;
using System.Threading;
using System.Threading.Tasks;

namespace ModelPack.Core.Registry;

/// <summary>
/// Where one blob download stands: the blob's bytes present in the destination (<see cref="Position"/>),
/// the hash fed exactly those bytes, and the bytes received over the network by this call. A write is
/// counted only once it succeeded, so after any failure a retry continues at <see cref="Position"/>.
/// </summary>
internal sealed class BlobTransfer : IDisposable
{
    /// <summary>Below this, hashing on another thread costs more than it saves.</summary>
    private const int ParallelHashThreshold = 64 * 1024;

    private bool _ownsHasher;

    public BlobTransfer(long position, IncrementalHash hasher, bool ownsHasher)
    {
        Position = position;
        Hasher = hasher;
        _ownsHasher = ownsHasher;
    }

    public long Position { get; private set; }

    /// <summary>Bytes received and written by this call (without the starting offset).</summary>
    public long Received { get; private set; }

    public IncrementalHash Hasher { get; private set; }

    /// <summary>
    /// Writes the bytes and feeds them to the hash at the same time (the hash on another thread: for a
    /// large buffer both take long), and counts them once both are done. A failed write is a disk error
    /// that ends the download; the hash is not used after it.
    /// </summary>
    public async Task CommitAsync(Stream destination, byte[] buffer, int count, CancellationToken cancellationToken)
    {
        var hasher = Hasher;
        var hashing = count >= ParallelHashThreshold ? Task.Run(() => hasher.AppendData(buffer, 0, count), CancellationToken.None) : null;
        try
        {
            await destination.WriteAsync(buffer, 0, count, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            // Never leave a hash reading a buffer the caller may reuse.
            if (hashing is not null)
            {
                await hashing.ConfigureAwait(false);
            }
        }

        if (hashing is null)
        {
            hasher.AppendData(buffer, 0, count);
        }

        Position += count;
        Received += count;
    }

    /// <summary>Starts over from byte 0 with a fresh hash (the destination was cut back by the caller).</summary>
    public void Restart(IncrementalHash hasher)
    {
        if (_ownsHasher)
        {
            Hasher.Dispose();
        }

        Hasher = hasher;
        _ownsHasher = true;
        Position = 0;
    }

    public void Dispose()
    {
        if (_ownsHasher)
        {
            Hasher.Dispose();
        }
    }
}
