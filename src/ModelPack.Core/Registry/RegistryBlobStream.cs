using System;
using System.IO;
using System.Net.Http;
using System.Threading;
using System.Threading.Tasks;

namespace ModelPack.Core.Registry;

/// <summary>
/// The body of a blob GET as a copy reads it: each read must deliver within the read-idle timeout, the whole
/// body must keep up the minimum transfer rate (<see cref="TransferRateGuard"/>), and a body that stalls,
/// drops or ends before the blob's last byte is a <see cref="RegistryException"/> that says how far it got
/// (RegistryUnreachable, which a copy retries from there; RegistryTooSlow, which it does not). The caller's
/// cancellation stays an <see cref="OperationCanceledException"/>.
/// </summary>
internal sealed class RegistryBlobStream : Stream
{
    private readonly Stream _body;
    private readonly TransferRateGuard _rate;
    private readonly CancellationTokenSource _idle;
    private readonly CancellationToken _cancel;
    private readonly TimeSpan _idleTimeout;
    private readonly string _registry;
    private readonly Uri _url;
    private readonly string _digest;
    private readonly long _start;
    private readonly long _end;
    private readonly long _size;
    private long _read;

    /// <param name="span">The blob offsets of the body's first byte and of the byte after its last (the blob's size, or a part's end).</param>
    public RegistryBlobStream(Stream body, RegistryRepository repository, Uri url, Spec.Descriptor blob, (long Start, long End) span, CancellationToken cancellationToken)
    {
        var (digest, size) = (blob.Digest, blob.Size);
        _body = body;
        _rate = repository.Client.Transport.GuardRate();
        _cancel = cancellationToken;
        _idle = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, _rate.Token);
        _idleTimeout = repository.Client.ReadIdleTimeout;
        _registry = repository.Registry;
        _url = url;
        _digest = digest;
        (_start, _end) = span;
        _size = size;
    }

    public override bool CanRead => true;

    public override bool CanSeek => false;

    public override bool CanWrite => false;

    public override long Length => throw new NotSupportedException();

    public override long Position
    {
        get => _read;
        set => throw new NotSupportedException();
    }

    /// <summary>The blob's bytes received through this body, counted from the blob's start.</summary>
    private long BlobPosition => Math.Min(_end, _start + _read);

    public override async Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken)
    {
        int read;
        _idle.CancelAfter(_idleTimeout);
        try
        {
            read = await _body.ReadAsync(buffer, offset, count, _idle.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (_cancel.IsCancellationRequested || cancellationToken.IsCancellationRequested)
        {
            throw;
        }
        catch (OperationCanceledException ex) when (_rate.TooSlow)
        {
            throw HttpTransport.TooSlow(_registry, _url, $"blob {_digest}", _rate, $"; the {BlobPosition} of {_size} bytes that arrived were kept, and the next pull resumes after them", ex);
        }
        catch (OperationCanceledException ex)
        {
            throw RegistryErrors.Unreachable(_registry, _url, $"no data for {RetryPolicy.Seconds(_idleTimeout)} s after {BlobPosition} of {_size} bytes of {_digest}; the partial data was kept.", ex);
        }
        catch (Exception ex) when (ex is IOException or HttpRequestException)
        {
            throw RegistryErrors.Unreachable(_registry, _url, $"the connection failed after {BlobPosition} of {_size} bytes of {_digest} ({ex.Message}); the partial data was kept.", ex);
        }

        if (read == 0 && _start + _read < _end)
        {
            throw RegistryErrors.Unreachable(_registry, _url, $"the transfer of {_digest} ended after {BlobPosition} of {_size} bytes; the partial data was kept.", null);
        }

        _rate.Add(read);
        _read += read;
        return read;
    }

    public override int Read(byte[] buffer, int offset, int count) => ReadAsync(buffer, offset, count, CancellationToken.None).GetAwaiter().GetResult();

    public override void Flush()
    {
    }

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _body.Dispose();
            _idle.Dispose();
            _rate.Dispose();
        }

        base.Dispose(disposing);
    }
}
