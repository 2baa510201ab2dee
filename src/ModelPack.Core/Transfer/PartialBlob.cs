using System;
using System.IO;
using System.Security.Cryptography;
using System.Threading;
using System.Threading.Tasks;
using ModelPack.Core.Layout;
using ModelPack.Core.Spec;
using ModelPack.Core.Store;

namespace ModelPack.Core.Transfer;

/// <summary>
/// A blob being downloaded into <c>tmp/&lt;hex&gt;.partial</c>: the bytes on disk (<see cref="Position"/>) and the hash
/// fed exactly those bytes, carried across reconnections and rebuilt from the file when a later session resumes
/// it. A write is counted only once it succeeded, so after any failure the transfer continues at
/// <see cref="Position"/>. Disposing keeps the file (for a resume); <see cref="Delete"/> removes it.
/// </summary>
internal sealed class PartialBlob : IDisposable
{
    private const int HashBufferSize = 1 << 20;

    private readonly FileStream _file;
    private readonly WriteBehindStream _writer;
    private readonly Action<string>? _log;
    private IncrementalHash _hasher;

    /// <param name="file">Open at the end of the bytes kept, which <paramref name="hasher"/> has been fed.</param>
    private PartialBlob(string path, Descriptor blob, FileStream file, IncrementalHash hasher, bool writeBehind, Action<string>? log)
    {
        FilePath = path;
        Blob = blob;
        Digest = Digest.Parse(blob.Digest);
        _file = file;
        _writer = new WriteBehindStream(file, writeBehind);
        _hasher = hasher;
        _log = log;
        Position = file.Position;
        Inherited = file.Position;
    }

    public string FilePath { get; }

    public Descriptor Blob { get; }

    public Digest Digest { get; }

    public long Size => Blob.Size;

    /// <summary>The blob's bytes on disk (and in the hash).</summary>
    public long Position { get; private set; }

    /// <summary>Bytes received and written in this session.</summary>
    public long Received { get; private set; }

    /// <summary>Bytes an earlier session left that are still at the start of the file (0 once it started over).</summary>
    public long Inherited { get; private set; }

    /// <summary>How often the transfer started over or was resumed after a failure.</summary>
    public int Restarts { get; set; }

    /// <summary>
    /// Opens the partial file of <paramref name="blob"/> at <paramref name="path"/>, continuing after the bytes it
    /// holds (their hash read back from disk), or from 0 when it holds more than the blob.
    /// </summary>
    /// <param name="writeBehind">Start writing the data to disk during the download (the blob will be flushed before it is published).</param>
    public static async Task<PartialBlob> OpenAsync(string path, Descriptor blob, bool writeBehind, Action<string>? log, CancellationToken cancellationToken)
    {
        var digest = Digest.Parse(blob.Digest);
        var length = File.Exists(path) ? new FileInfo(path).Length : 0;
        long offset = 0;
        if (length > blob.Size)
        {
            log?.Invoke(TransferErrors.DiscardingLonger(blob.Digest));
        }
        else if (length > 0)
        {
            offset = length;
            log?.Invoke(TransferErrors.Resuming(blob.Digest, length, blob.Size));
        }

        var hasher = offset > 0 ? await HashPrefixAsync(path, digest, offset, cancellationToken).ConfigureAwait(false) : digest.CreateHasher();
        FileStream? file = null;
        try
        {
            file = new FileStream(path, FileMode.OpenOrCreate, FileAccess.Write, FileShare.None, 1, FileOptions.Asynchronous);
            if (file.Length != offset)
            {
                // Only when there is something to cut: ext4 treats a truncate to zero as "replace the file's
                // content" and then flushes the whole file at the next journal commit, which made the
                // index.json write after a deferred pull wait for the disk.
                file.SetLength(offset);
            }

            file.Position = offset;
            return new PartialBlob(path, blob, file, hasher, writeBehind, log);
        }
        catch
        {
            file?.Dispose();
            hasher.Dispose();
            throw;
        }
    }

    /// <summary>
    /// Feeds bytes to the hash as they arrive, before they are written (still in the CPU cache).
    /// <see cref="WriteHashedAsync"/> must follow for the same bytes, in order.
    /// </summary>
    public void Hash(byte[] buffer, int offset, int count) => _hasher.AppendData(buffer, offset, count);

    /// <summary>The second half: writes bytes already hashed and counts them.</summary>
    public async Task WriteHashedAsync(byte[] buffer, int count, CancellationToken cancellationToken)
    {
        if (count <= 0)
        {
            return;
        }

        await _writer.WriteAsync(buffer, 0, count, cancellationToken).ConfigureAwait(false);
        Position += count;
        Received += count;
    }

    /// <summary>
    /// The one place that decides whether a transfer goes back to byte 0, and does it (file cut, fresh hash):
    /// always when the source ignored the offset (its answer starts at 0); after a failed verification only
    /// when bytes of an earlier session are part of the file (they may be what was wrong), and once.
    /// </summary>
    /// <param name="why">What happened, for the log.</param>
    public bool TryStartOver(StartOverReason reason, string why)
    {
        if (reason == StartOverReason.VerificationFailed && Inherited == 0)
        {
            return false;
        }

        _log?.Invoke(TransferErrors.StartingOver(reason, Blob.Digest, why));
        _writer.SetLength(0);
        _writer.Position = 0;
        _hasher.Dispose();
        _hasher = Digest.CreateHasher();
        Position = 0;
        Inherited = 0;
        Restarts++;
        return true;
    }

    /// <summary>Throws DigestMismatch unless the bytes hashed are the blob (call once <see cref="Position"/> reached its size).</summary>
    public void Verify(string target)
    {
        var hash = _hasher.GetHashAndReset();
        if (!Digest.Matches(hash))
        {
            throw TransferErrors.Altered(target, Digest, hash);
        }
    }

    public Task FlushAsync(CancellationToken cancellationToken) => _file.FlushAsync(cancellationToken);

    /// <summary>Writes everything out (and to the disk with <paramref name="flushToDisk"/>) and closes the file, ready to be published.</summary>
    public async Task CloseAsync(bool flushToDisk, CancellationToken cancellationToken)
    {
        await _file.FlushAsync(cancellationToken).ConfigureAwait(false);
        if (flushToDisk)
        {
            _file.Flush(flushToDisk: true);
        }

        Dispose();
    }

    /// <summary>Removes the file: its bytes cannot be trusted as a prefix of the blob.</summary>
    public void Delete()
    {
        Dispose();
        AtomicFile.TryDelete(FilePath);
    }

    public void Dispose()
    {
        _file.Dispose();
        _hasher.Dispose();
    }

    /// <summary>The hash state after the first <paramref name="length"/> bytes of a partial download, read back from disk.</summary>
    private static async Task<IncrementalHash> HashPrefixAsync(string path, Digest digest, long length, CancellationToken cancellationToken)
    {
        var hasher = digest.CreateHasher();
        try
        {
            var buffer = new byte[HashBufferSize];
            using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1, FileOptions.SequentialScan | FileOptions.Asynchronous);
            var remaining = length;
            while (remaining > 0)
            {
                var read = await stream.ReadAsync(buffer, 0, (int)Math.Min(buffer.Length, remaining), cancellationToken).ConfigureAwait(false);
                if (read == 0)
                {
                    break;
                }

                hasher.AppendData(buffer, 0, read);
                remaining -= read;
            }

            return hasher;
        }
        catch
        {
            hasher.Dispose();
            throw;
        }
    }
}
