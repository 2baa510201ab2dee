using System;
using System.IO;
using System.IO.Compression;
using System.Threading;
using ModelPack.Core.Errors;
using ModelPack.Core.Spec;
using SharpCompress.Common;
using SharpCompress.Readers;
using ZstdDecompressionStream = SharpCompress.Compressors.ZStandard.DecompressionStream;

namespace ModelPack.Core.Store;

/// <summary>
/// Extracts tar, tar+gzip and tar+zstd layers into a directory, refusing anything that could reach
/// outside it. Entry names are relative to the directory (the snapshot root), as modctl writes them:
/// it names each entry by its path relative to the model's working directory, so a layer whose
/// <c>org.cncf.model.filepath</c> is <c>tokenizer</c> holds <c>tokenizer/...</c> entries. The annotation
/// itself is therefore not prepended.
/// </summary>
/// <remarks>
/// Allowed: directories; regular files (mode 0444, or 0555 when the entry has any execute bit; setuid,
/// setgid, owners and times are not kept); symbolic links whose relative target, following the links
/// already extracted, stays inside; hard links to a regular file already extracted (a copy where the file
/// system cannot link). Refused with <see cref="ErrorIds.UnsafeLayerPath"/>: absolute, drive, UNC or '..'
/// names; anything written through a symbolic link; devices, FIFOs and other entry types. Two entries (or
/// layers) claiming one path fail with <see cref="ErrorIds.LayerPathConflict"/>. Refused with
/// <see cref="ErrorIds.InvalidLayerArchive"/>: archives that cannot be read, an entry with fewer bytes than its
/// header says, and an archive that ends without its end-of-archive block (a cut there would silently drop every
/// later entry). Bounded (<see cref="ArchiveLimits"/>): the entries of a layer (<see cref="ErrorIds.TooManyLayerEntries"/>),
/// the archive bytes a compressed layer expands to (<see cref="ErrorIds.CompressionRatioExceeded"/>), and the
/// bytes written, by the free space of the target's file system (<see cref="ErrorIds.InsufficientFreeSpace"/>).
/// One extractor may extract several layers into the same directory; it remembers what each placed.
/// </remarks>
public sealed partial class TarLayerExtractor
{
    private const int ExecuteBits = 0x49; // 0111

    private readonly SnapshotTree tree;

    private readonly ArchiveLimits limits;

    /// <summary>For image layers: only entries under this directory of the image root are extracted, re-rooted.</summary>
    private readonly string? subtree;

    /// <summary>
    /// Extracts into <paramref name="targetDirectory"/>, which is created if missing and must be empty: the
    /// safety checks trust only what this extractor created, so a link already there could be written through.
    /// </summary>
    public TarLayerExtractor(string targetDirectory)
        : this(targetDirectory, ArchiveLimits.Default)
    {
    }

    /// <inheritdoc cref="TarLayerExtractor(string)"/>
    /// <param name="targetDirectory">A new or empty directory.</param>
    /// <param name="limits">How far each layer may expand.</param>
    public TarLayerExtractor(string targetDirectory, ArchiveLimits limits)
        : this(new SnapshotTree(targetDirectory ?? throw new ArgumentNullException(nameof(targetDirectory))), null, limits)
    {
        Directory.CreateDirectory(tree.Root);
        using var entries = Directory.EnumerateFileSystemEntries(tree.Root).GetEnumerator();
        if (entries.MoveNext())
        {
            throw new ArgumentException($"'{tree.Root}' is not empty; extract layers into a new or empty directory.", nameof(targetDirectory));
        }
    }

    /// <param name="tree">The snapshot being built.</param>
    /// <param name="subtree">
    /// For container-image layers (rootfs diffs): the image directory that becomes the snapshot root, such as
    /// <c>models</c>. Entries outside it are skipped unread (a base image's absolute links, devices and
    /// whiteouts do not matter to the model); entries inside are re-rooted and checked as usual; absolute
    /// link targets inside it are made relative; whiteouts inside it are refused, because a snapshot is built
    /// by adding, never deleting.
    /// </param>
    /// <param name="limits">How far each layer may expand (default <see cref="ArchiveLimits.Default"/>).</param>
    internal TarLayerExtractor(SnapshotTree tree, string? subtree = null, ArchiveLimits? limits = null)
    {
        this.tree = tree;
        this.subtree = subtree;
        this.limits = limits ?? ArchiveLimits.Default;
    }

