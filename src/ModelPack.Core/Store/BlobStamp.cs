using System;
using System.IO;

namespace ModelPack.Core.Store;

/// <summary>
/// A blob file's size and modification time, as one stat reads them. The store only ever replaces a blob by renaming
/// a new file over it and a hand edit rewrites it, so a file whose stamp is the one recorded still holds the bytes
/// that were read then.
/// </summary>
internal readonly struct BlobStamp : IEquatable<BlobStamp>
{
    public BlobStamp(long length, long modifiedTicks)
    {
        Length = length;
        ModifiedTicks = modifiedTicks;
    }

    public long Length { get; }

    /// <summary>The last write time in UTC ticks (100 ns; Linux file systems keep nanoseconds).</summary>
    public long ModifiedTicks { get; }

    /// <summary>The stamp of the file at <paramref name="path"/>, or null when there is none.</summary>
    public static BlobStamp? Of(string path)
    {
        var info = new FileInfo(path);
        return info.Exists ? new BlobStamp(info.Length, info.LastWriteTimeUtc.Ticks) : null;
    }

    public bool Equals(BlobStamp other) => Length == other.Length && ModifiedTicks == other.ModifiedTicks;

    public override bool Equals(object? obj) => obj is BlobStamp other && Equals(other);

    public override int GetHashCode() => unchecked((Length.GetHashCode() * 397) ^ ModifiedTicks.GetHashCode());
}
