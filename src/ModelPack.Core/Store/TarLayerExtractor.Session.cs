using System;
using System.IO;
using System.Linq;
using System.Threading;
using ModelPack.Core.Errors;
using ModelPack.Core.Spec;
using SharpCompress.Common;
using SharpCompress.Common.Tar;
using SharpCompress.Readers;

namespace ModelPack.Core.Store;

public sealed partial class TarLayerExtractor
{
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

            if (owner.subtree is string root && !ImageSubtree.Rebase(root, layerDigest, kind, ref name, ref linkTarget))
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

            Place(reader, entry, kind, relative, linkTarget, name);
        }

        private void Place(IReader reader, TarEntry entry, TarEntryKind kind, string relative, string? linkTarget, string name)
        {
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
