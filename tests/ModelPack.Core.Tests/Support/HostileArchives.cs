using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Formats.Tar;
using System.IO;
using System.IO.Compression;
using System.Threading.Tasks;
using ModelPack.Core.Spec;

namespace ModelPack.Core.Tests.Support;

/// <summary>
/// Layer blobs that are hostile as archives, made in memory from streams: archives cut short, archives that
/// expand far beyond their size (zeros streamed through gzip or the real zstd, so a bomb's gigabytes are never
/// written anywhere), archives with many entries, and links that make walkers loop.
/// </summary>
public static class HostileArchives
{
    /// <summary>A tar of one file of <paramref name="size"/> zeros (streamed, never held whole).</summary>
    public static void WriteZeros(Stream destination, string name, long size)
    {
        using var writer = new TarWriter(destination, TarEntryFormat.Pax, leaveOpen: true);
        writer.WriteEntry(new PaxTarEntry(TarEntryType.RegularFile, name) { DataStream = new ZeroStream(size) });
    }

    /// <summary>A tar+gzip or tar+zstd layer of one file of <paramref name="size"/> zeros: a few KiB that expand to <paramref name="size"/>.</summary>
    public static byte[] ZeroBomb(LayerPacking packing, long size, string name = "zeros.bin")
    {
        return packing switch
        {
            LayerPacking.TarGzip => Gzip(stream => WriteZeros(stream, name, size)),
            LayerPacking.TarZstd => Zstd(stream => WriteZeros(stream, name, size)),
            _ => throw new ArgumentOutOfRangeException(nameof(packing)),
        };
    }

    /// <summary>A tar+gzip layer of <paramref name="count"/> empty files.</summary>
    public static byte[] ManyEntries(int count) => Gzip(stream =>
    {
        using var writer = new TarWriter(stream, TarEntryFormat.Pax, leaveOpen: true);
        for (var i = 0; i < count; i++)
        {
            writer.WriteEntry(new PaxTarEntry(TarEntryType.RegularFile, $"many/f{i}"));
        }
    });

    /// <summary>The tar of <paramref name="files"/> cut in the middle of the data of its last entry.</summary>
    public static byte[] CutInsideLastEntry(IDictionary<string, byte[]> files)
    {
        var tar = ArtifactBuilder.TarBytes(files);
        var end = EndOfEntries(tar);
        return tar.AsSpan(0, end - 1000).ToArray();
    }

    /// <summary>The tar of <paramref name="files"/> without its end-of-archive blocks: every entry whole, the end missing.</summary>
    public static byte[] WithoutEnd(IDictionary<string, byte[]> files)
    {
        var tar = ArtifactBuilder.TarBytes(files);
        return tar.AsSpan(0, EndOfEntries(tar)).ToArray();
    }

    public static byte[] Gzip(Action<Stream> write)
    {
        using var output = new MemoryStream();
        using (var gzip = new GZipStream(output, CompressionLevel.SmallestSize, leaveOpen: true))
        {
            write(gzip);
        }

        return output.ToArray();
    }

    /// <summary>Compresses what <paramref name="write"/> produces with the real zstd CLI, through its stdin and stdout.</summary>
    public static byte[] Zstd(Action<Stream> write)
    {
        var start = new ProcessStartInfo("zstd", "-q -c -")
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        using var process = Process.Start(start)!;
        using var output = new MemoryStream();
        var copy = process.StandardOutput.BaseStream.CopyToAsync(output);
        var errors = process.StandardError.ReadToEndAsync();
        using (var input = process.StandardInput.BaseStream)
        {
            write(input);
        }

        Task.WaitAll(copy, errors);
        process.WaitForExit();
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException("zstd failed: " + errors.Result);
        }

        return output.ToArray();
    }

    /// <summary>Where the end-of-archive zero blocks of a tar start: after the last non-zero 512-byte block.</summary>
    private static int EndOfEntries(byte[] tar)
    {
        for (var block = tar.Length / 512 - 1; block >= 0; block--)
        {
            if (tar.AsSpan(block * 512, 512).IndexOfAnyExcept((byte)0) >= 0)
            {
                return (block + 1) * 512;
            }
        }

        return 0;
    }

    /// <summary>A stream of <see cref="Length"/> zero bytes that is generated as it is read.</summary>
    private sealed class ZeroStream : Stream
    {
        private long _position;

        public ZeroStream(long length) => Length = length;

        public override bool CanRead => true;

        public override bool CanSeek => true;

        public override bool CanWrite => false;

        public override long Length { get; }

        public override long Position
        {
            get => _position;
            set => _position = value;
        }

        public override int Read(byte[] buffer, int offset, int count)
        {
            var n = (int)Math.Min(count, Length - _position);
            if (n <= 0)
            {
                return 0;
            }

            Array.Clear(buffer, offset, n);
            _position += n;
            return n;
        }

        public override long Seek(long offset, SeekOrigin origin) => _position = origin switch
        {
            SeekOrigin.Begin => offset,
            SeekOrigin.Current => _position + offset,
            _ => Length + offset,
        };

        public override void Flush()
        {
        }

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}
