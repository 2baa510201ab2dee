using System;
using System.IO;
using System.IO.Compression;
using System.Linq;
using System.Threading;
using ModelPack.Core.Errors;
using ModelPack.Core.Spec;
using SharpCompress.Common;
using SharpCompress.Common.Tar;
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
public sealed class TarLayerExtractor
{
    private const int ExecuteBits = 0x49; // 0111

    private const string WhiteoutPrefix = ".wh.";

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

    /// <summary>The state of one layer's extraction, so every error can name the layer.</summary>
    private sealed class Session
    {
        private readonly TarLayerExtractor owner;
        private readonly LayerPacking packing;
        private readonly string layerDigest;
        private readonly CancellationToken cancellationToken;
        private readonly byte[] buffer = new byte[FileMaterializer.CopyBufferSize];
        private readonly long? freeAtStart;
        private long written;
        private int entries;

        /// <param name="freeAtStart">The space free at the target when the layer's extraction began; null when unknown.</param>
        public Session(TarLayerExtractor owner, LayerPacking packing, string layerDigest, long? freeAtStart, CancellationToken cancellationToken)
        {
            this.owner = owner;
            this.packing = packing;
            this.layerDigest = layerDigest;
            this.freeAtStart = freeAtStart;
            this.cancellationToken = cancellationToken;
        }

        private SnapshotTree Tree => owner.tree;

        /// <summary>
        /// Runs a read of archive data. Decoding happens inside these calls, so whatever they throw (bad
        /// headers, corrupt gzip or zstd, truncation) means the layer is not a readable archive.
        /// </summary>
        public T Read<T>(Func<T> read)
        {
            try
            {
                return read();
            }
            catch (Exception ex) when (ex is not OperationCanceledException and not ModelPackException and not OutOfMemoryException)
            {
                throw SnapshotErrors.InvalidArchive(layerDigest, PackingName(packing), ex);
            }
        }

        public void ExtractEntry(IReader reader)
        {
            if (reader.Entry is not TarEntry entry || entry.CompressionType != CompressionType.None)
            {
                // The media type's packing already removed the compression; another layer of it means the
                // blob is not what its media type says.
                throw SnapshotErrors.InvalidArchive(layerDigest, PackingName(packing), new InvalidDataException($"The tar inside is itself compressed ({reader.Entry.CompressionType})."));
            }

            var name = entry.Key ?? string.Empty;
            var linkTarget = entry.LinkTarget;
            var kind = TarEntryClassifier.Classify(entry);
            if (kind == TarEntryKind.Metadata)
            {
                return;
            }

            if (owner.subtree is string root && !Rebase(root, kind, ref name, ref linkTarget))
            {
                return;
            }

            if (kind == TarEntryKind.Directory && NamesRoot(name))
            {
                return;
            }

            // Counted once extracted entries are known (an image's entries outside its subtree are only read).
            if (++entries > owner.limits.MaxEntries)
            {
                throw SnapshotErrors.TooManyEntries(layerDigest, owner.limits);
            }

            if (!SnapshotTree.TryNormalize(name, out var relative, out var error))
            {
                throw SnapshotErrors.Unsafe(layerDigest, name, "the entry name is unsafe: " + error);
            }

            switch (kind)
            {
                case TarEntryKind.Directory:
                    Tree.AddDirectory(relative, layerDigest, name);
                    break;
                case TarEntryKind.RegularFile:
                    WriteFile(reader, relative, (entry.Mode & ExecuteBits) != 0, name);
                    break;
                case TarEntryKind.SymbolicLink:
                    Tree.AddSymbolicLink(relative, linkTarget ?? string.Empty, layerDigest, name);
                    break;
                case TarEntryKind.HardLink:
                    AddHardLink(relative, linkTarget, name);
                    break;
                case TarEntryKind.CharacterDevice:
                    throw SnapshotErrors.Unsafe(layerDigest, name, "it is a character device; a model may contain only files, directories and links.");
                case TarEntryKind.BlockDevice:
                    throw SnapshotErrors.Unsafe(layerDigest, name, "it is a block device; a model may contain only files, directories and links.");
                case TarEntryKind.Fifo:
                    throw SnapshotErrors.Unsafe(layerDigest, name, "it is a FIFO (named pipe); a model may contain only files, directories and links.");
                default:
                    throw SnapshotErrors.Unsafe(layerDigest, name, "it is a tar entry of an unsupported type (not a file, directory or link).");
            }
        }

