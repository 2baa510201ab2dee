using System;
using System.IO;
using System.Threading;

namespace ModelPack.Core.Packing;

/// <summary>
/// A read-only view of at most <c>limit</c> bytes of a source file that reports its progress and notices
/// cancellation; the tar writer pulls a file's content through it.
/// </summary>
internal sealed class CountingReadStream : Stream
{
    private readonly Stream _inner;
    private readonly long _limit;
    private readonly Action<long> _progress;
    private readonly CancellationToken _cancellationToken;

    public CountingReadStream(Stream inner, long limit, Action<long> progress, CancellationToken cancellationToken)
    {
        _inner = inner;
        _limit = limit;
        _progress = progress;
        _cancellationToken = cancellationToken;
    }

    public long BytesRead { get; private set; }

    public override bool CanRead => true;

    public override bool CanSeek => false;

    public override bool CanWrite => false;

    public override long Length => _limit;

    public override long Position
    {
        get => BytesRead;
        set => throw new NotSupportedException();
    }

    public override int Read(byte[] buffer, int offset, int count)
    {
        _cancellationToken.ThrowIfCancellationRequested();
        var want = (int)Math.Min(count, _limit - BytesRead);
        if (want <= 0)
        {
            return 0;
        }

        var read = _inner.Read(buffer, offset, want);
        BytesRead += read;
        _progress(BytesRead);
        return read;
    }

    public override void Flush()
    {
    }

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
}
