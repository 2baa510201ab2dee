using System;
using System.IO;
using System.Security.Cryptography;
using System.Threading;
using System.Threading.Tasks;
using ModelPack.Core.Errors;
using ModelPack.Core.Layout;
using ModelPack.Core.Spec;
using ModelPack.Core.Store;

namespace ModelPack.Core.Transfer;

/// <summary>
/// A blob being downloaded into <c>tmp/&lt;hex&gt;.partial</c>: the bytes on disk (<see cref="Position"/>) and the hash
/// fed exactly those bytes, carried across reconnections and rebuilt from the file when a later session resumes
/// it. A write is counted only once it succeeded, so after any failure the transfer continues at
/// <see cref="Position"/>. Disposing keeps the file (for a resume); <see cref="Delete"/> removes it.
/// A blob downloaded in parts (<see cref="RangedFetch"/>) also has a <see cref="PartMap"/> beside the file: parts
/// are written at their offsets (<see cref="WriteAt"/>), and <see cref="Position"/> is then the end of the prefix
/// that was hashed, read back from the file as it grows without a gap (<see cref="HashWritten"/>).
/// </summary>
internal sealed class PartialBlob : IDisposable
{
    private const int HashBufferSize = 1 << 20;

    private readonly FileStream _file;
    private readonly WriteBehindStream _writer;
    private readonly Action<string>? _log;
    private IncrementalHash _hasher;

