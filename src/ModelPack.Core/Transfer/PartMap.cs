using System;
using System.Buffers.Binary;
using System.IO;
using System.Text;
using ModelPack.Core.Layout;

namespace ModelPack.Core.Transfer;

/// <summary>
/// The parts of a blob downloaded over several ranged connections, and how many bytes of each are in the partial
/// file, kept in <c>tmp/&lt;hex&gt;.parts</c> beside it so that a later session resumes every part where it
/// stopped. Layout (little-endian): the magic <c>MPPARTS1</c>, the blob's size, the part size, then one 64-bit
/// count per part of the bytes written from the part's start. A count is updated in place (one 8-byte write)
/// only after the bytes it covers were written, so after a crash it never claims more than the file holds
/// (a power loss may still lose data the count covers: the blob's digest, checked before it is published,
/// catches that, and the download starts over). Thread-safe.
/// </summary>
internal sealed class PartMap : IDisposable
{
    private const int HeaderSize = 24;
    private const int MaxParts = 1 << 20;
    private static readonly byte[] Magic = Encoding.ASCII.GetBytes("MPPARTS1");

    private readonly FileStream _file;
    private readonly long[] _done;
    private readonly bool[] _claimed;
    private readonly object _gate = new();
    private readonly byte[] _slot = new byte[8];
    private long _total;

    private PartMap(string path, FileStream file, long size, long partSize, long[] done)
    {
        FilePath = path;
        _file = file;
        Size = size;
        PartSize = partSize;
        _done = done;
        _claimed = new bool[done.Length];
        foreach (var part in done)
        {
            _total += part;
        }
    }

    public string FilePath { get; }

    public long Size { get; }

    public long PartSize { get; }

    public int Count => _done.Length;

    /// <summary>The bytes written in all parts.</summary>
    public long TotalDone
    {
        get
        {
            lock (_gate)
            {
                return _total;
            }
        }
    }

    /// <summary>The file beside <paramref name="partialPath"/> (<c>&lt;hex&gt;.partial</c>) that lists its parts.</summary>
    public static string PathFor(string partialPath) => Path.ChangeExtension(partialPath, ".parts");

    /// <summary>
    /// Writes a new map for a blob of <paramref name="size"/> bytes whose first <paramref name="prefix"/> bytes are
    /// in the file already (a download that began in one stream), in one write.
    /// </summary>
    public static PartMap Create(string path, long size, long partSize, long prefix)
    {
        if (partSize <= 0 || (size + partSize - 1) / partSize > MaxParts)
        {
            throw new ArgumentOutOfRangeException(nameof(partSize), $"Part size {partSize} does not fit a blob of {size} bytes.");
        }

        var count = (int)((size + partSize - 1) / partSize);
        var done = new long[count];
        for (var i = 0; i < count; i++)
        {
            done[i] = Math.Max(0, Math.Min(prefix - (i * partSize), Math.Min(partSize, size - (i * partSize))));
        }

        var bytes = new byte[HeaderSize + (8 * count)];
        Magic.CopyTo(bytes, 0);
        BinaryPrimitives.WriteInt64LittleEndian(bytes.AsSpan(8), size);
        BinaryPrimitives.WriteInt64LittleEndian(bytes.AsSpan(16), partSize);
        for (var i = 0; i < count; i++)
        {
            BinaryPrimitives.WriteInt64LittleEndian(bytes.AsSpan(HeaderSize + (8 * i)), done[i]);
        }

        var file = new FileStream(path, FileMode.Create, FileAccess.ReadWrite, FileShare.None, 1);
        try
        {
            file.Write(bytes, 0, bytes.Length);
            file.Flush();
            return new PartMap(path, file, size, partSize, done);
        }
        catch
        {
            file.Dispose();
            AtomicFile.TryDelete(path);
            throw;
        }
    }

    /// <summary>
    /// The map at <paramref name="path"/>, or null when there is none. <paramref name="problem"/> says why a map
    /// that exists cannot be used (then null is returned too): it is not one, it is for another size, or it
    /// claims more bytes than the partial file's <paramref name="fileLength"/>.
    /// </summary>
    public static PartMap? Load(string path, long size, long fileLength, out string? problem)
    {
        problem = null;
        if (!File.Exists(path))
        {
            return null;
        }

        var file = new FileStream(path, FileMode.Open, FileAccess.ReadWrite, FileShare.None, 1);
        try
        {
            var bytes = new byte[Math.Min(file.Length, HeaderSize + (8L * MaxParts))];
            var filled = 0;
            while (filled < bytes.Length && file.Read(bytes, filled, bytes.Length - filled) is int read and > 0)
            {
                filled += read;
            }

            if (Parse(bytes, size, fileLength, out problem) is (long partSize, long[] done))
            {
                return new PartMap(path, file, size, partSize, done);
            }

            file.Dispose();
            return null;
        }
        catch
        {
            file.Dispose();
            throw;
        }
    }

