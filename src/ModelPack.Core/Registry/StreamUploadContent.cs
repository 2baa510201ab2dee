using System;
using System.IO;
using System.Net;
using System.Net.Http;
using System.Net.Http.Headers;
using System.Threading.Tasks;

namespace ModelPack.Core.Registry;

/// <summary>
/// Request content that copies exactly <c>length</c> bytes from a caller's stream without taking
/// ownership of it (StreamContent would dispose it with the request).
/// </summary>
internal sealed class StreamUploadContent : HttpContent
{
    private readonly Stream _source;
    private readonly long _length;
    private readonly int _bufferSize;
    private readonly Action<long>? _progress;
    private readonly long _origin;

    public StreamUploadContent(Stream source, long length, int bufferSize, Action<long>? progress)
    {
        _source = source;
        _origin = source.CanSeek ? source.Position : -1;
        _length = length;
        _bufferSize = bufferSize;
        _progress = progress;
        Headers.ContentType = new MediaTypeHeaderValue("application/octet-stream");
        Headers.ContentLength = length;
    }

    /// <summary>Whether the body can be sent again (a retry): the source can seek back to where it started.</summary>
    public bool CanReplay => _origin >= 0;

    protected override async Task SerializeToStreamAsync(Stream stream, TransportContext? context)
    {
        if (_origin >= 0)
        {
            _source.Position = _origin;
        }

        var buffer = new byte[(int)Math.Min(_bufferSize, Math.Max(1, _length))];
        long sent = 0;
        while (sent < _length)
        {
            var read = await _source.ReadAsync(buffer, 0, (int)Math.Min(buffer.Length, _length - sent)).ConfigureAwait(false);
            if (read == 0)
            {
                throw new IOException($"The upload source ended after {sent} of {_length} bytes.");
            }

            await stream.WriteAsync(buffer, 0, read).ConfigureAwait(false);
            sent += read;
            _progress?.Invoke(sent);
        }
    }

    protected override bool TryComputeLength(out long length)
    {
        length = _length;
        return true;
    }
}