    public string TargetDirectory => tree.Root;

    /// <summary>Extracts the (already verified) blob file of a layer.</summary>
    public void Extract(string blobPath, LayerPacking packing, string layerDigest, CancellationToken cancellationToken = default)
    {
        if (blobPath is null)
        {
            throw new ArgumentNullException(nameof(blobPath));
        }

        using var blob = new FileStream(blobPath, FileMode.Open, FileAccess.Read, FileShare.Read, FileMaterializer.CopyBufferSize, FileOptions.SequentialScan);
        Extract(blob, packing, layerDigest, cancellationToken);
    }

    /// <summary>Extracts a layer read from <paramref name="blob"/>, which is left open.</summary>
    public void Extract(Stream blob, LayerPacking packing, string layerDigest, CancellationToken cancellationToken = default)
    {
        if (blob is null)
        {
            throw new ArgumentNullException(nameof(blob));
        }

        if (layerDigest is null)
        {
            throw new ArgumentNullException(nameof(layerDigest));
        }

        if (packing == LayerPacking.Raw)
        {
            throw new ArgumentException("A raw layer is a single file, not an archive; place it with FileMaterializer.", nameof(packing));
        }

        // A compressed layer may expand to a multiple of its size; a plain tar's archive bytes are the blob's.
        var compressedSize = blob.CanSeek ? blob.Length - blob.Position : (long?)null;
        var expandLimit = packing == LayerPacking.Tar || compressedSize is null ? long.MaxValue : limits.MaxExpandedBytes(compressedSize.Value);
        var session = new Session(this, packing, layerDigest, FreeSpace.Available(tree.Root), cancellationToken);
        var decompressed = Decompress(blob, packing);
        try
        {
            var meter = new ArchiveReadMeter(decompressed, expandLimit, read => SnapshotErrors.CompressionBomb(layerDigest, Session.PackingName(packing), compressedSize ?? 0, read, limits));

            // ReaderFactory rather than TarReader.OpenReader: in SharpCompress 0.50.8 the latter fails on
            // non-seekable streams such as a decompressor. The factory sniffs the format, so it is checked.
            using var reader = session.Read(() => ReaderFactory.OpenReader(meter, new ReaderOptions { LeaveStreamOpen = true }));
            if (reader.Type != ArchiveType.Tar)
            {
                throw SnapshotErrors.InvalidArchive(layerDigest, Session.PackingName(packing), new InvalidDataException($"The content is {reader.Type}, not tar."));
            }

            while (session.Read(reader.MoveToNextEntry))
            {
                cancellationToken.ThrowIfCancellationRequested();
                session.ExtractEntry(reader);
            }

            // The reader stops at the zero block that ends an archive without reading on (SharpCompress 0.50.8
            // reads each header as one 512-byte block), and asks for more only when there is none: an archive cut
            // between entries would otherwise pass, short of its later entries. Were a newer reader to read ahead,
            // whole archives would fail here (closed, not open) and the extractor tests would say so.
            if (meter.RanOut)
            {
                throw SnapshotErrors.InvalidArchive(layerDigest, Session.PackingName(packing), new InvalidDataException($"The archive ends after {meter.BytesRead} bytes without the zero block that ends a tar archive: it was cut short."));
            }
        }
        finally
        {
            if (!ReferenceEquals(decompressed, blob))
            {
                decompressed.Dispose();
            }
        }

        tree.ValidateSymbolicLinks();
    }

    internal static Stream Decompress(Stream blob, LayerPacking packing) => packing switch
    {
        LayerPacking.Tar => blob,
        LayerPacking.TarGzip => new GZipStream(blob, CompressionMode.Decompress, leaveOpen: true),
        LayerPacking.TarZstd => new ZstdDecompressionStream(blob, bufferSize: 0, checkEndOfStream: true, leaveOpen: true),
        _ => throw new ArgumentOutOfRangeException(nameof(packing), packing, "Unknown layer packing."),
    };

    private static bool NamesRoot(string name)
    {
        foreach (var segment in name.Split('/', '\\'))
        {
            if (segment.Length != 0 && segment != ".")
            {
                return false;
            }
        }

        return true;
    }
}
