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

    /// <summary>Writes the bytes, feeds them to the hash, and counts them.</summary>
    public async Task CommitAsync(Stream destination, byte[] buffer, int count, CancellationToken cancellationToken)
    {
        Hash(buffer, count);
        await WriteHashedAsync(destination, buffer, count, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// The first half of a pipelined commit: feeds bytes to the hash before they are written (while the
    /// previous buffer's write is still running). <see cref="WriteHashedAsync"/> must follow, in order;
    /// if the write fails the download is over and the hash is not used again.
    /// </summary>
    public void Hash(byte[] buffer, int count) => Hasher.AppendData(buffer, 0, count);

    /// <summary>The second half: writes bytes already hashed and counts them.</summary>
    public async Task WriteHashedAsync(Stream destination, byte[] buffer, int count, CancellationToken cancellationToken)
    {
        await destination.WriteAsync(buffer, 0, count, cancellationToken).ConfigureAwait(false);
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
