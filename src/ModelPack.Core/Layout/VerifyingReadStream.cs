using System;
using System.IO;
using System.Security.Cryptography;
using System.Threading;
using System.Threading.Tasks;
using ModelPack.Core.Spec;

namespace ModelPack.Core.Layout;

/// <summary>
/// Read-only, forward-only view of a blob that hashes what passes through and, at end of stream,
/// throws DigestMismatch/SizeMismatch instead of returning the final 0 when the content is wrong.
/// </summary>
internal sealed class VerifyingReadStream : Stream
{
    private readonly Stream _inner;
    private readonly Digest _expected;
    private readonly long _expectedSize;
    private readonly string _root;
    private IncrementalHash? _hasher;
    private long _position;
    private bool _verified;

    public VerifyingReadStream(Stream inner, Digest expected, long expectedSize, string root)
    {
        _inner = inner;
        _expected = expected;
        _expectedSize = expectedSize;
        _root = root;
        _hasher = expected.CreateHasher();
    }

    public override bool CanRead => true;

    public override bool CanSeek => false;

    public override bool CanWrite => false;

    public override long Length => throw new NotSupportedException("A verifying blob stream cannot report its length; use the descriptor's size.");

    public override long Position
    {
        get => _position;
        set => throw new NotSupportedException("A verifying blob stream cannot seek.");
    }

    public override int Read(byte[] buffer, int offset, int count)
    {
        if (_verified)
        {
            return 0;
        }

        var read = _inner.Read(buffer, offset, count);
        return Account(buffer, offset, count, read);
    }

    public override async Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken)
    {
        if (_verified)
        {
            return 0;
        }

        var read = await _inner.ReadAsync(buffer, offset, count, cancellationToken).ConfigureAwait(false);
        return Account(buffer, offset, count, read);
    }

    public override void Flush()
    {
    }

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException("A verifying blob stream cannot seek.");

    public override void SetLength(long value) => throw new NotSupportedException("A verifying blob stream is read-only.");

    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException("A verifying blob stream is read-only.");

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _inner.Dispose();
            _hasher?.Dispose();
            _hasher = null;
        }

        base.Dispose(disposing);
    }

    private int Account(byte[] buffer, int offset, int count, int read)
    {
        var hasher = _hasher ?? throw new ObjectDisposedException(nameof(VerifyingReadStream));
        if (read > 0)
        {
            hasher.AppendData(buffer, offset, read);
            _position += read;
            if (_expectedSize >= 0 && _position > _expectedSize)
            {
                throw LayoutErrors.SizeMismatch(_expected.ToString(), $"Blob {_expected} in the OCI layout '{_root}' is longer than the {_expectedSize} bytes its descriptor says.");
            }

            return read;
        }

        if (count == 0)
        {
            return 0;
        }

        if (_expectedSize >= 0 && _position != _expectedSize)
        {
            throw LayoutErrors.SizeMismatch(_expected.ToString(), $"Blob {_expected} in the OCI layout '{_root}' has {_position} bytes, but its descriptor says {_expectedSize}.");
        }

        var hash = hasher.GetHashAndReset();
        if (!_expected.Matches(hash))
        {
            throw LayoutErrors.DigestMismatch(_root, _expected.ToString(), _expected.Algorithm + ":" + Digest.ToLowerHex(hash));
        }

        _verified = true;
        return 0;
    }
}
