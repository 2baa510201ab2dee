using System;
using System.IO;

namespace ModelPack.Core.Store;

/// <summary>
/// The decompressed tar stream as the tar reader consumes it: counts the bytes, stops the read that passes
/// <see cref="Limit"/> (a compression bomb), and notes whether the stream ran out. The reader stops at the
/// end-of-archive zero block without reading further, so running out means the archive ended early.
/// </summary>
internal sealed class ArchiveReadMeter : Stream
{
    private readonly Stream _inner;
    private readonly Func<long, Exception> _tooMuch;

    /// <param name="inner">The decompressed archive; left open.</param>
    /// <param name="limit">The most bytes it may deliver.</param>
    /// <param name="tooMuch">The exception for a stream that delivers more (given the count so far).</param>
    public ArchiveReadMeter(Stream inner, long limit, Func<long, Exception> tooMuch)
    {
        _inner = inner;
        Limit = limit;
        _tooMuch = tooMuch;
    }

    public long Limit { get; }

    /// <summary>Bytes delivered so far.</summary>
    public long BytesRead { get; private set; }

    /// <summary>A read found no more data.</summary>
    public bool RanOut { get; private set; }

    public override bool CanRead => true;

    public override bool CanSeek => false;

    public override bool CanWrite => false;

    public override long Length => throw new NotSupportedException();

    public override long Position
    {
        get => BytesRead;
        set => throw new NotSupportedException();
    }

    public override int Read(byte[] buffer, int offset, int count)
    {
        var read = _inner.Read(buffer, offset, count);
        if (read == 0 && count > 0)
        {
            RanOut = true;
        }

        BytesRead += read;
        if (BytesRead > Limit)
        {
            throw _tooMuch(BytesRead);
        }

        return read;
    }

    public override void Flush()
    {
    }

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
}