    private int _restarts;
    private long _received;

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
        WriteBehind = writeBehind;
    }

    public string FilePath { get; }

    public Descriptor Blob { get; }

    public Digest Digest { get; }

    public long Size => Blob.Size;

    /// <summary>The blob's bytes on disk (and in the hash).</summary>
    public long Position { get; private set; }

    /// <summary>Bytes received and written in this session.</summary>
    public long Received => Interlocked.Read(ref _received);

    /// <summary>Bytes an earlier session left that are still at the start of the file (0 once it started over).</summary>
    public long Inherited { get; private set; }

    /// <summary>How often the transfer started over or was resumed after a failure.</summary>
    public int Restarts => Volatile.Read(ref _restarts);

    /// <summary>The parts of a download in parts (null for one in one stream).</summary>
    public PartMap? Parts { get; private set; }

    /// <summary>Whether data should be on its way to the disk during the download (it will be flushed before it is published).</summary>
    public bool WriteBehind { get; }

    /// <summary>A verbose log line about this download.</summary>
    public void Log(string line) => _log?.Invoke(line);

    /// <summary>Counts one more resume after a failure (from any of a ranged download's connections).</summary>
    public void CountRestart() => Interlocked.Increment(ref _restarts);

    /// <summary>
    /// Opens the partial file of <paramref name="blob"/> at <paramref name="path"/>, continuing after the bytes it
    /// holds (their hash read back from disk), or from 0 when it holds more than the blob.
    /// </summary>
    /// <param name="writeBehind">Start writing the data to disk during the download (the blob will be flushed before it is published).</param>
    public static async Task<PartialBlob> OpenAsync(string path, Descriptor blob, bool writeBehind, Action<string>? log, CancellationToken cancellationToken)
    {
        var digest = Digest.Parse(blob.Digest);
        var length = File.Exists(path) ? new FileInfo(path).Length : 0;
        var parts = OpenParts(path, blob, ref length, log);
        long offset = 0;
        if (parts is not null)
        {
            offset = parts.ContiguousEnd(0);
            log?.Invoke(TransferErrors.ResumingParts(blob.Digest, parts.TotalDone, blob.Size, parts.PartSize));
        }
        else if (length > blob.Size)
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
            file = new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None, 1, FileOptions.Asynchronous);
            if (parts is null && file.Length != offset)
            {
                // Only when there is something to cut: ext4 treats a truncate to zero as "replace the file's
                // content" and then flushes the whole file at the next journal commit, which made the
                // index.json write after a deferred pull wait for the disk.
                file.SetLength(offset);
            }

            file.Position = offset;
            return new PartialBlob(path, blob, file, hasher, writeBehind, log) { Parts = parts, Inherited = parts?.TotalDone ?? offset };
        }
        catch
        {
            file?.Dispose();
            parts?.Dispose();
            hasher.Dispose();
            throw;
        }
    }

    /// <summary>Starts (or goes on with) the download in parts of <paramref name="partSize"/>, the bytes already in the file counting as done.</summary>
    public PartMap BeginParts(long partSize) => Parts ??= PartMap.Create(PartMap.PathFor(FilePath), Size, partSize, Position);

    /// <summary>Goes back to one stream: the file is cut after the hashed prefix and the parts are forgotten.</summary>
    public void EndParts()
    {
        if (Parts is null)
        {
            return;
        }

        Parts.Delete();
        Parts = null;
        _writer.SetLength(Position);
        _writer.Position = Position;
    }

    /// <summary>Writes bytes of a part at their blob offset (not hashed: <see cref="HashWritten"/> reads them back) and counts them.</summary>
    public void WriteAt(byte[] buffer, int count, long offset)
    {
        if (count <= 0)
        {
            return;
        }

        lock (_file)
        {
            _file.Position = offset;
            _file.Write(buffer, 0, count);
        }

        Interlocked.Add(ref _received, count);
    }

    /// <summary>Asks the kernel to start writing a finished part to the disk (with <see cref="WriteBehind"/>; see <see cref="WriteBehindStream"/>).</summary>
    public void StartWriteback(long offset, long length)
    {
        if (WriteBehind)
        {
            WriteBehindStream.StartWriteback(_file.SafeFileHandle, offset, length);
        }
    }

    /// <summary>
    /// Feeds the hash a part's bytes that start at <see cref="Position"/>, from their buffer before they are written
    /// (still in the CPU cache); <see cref="WriteAt"/> must follow for the same bytes.
    /// </summary>
    public void HashArriving(byte[] buffer, int count)
    {
        _hasher.AppendData(buffer, 0, count);
        Position += count;
    }

    /// <summary>Feeds the hash the file's bytes from <see cref="Position"/> to <paramref name="end"/>, read back through <paramref name="buffer"/>.</summary>
    public void HashWritten(long end, byte[] buffer, CancellationToken cancellationToken)
    {
        while (Position < end)
        {
            cancellationToken.ThrowIfCancellationRequested();
            int read;
            lock (_file)
            {
                _file.Position = Position;
                read = _file.Read(buffer, 0, (int)Math.Min(buffer.Length, end - Position));
            }

            if (read == 0)
            {
                throw new IOException($"The partial download '{FilePath}' ends at {Position}, before the {end} bytes its parts say were written.");
            }

            _hasher.AppendData(buffer, 0, read);
            Position += read;
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
        Interlocked.Add(ref _received, count);
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
        Parts?.Delete();
        Parts = null;
        _writer.SetLength(0);
        _writer.Position = 0;
        _hasher.Dispose();
        _hasher = Digest.CreateHasher();
        Position = 0;
        Inherited = 0;
        CountRestart();
        return true;
    }

    /// <summary>
    /// After <paramref name="failure"/>: true when it was content that cannot be the blob (DigestMismatch,
    /// SizeMismatch) and the transfer started over (<see cref="TryStartOver"/>): from another place when the
    /// reader has one (a mirror sent the bad bytes), else once more from the same; otherwise false, and for such
    /// content the file is deleted. For an exception filter: the failure goes on unless this is true.
    /// </summary>
    public bool StartOverAfter(ModelPackException failure, IBlobReader reader)
    {
        if (failure.ErrorId is not (ErrorIds.DigestMismatch or ErrorIds.SizeMismatch))
        {
            return false;
        }

        if (reader is IFailoverReader other && other.TryOtherSource(failure))
        {
            return TryStartOver(StartOverReason.OtherSource, failure.ErrorId);
        }

        if (TryStartOver(StartOverReason.VerificationFailed, failure.ErrorId))
        {
            return true;
        }

        Delete();
        return false;
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

        Parts?.Delete();
        Dispose();
    }

    /// <summary>Removes the file: its bytes cannot be trusted as a prefix of the blob.</summary>
    public void Delete()
    {
        Parts?.Delete();
        Dispose();
        AtomicFile.TryDelete(FilePath);
    }

    public void Dispose()
    {
        Parts?.Dispose();
        _file.Dispose();
        _hasher.Dispose();
    }

    /// <summary>The part map of the partial file at <paramref name="path"/>; null (and none left on disk) when it has none that fits.</summary>
    private static PartMap? OpenParts(string path, Descriptor blob, ref long length, Action<string>? log)
    {
        var mapPath = PartMap.PathFor(path);
        var parts = PartMap.Load(mapPath, blob.Size, length, out var problem);
        if (problem is not null)
        {
            log?.Invoke(TransferErrors.DiscardingParts(blob.Digest, problem));
            AtomicFile.TryDelete(mapPath);
            AtomicFile.TryDelete(path);
            length = 0;
        }

        return parts;
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
