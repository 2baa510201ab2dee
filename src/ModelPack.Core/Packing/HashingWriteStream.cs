using System;
using System.IO;
using System.Security.Cryptography;

namespace ModelPack.Core.Packing;

/// <summary>A write-only pass-through that hashes and counts every byte on its way to <c>inner</c> (left open).</summary>
internal sealed class HashingWriteStream : Stream
{
    private readonly Stream _inner;
    private readonly IncrementalHash _hasher;

    public HashingWriteStream(Stream inner, IncrementalHash hasher)
    {
        _inner = inner;
        _hasher = hasher;
    }

    public long BytesWritten { get; private set; }

    public override bool CanRead => false;

    public override bool CanSeek => false;

    public override bool CanWrite => true;

    public override long Length => BytesWritten;

    public override long Position
    {
        get => BytesWritten;
        set => throw new NotSupportedException();
    }

    public override void Write(byte[] buffer, int offset, int count)
    {
        _hasher.AppendData(buffer, offset, count);
        _inner.Write(buffer, offset, count);
        BytesWritten += count;
    }

    public override void WriteByte(byte value) => Write(new[] { value }, 0, 1);

    public override void Flush() => _inner.Flush();

    public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();
}