        /// <summary>
        /// Re-roots an image entry under <paramref name="root"/>: false when it lies outside (skip it). The name
        /// becomes relative to the root; a hard link's target likewise; a symbolic link's absolute target under
        /// the root becomes relative to the link's directory.
        /// </summary>
        private bool Rebase(string root, TarEntryKind kind, ref string name, ref string? linkTarget)
        {
            var inside = Inside(name, root);
            if (inside is null)
            {
                return false;
            }

            var shown = "/" + root + (inside.Length == 0 ? string.Empty : "/" + inside);
            if (inside.Length == 0 && kind != TarEntryKind.Directory)
            {
                throw UnsupportedImage(shown, $"the image's /{root} is not a directory; models packaged as images keep their files in a /{root} directory.");
            }

            var lastSegment = inside.Substring(inside.LastIndexOf('/') + 1);
            if (lastSegment.StartsWith(WhiteoutPrefix, StringComparison.Ordinal))
            {
                throw UnsupportedImage(shown, $"it is a whiteout (a later layer deletes or replaces files under /{root}), which a snapshot cannot apply. Rebuild the image so that /{root} is written once, for example with a single COPY.");
            }

            if (kind == TarEntryKind.HardLink)
            {
                linkTarget = Inside(linkTarget ?? string.Empty, root) is { Length: > 0 } target
                    ? target
                    : throw SnapshotErrors.Unsafe(layerDigest, shown, $"it is a hard link to '{linkTarget}', outside the image's /{root}.");
            }
            else if (kind == TarEntryKind.SymbolicLink && linkTarget is not null && linkTarget.StartsWith("/", StringComparison.Ordinal))
            {
                var target = Inside(linkTarget, root);
                if (target is not null)
                {
                    var depth = inside.Split('/').Length - 1;
                    var up = string.Concat(Enumerable.Repeat("../", depth));
                    linkTarget = target.Length == 0 ? (depth == 0 ? "." : up.TrimEnd('/')) : up + target;
                }
            }

            name = inside;
            return true;
        }

        /// <summary>The path below <paramref name="root"/> ("" for the root itself), or null when it is elsewhere.</summary>
        private static string? Inside(string path, string root)
        {
            var trimmed = path;
            while (trimmed.StartsWith("./", StringComparison.Ordinal) || trimmed.StartsWith("/", StringComparison.Ordinal))
            {
                trimmed = trimmed.Substring(trimmed[0] == '/' ? 1 : 2);
            }

            if (string.Equals(trimmed, root, StringComparison.Ordinal) || string.Equals(trimmed, root + "/", StringComparison.Ordinal))
            {
                return string.Empty;
            }

            return trimmed.StartsWith(root + "/", StringComparison.Ordinal) ? trimmed.Substring(root.Length + 1).TrimEnd('/') : null;
        }

        private ModelPackException UnsupportedImage(string entryName, string reason) => new(
            ErrorIds.UnsupportedImageContent,
            ErrorKind.InvalidData,
            $"Cannot use '{entryName}' in image layer {layerDigest}: {reason}",
            entryName);

        private void WriteFile(IReader reader, string relative, bool executable, string name)
        {
            var size = reader.Entry.Size;
            EnsureRoomFor(size, name);
            var path = Tree.ReserveFile(relative, executable, layerDigest, name);
            long copied = 0;
            using (var input = Read(reader.OpenEntryStream))
            using (var output = new FileStream(path, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1, FileOptions.SequentialScan))
            {
                int count;
                while ((count = Read(() => input.Read(buffer, 0, (int)Math.Min(buffer.Length, Math.Max(1, size - copied))))) > 0)
                {
                    cancellationToken.ThrowIfCancellationRequested();
                    output.Write(buffer, 0, count);
                    copied += count;
                }
            }

            if (copied != size)
            {
                throw SnapshotErrors.InvalidArchive(layerDigest, PackingName(packing), new InvalidDataException($"The entry '{name}' has {copied} of the {size} bytes its header says: the archive was cut short."));
            }

            written += size;
            FileMaterializer.MakeReadOnly(path, executable);
        }

        /// <summary>
        /// The header says how big an entry is before a byte of it is written, so one that would not fit in what
        /// was free when the layer began (less what the layer wrote since) is refused before it fills the disk.
        /// </summary>
        private void EnsureRoomFor(long size, string name)
        {
            if (freeAtStart is long free && size > free - written)
            {
                throw FreeSpace.Insufficient(Tree.Root, FreeSpace.Add(written, size), free, $"Extracting layer {layerDigest} (entry '{name}')", layerDigest);
            }
        }

        private void AddHardLink(string relative, string? target, string name)
        {
            // Hard-link targets in a tar are archive paths (relative to the root), not relative to the link.
            if (!SnapshotTree.TryNormalize(target, out var targetRelative, out var error))
            {
                throw SnapshotErrors.Unsafe(layerDigest, name, $"it is a hard link to '{target}', whose path is unsafe: {error}");
            }

            if (SnapshotTree.PathComparer.Equals(targetRelative, relative) && Tree.IsFile(relative))
            {
                return; // GNU tar records a file listed twice as a link to itself.
            }

            var source = Tree.ExistingFile(targetRelative, layerDigest, name, out var executable);
            var path = Tree.ReserveFile(relative, executable, layerDigest, name);
            if (FileMaterializer.LinkOrCopy(source, path, cancellationToken) == MaterializeMethod.Copy)
            {
                FileMaterializer.MakeReadOnly(path, executable);
            }
        }

        public static string PackingName(LayerPacking packing) => packing switch
        {
            LayerPacking.TarGzip => "tar+gzip",
            LayerPacking.TarZstd => "tar+zstd",
            _ => "tar",
        };
    }
}
