using System;
using System.Globalization;

namespace ModelPack.Core.Store;

/// <summary>
/// How far one tar layer may expand while a snapshot is built, so a small blob cannot fill the disk or the
/// inode table: at most <see cref="MaxEntries"/> entries, and for tar+gzip and tar+zstd at most
/// <see cref="MaxCompressionRatio"/> times the blob's size of archive data (blobs under 1 MiB count as 1 MiB,
/// so small, very compressible text layers pass). The free space of the store's file system bounds it as well.
/// The defaults are far above what real models need; the config file's <c>maxLayerEntries</c> and
/// <c>maxCompressionRatio</c> change them.
/// </summary>
public sealed class ArchiveLimits
{
    public const int DefaultMaxEntries = 100_000;

    public const double DefaultMaxCompressionRatio = 100;

    /// <summary>Blobs smaller than this are allowed to expand as if they had this size.</summary>
    public const long RatioFloorBytes = 1024 * 1024;

    public ArchiveLimits(int maxEntries = DefaultMaxEntries, double maxCompressionRatio = DefaultMaxCompressionRatio)
    {
        if (maxEntries < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(maxEntries), "A layer must be allowed at least one entry.");
        }

        if (double.IsNaN(maxCompressionRatio) || maxCompressionRatio < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(maxCompressionRatio), "The compression ratio limit must be at least 1.");
        }

        MaxEntries = maxEntries;
        MaxCompressionRatio = maxCompressionRatio;
    }

    public static ArchiveLimits Default { get; } = new();

    /// <summary>Entries (files, directories, links) one tar layer may hold.</summary>
    public int MaxEntries { get; }

    /// <summary>How many times its compressed size a tar+gzip or tar+zstd layer may expand to.</summary>
    public double MaxCompressionRatio { get; }

    /// <summary>The most archive bytes a compressed layer of <paramref name="compressedSize"/> bytes may decompress to.</summary>
    public long MaxExpandedBytes(long compressedSize)
    {
        var limit = Math.Max(compressedSize, RatioFloorBytes) * MaxCompressionRatio;
        return limit >= long.MaxValue ? long.MaxValue : (long)limit;
    }

    public override string ToString() =>
        string.Format(CultureInfo.InvariantCulture, "at most {0} entries, compression ratio at most {1}", MaxEntries, MaxCompressionRatio);
}