    /// <summary>The blob offsets of part <paramref name="part"/>: its first byte and the byte after its last.</summary>
    public (long Start, long End) Bounds(int part) => (part * PartSize, Math.Min(Size, (part + 1) * PartSize));

    public long Done(int part)
    {
        lock (_gate)
        {
            return _done[part];
        }
    }

    /// <summary>The first part that is neither complete nor being downloaded, now marked as being downloaded; null when none is left.</summary>
    public int? Claim()
    {
        lock (_gate)
        {
            for (var i = 0; i < _done.Length; i++)
            {
                if (!_claimed[i] && _done[i] < PartLength(i))
                {
                    _claimed[i] = true;
                    return i;
                }
            }

            return null;
        }
    }

    public bool HasUnclaimed
    {
        get
        {
            lock (_gate)
            {
                for (var i = 0; i < _done.Length; i++)
                {
                    if (!_claimed[i] && _done[i] < PartLength(i))
                    {
                        return true;
                    }
                }

                return false;
            }
        }
    }

    /// <summary>Gives a part back (its download failed); what it wrote stays counted.</summary>
    public void Unclaim(int part)
    {
        lock (_gate)
        {
            _claimed[part] = false;
        }
    }

    /// <summary>Counts <paramref name="bytes"/> more written in <paramref name="part"/> (after they were) and records it; returns <see cref="TotalDone"/>.</summary>
    public long Advance(int part, long bytes)
    {
        lock (_gate)
        {
            _done[part] += bytes;
            BinaryPrimitives.WriteInt64LittleEndian(_slot, _done[part]);
            _file.Position = HeaderSize + (8L * part);
            _file.Write(_slot, 0, _slot.Length);
            _total += bytes;
            return _total;
        }
    }

    /// <summary>Where the bytes written without a gap from <paramref name="from"/> end (parts are written from their starts).</summary>
    public long ContiguousEnd(long from)
    {
        lock (_gate)
        {
            var position = from;
            for (var i = (int)(from / PartSize); i < _done.Length; i++)
            {
                var (start, end) = Bounds(i);
                var written = start + _done[i];
                if (written < position)
                {
                    return position;
                }

                position = written;
                if (written < end)
                {
                    return position;
                }
            }

            return position;
        }
    }

    /// <summary>Removes the map's file (the blob is complete, or its parts are no longer used).</summary>
    public void Delete()
    {
        Dispose();
        AtomicFile.TryDelete(FilePath);
    }

    public void Dispose() => _file.Dispose();

    private long PartLength(int part) => Math.Min(PartSize, Size - (part * PartSize));

    private static (long PartSize, long[] Done)? Parse(byte[] bytes, long size, long fileLength, out string? problem)
    {
        problem = "it is not a list of parts";
        if (bytes.Length < HeaderSize || !bytes.AsSpan(0, Magic.Length).SequenceEqual(Magic))
        {
            return null;
        }

        var recordedSize = BinaryPrimitives.ReadInt64LittleEndian(bytes.AsSpan(8));
        var partSize = BinaryPrimitives.ReadInt64LittleEndian(bytes.AsSpan(16));
        if (recordedSize != size || partSize <= 0 || (size + partSize - 1) / partSize > MaxParts)
        {
            problem = $"it is for {recordedSize} bytes in parts of {partSize}, not this blob's {size}";
            return null;
        }

        var count = (int)((size + partSize - 1) / partSize);
        if (bytes.Length != HeaderSize + (8L * count))
        {
            return null;
        }

        var done = new long[count];
        for (var i = 0; i < count; i++)
        {
            done[i] = BinaryPrimitives.ReadInt64LittleEndian(bytes.AsSpan(HeaderSize + (8 * i)));
            var start = i * partSize;
            if (done[i] < 0 || done[i] > Math.Min(partSize, size - start) || (done[i] > 0 && start + done[i] > fileLength))
            {
                problem = $"part {i} claims bytes the partial file does not hold";
                return null;
            }
        }

        problem = null;
        return (partSize, done);
    }
}
