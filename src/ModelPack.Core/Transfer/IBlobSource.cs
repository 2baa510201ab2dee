using System;
using System.IO;
using System.Threading;
using System.Threading.Tasks;
using ModelPack.Core.Spec;

namespace ModelPack.Core.Transfer;

/// <summary>Where a copy's blobs come from: a registry repository (<see cref="RegistrySource"/>) or an OCI layout such as the store (<see cref="LayoutSource"/>).</summary>
internal interface IBlobSource
{
    /// <summary>The reads of one blob, which share one retry budget however often its stream is opened again.</summary>
    IBlobReader Reader(Descriptor blob);
}

/// <summary>Reads one blob, from any offset, as often as a transfer needs.</summary>
internal interface IBlobReader
{
    /// <summary>Where the blob is, for messages and ErrorRecord targets (<c>host/repository@digest</c>).</summary>
    string Target { get; }

    /// <summary>How many bytes a fetch reads at a time from this source.</summary>
    int BufferSize { get; }

    /// <summary>
    /// The blob's bytes from <paramref name="offset"/>. A stream that really starts elsewhere says so in
    /// <see cref="BlobStream.Start"/> (a registry that ignored the Range sends the whole blob from 0).
    /// </summary>
    Task<BlobStream> OpenAsync(long offset, CancellationToken cancellationToken);

    /// <summary>
    /// After <paramref name="failure"/> while reading: whether to open the stream again (after the wait the
    /// source's retry policy asks for). <paramref name="progressed"/> is what the failed stream delivered.
    /// </summary>
    Task<bool> RetryAsync(Exception failure, long progressed, CancellationToken cancellationToken);

    /// <summary>The error to report when reading gives up with <paramref name="failure"/> (saying how many attempts were made).</summary>
    Exception Final(Exception failure);
}

/// <summary>A reader with more than one place to read from (a registry's mirrors, then the registry).</summary>
internal interface IFailoverReader
{
    /// <summary>
    /// After the finished blob failed to verify with <paramref name="failure"/>: whether another place can send it, in
    /// which case the fetch takes it again from byte 0 (the reader no longer asks the places that sent the bad bytes).
    /// </summary>
    bool TryOtherSource(Exception failure);
}

/// <summary>A reader that can also fetch one span of a blob (a closed Range), for downloads in parts over several connections.</summary>
internal interface IRangedBlobReader : IBlobReader
{
    /// <summary>
    /// The <paramref name="length"/> bytes of the blob from <paramref name="offset"/>. A stream that is not that span
    /// says so in <see cref="BlobStream.Start"/> and <see cref="BlobStream.End"/> (a server that ignores Range sends
    /// the whole blob), or has no body (a span that starts elsewhere).
    /// </summary>
    Task<BlobStream> OpenRangeAsync(long offset, long length, CancellationToken cancellationToken);
}

/// <summary>An opened stream of a blob's bytes.</summary>
internal sealed class BlobStream : IDisposable
{
    private readonly IDisposable? _owner;

    public BlobStream(Stream? body, long start, IDisposable? owner = null)
    {
        Body = body;
        Start = start;
        _owner = owner;
    }

    /// <summary>The bytes from <see cref="Start"/> on; null when the source cannot continue at the offset asked for and must be asked from 0.</summary>
    public Stream? Body { get; }

    /// <summary>The blob offset of the stream's first byte.</summary>
    public long Start { get; }

    /// <summary>The blob offset after the stream's last byte; null: the blob's end.</summary>
    public long? End { get; set; }

    public void Dispose()
    {
        Body?.Dispose();
        _owner?.Dispose();
    }
}
