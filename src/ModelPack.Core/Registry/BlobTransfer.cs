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

    /// <summary>
    /// Feeds bytes to the hash as they arrive, before they are written. <see cref="WriteHashedAsync"/>
    /// must follow for the same bytes, in order; if a write fails the download is over and the hash is
    /// not used again.
    /// </summary>
    public void Hash(byte[] buffer, int offset, int count) => Hasher.AppendData(buffer, offset, count);

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
