using System;
using System.IO;
using System.Linq;
using System.Security.Cryptography;
using System.Text;
using System.Threading;
using ModelPack.Core.Errors;
using ModelPack.Core.Layout;
using ModelPack.Core.Spec;
using ModelPack.Core.Store;
using SharpCompress.Common;
using SharpCompress.Common.Tar.Headers;
using SharpCompress.Compressors;
using SharpCompress.Compressors.Deflate;
using SharpCompress.Writers.Tar;
using ZstdCompressionStream = SharpCompress.Compressors.ZStandard.CompressionStream;

namespace ModelPack.Core.Packing;

/// <summary>
/// Streams one planned layer into a temp file, reading each source file once and hashing on the way: the
/// blob's digest, and for compressed tar layers the digest of the tar inside (its diffId).
/// </summary>
/// <remarks>
/// Tar layers are reproducible. Entries are written in ordinal path order, with the request's fixed mtime,
/// by SharpCompress's <see cref="TarWriter"/>, which writes uid and gid 0, empty user and group names, no PAX
/// records (so no atime or ctime), typeflag NUL (the pre-POSIX spelling of a regular file, which every reader
/// accepts) and mode 0777: it offers no way to set the mode, so consumers see every entry as rwx (the store's
/// extractor makes them read-only). Names of up to 100 bytes use ustar headers; a layer with a longer name
/// uses SharpCompress's GNU long-name records (v7 headers) instead, decided by the names alone. No directory
/// entries are written (extractors create parents). gzip is SharpCompress's managed deflate at the default
/// level, with mtime 0 and no file name in the header, so the bytes do not depend on the platform's zlib;
/// zstd is SharpCompress's port of zstd at level 3, single-threaded. A SharpCompress upgrade may change the
/// compressed bytes (the digest), never the tar inside (the diffId).
/// </remarks>
internal static class LayerWriter
{
    private const int BufferSize = 1024 * 1024;
    private const int UstarNameLimit = 100;
    private const int ZstdLevel = 3;

    /// <summary>Writes the layer into <paramref name="tempDirectory"/>, not flushed; on failure nothing is left there.</summary>
    public static WrittenLayer Write(PlannedLayer layer, string tempDirectory, Action<PlannedFile, long> progress, CancellationToken cancellationToken)
    {
        var temp = Path.Combine(tempDirectory, "pack-" + Guid.NewGuid().ToString("N"));
        try
        {
            return layer.Packing == LayerPacking.Raw
                ? WriteRaw(layer, temp, progress, cancellationToken)
                : WriteTar(layer, temp, progress, cancellationToken);
        }
        catch
        {
            AtomicFile.TryDelete(temp);
            throw;
        }
    }

    /// <summary>
    /// A raw layer is the file itself. Where the file system can, the temp file is a clone of it (FICLONE: no data
    /// copied, and later edits of either file never reach the other) and the source is hashed (it is more likely in the
    /// page cache than the new clone); its size and modification time before the clone and after the hash prove the
    /// clone holds the bytes hashed. Elsewhere the file is read once, each buffer hashed and written. Never a hard
    /// link: an edit of the user's file would change the stored blob. Nothing is flushed here (see ModelPacker).
    /// </summary>
    private static WrittenLayer WriteRaw(PlannedLayer layer, string temp, Action<PlannedFile, long> progress, CancellationToken cancellationToken)
    {
        var file = layer.Files[0];
        using var hasher = DigestAlgorithm.Sha256.CreateHasher();
        long total;
        bool cloned;
        using (var source = OpenSource(file))
        using (var output = new FileStream(temp, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1, FileOptions.SequentialScan))
        {
            progress(file, 0);
            var before = BlobStamp.Of(file.SourcePath);
            cloned = FileClone.TryClone(source, output, out _);
            total = HashEach(file, source, cloned ? null : output, hasher, progress, cancellationToken);
            if (cloned && !Equals(BlobStamp.Of(file.SourcePath), before))
            {
                throw Changed(file, "it was written to while it was cloned and hashed");
            }
        }

        if (cloned && new FileInfo(temp).Length != total)
        {
            throw Changed(file, "its clone does not have the bytes that were hashed");
        }

        if (total != file.Size)
        {
            throw Changed(file, $"it has {total} bytes, not the {file.Size} it had when the folder was scanned");
        }

        var digest = Digest.FromSha256Hash(hasher.GetHashAndReset()).ToString();
        return new WrittenLayer(layer, temp, digest, total, digest) { Cloned = cloned };
    }

    /// <summary>Reads <paramref name="input"/> to its end, hashing each buffer and writing it to <paramref name="output"/> when given; the byte count.</summary>
    private static long HashEach(PlannedFile file, Stream input, Stream? output, IncrementalHash hasher, Action<PlannedFile, long> progress, CancellationToken cancellationToken)
    {
        var buffer = new byte[BufferSize];
        long total = 0;
        int read;
        while ((read = input.Read(buffer, 0, buffer.Length)) > 0)
        {
            cancellationToken.ThrowIfCancellationRequested();
            total += read;
            if (total > file.Size)
            {
                throw Changed(file, $"it grew beyond the {file.Size} bytes it had when the folder was scanned");
            }

            hasher.AppendData(buffer, 0, read);
            output?.Write(buffer, 0, read);
            progress(file, total);
        }

        return total;
    }

    private static WrittenLayer WriteTar(PlannedLayer layer, string temp, Action<PlannedFile, long> progress, CancellationToken cancellationToken)
    {
        var format = layer.Files.Any(f => Encoding.UTF8.GetByteCount(f.Path) > UstarNameLimit)
            ? TarHeaderWriteFormat.GNU_TAR_LONG_LINK
            : TarHeaderWriteFormat.USTAR;
        using var blobHasher = DigestAlgorithm.Sha256.CreateHasher();
        using var tarHasher = DigestAlgorithm.Sha256.CreateHasher();
        long blobSize;
        using (var output = new FileStream(temp, FileMode.CreateNew, FileAccess.Write, FileShare.None, BufferSize, FileOptions.SequentialScan))
        {
            var blob = new HashingWriteStream(output, blobHasher);
            Stream? compressor = layer.Packing switch
            {
                LayerPacking.Tar => null,
                LayerPacking.TarGzip => new GZipStream(blob, CompressionMode.Compress, CompressionLevel.Default, Encoding.UTF8, leaveOpen: true)
                {
                    // Without it SharpCompress writes the current time into the gzip header.
                    LastModified = PackRequest.DefaultModificationTime.UtcDateTime,
                },
                LayerPacking.TarZstd => new ZstdCompressionStream(blob, ZstdLevel, 0, leaveOpen: true),
                _ => throw new ArgumentOutOfRangeException(nameof(layer), layer.Packing, "Unknown packing."),
            };
            try
            {
                var tar = compressor is null ? blob : new HashingWriteStream(compressor, tarHasher);
                var options = new TarWriterOptions(CompressionType.None, finalizeArchiveOnClose: true, format) { LeaveStreamOpen = true };
                using (var writer = new TarWriter(tar, options))
                {
                    foreach (var file in layer.Files)
                    {
                        cancellationToken.ThrowIfCancellationRequested();
                        using var source = OpenSource(file);
                        progress(file, 0);
                        var counted = new CountingReadStream(source, file.Size, bytes => progress(file, bytes), cancellationToken);
                        writer.Write(file.Path, counted, file.ModificationTime.UtcDateTime, file.Size);
                        if (counted.BytesRead != file.Size)
                        {
                            throw Changed(file, $"it has {counted.BytesRead} bytes, not the {file.Size} it had when the folder was scanned");
                        }

                        if (source.ReadByte() >= 0)
                        {
                            throw Changed(file, $"it grew beyond the {file.Size} bytes it had when the folder was scanned");
                        }
                    }
                }
            }
            finally
            {
                compressor?.Dispose();
            }

            blobSize = blob.BytesWritten;
        }

        var digest = Digest.FromSha256Hash(blobHasher.GetHashAndReset()).ToString();
        var diffId = layer.Packing == LayerPacking.Tar ? digest : Digest.FromSha256Hash(tarHasher.GetHashAndReset()).ToString();
        return new WrittenLayer(layer, temp, digest, blobSize, diffId);
    }

    private static FileStream OpenSource(PlannedFile file)
    {
        try
        {
            return new FileStream(file.SourcePath, FileMode.Open, FileAccess.Read, FileShare.Read, 1, FileOptions.SequentialScan);
        }
        catch (Exception ex) when (ex is UnauthorizedAccessException or IOException)
        {
            throw PackErrors.FileUnreadable(file, ex);
        }
    }

    private static ModelPackException Changed(PlannedFile file, string what) => PackErrors.FileChanged(file, what);
}
