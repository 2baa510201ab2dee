using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using ModelPack.Core.Registry;
using ModelPack.Core.Spec;
using ModelPack.Core.Store;
using ModelPack.Core.Transfer;

namespace ModelPack.Core.Tests.Support;

/// <summary>
/// Tests push and pull single blobs through the copy engine, the path every pull, publish and repair takes:
/// uploads from bytes or a stream to a <see cref="RegistryTarget"/> (HEAD first, then one PUT), downloads from a
/// <see cref="RegistrySource"/> into a <see cref="StoreTarget"/> (verified, resumable).
/// </summary>
internal static class TestTransfer
{
    /// <summary>Uploads one blob unless the repository has it; false when it had it.</summary>
    public static async Task<bool> UploadAsync(RegistryClient client, string registry, string repository, string digest, long size, Stream content)
    {
        var blob = new Descriptor("application/octet-stream", digest, size);
        var target = new RegistryTarget(client.Repository(registry, repository), new UploadSettings { MonolithicThreshold = long.MaxValue }, Array.Empty<string>(), null);
        var result = await TransferEngine.CopyAsync(new StreamSource(content), target, new[] { blob }, new CopyOptions(), CancellationToken.None);
        return result[0].Outcome == BlobCopyOutcome.Transferred;
    }

    /// <summary>Uploads the blobs the repository lacks, then puts the manifest under <paramref name="tag"/>.</summary>
    public static async Task PushAsync(RegistryClient client, string registry, string repository, string tag, IEnumerable<(Descriptor Descriptor, byte[] Bytes)> blobs, byte[] manifest, string mediaType = MediaTypes.OciManifest)
    {
        foreach (var (descriptor, bytes) in blobs)
        {
            using var stream = new MemoryStream(bytes);
            await UploadAsync(client, registry, repository, descriptor.Digest, descriptor.Size, stream);
        }

        await client.Repository(registry, repository).PutManifestAsync(tag, manifest, mediaType);
    }

    /// <summary>Downloads one blob into <paramref name="store"/> (a fresh one when null, deleted afterwards); returns its bytes and what the copy did.</summary>
    public static async Task<(byte[] Bytes, BlobCopyResult Result)> DownloadAsync(RegistryClient client, string registry, string repository, Descriptor blob, ModelStore? store = null, Action<TransferProgress>? progress = null, Action<string>? log = null)
    {
        var (bytes, results) = await DownloadAsync(client, registry, repository, new[] { blob }, new Download { Store = store, Progress = progress, Log = log });
        return (bytes[0], results[0]);
    }

    /// <summary>Downloads blobs into <see cref="Download.Store"/> (a fresh one when null, deleted afterwards) as <paramref name="how"/> says; returns their bytes and what the copy did.</summary>
    public static async Task<(byte[][] Bytes, IReadOnlyList<BlobCopyResult> Results)> DownloadAsync(RegistryClient client, string registry, string repository, IReadOnlyList<Descriptor> blobs, Download how)
    {
        using var temp = new TempDirectory("modelpack-download");
        var store = how.Store ?? ModelStore.Open(temp.File("store"));
        var options = new CopyOptions { Progress = how.Progress, Log = how.Log, Force = true, Concurrency = how.Concurrency };
        var result = await TransferEngine.CopyAsync(
            new RegistrySource(client.Repository(registry, repository)), new StoreTarget(store, flushToDisk: false, how.Log, how.Fetch), blobs, options, how.Cancellation);
        return (blobs.Select(b => File.ReadAllBytes(store.Layout.BlobPath(b.Digest))).ToArray(), result);
    }

    /// <summary>How <see cref="DownloadAsync(RegistryClient, string, string, IReadOnlyList{Descriptor}, Download)"/> copies.</summary>
    internal sealed class Download
    {
        public ModelStore? Store { get; set; }

        public Action<TransferProgress>? Progress { get; set; }

        public Action<string>? Log { get; set; }

        /// <summary>How the store fetches each blob (default one stream).</summary>
        public IBlobFetch? Fetch { get; set; }

        public int Concurrency { get; set; } = 4;

        public CancellationToken Cancellation { get; set; }
    }

    /// <summary>A blob read from one stream, as given (tests hand it streams that fail, stall or lie).</summary>
    internal sealed class StreamSource : IBlobSource
    {
        private readonly Stream _content;

        public StreamSource(Stream content) => _content = content;

        public IBlobReader Reader(Descriptor blob) => new StreamReader(_content);

        private sealed class StreamReader : IBlobReader
        {
            private readonly Stream _content;

            public StreamReader(Stream content) => _content = content;

            public string Target => "a test stream";

            public int BufferSize => 64 * 1024;

            public Task<BlobStream> OpenAsync(long offset, CancellationToken cancellationToken)
            {
                if (_content.CanSeek)
                {
                    _content.Position = offset;
                }

                return Task.FromResult(new BlobStream(new KeepOpen(_content), _content.CanSeek ? offset : 0));
            }

            public Task<bool> RetryAsync(Exception failure, long progressed, CancellationToken cancellationToken) => Task.FromResult(false);

            public Exception Final(Exception failure) => failure;
        }

        /// <summary>The caller's stream, not disposed with the copy's.</summary>
        private sealed class KeepOpen : Stream
        {
            private readonly Stream _inner;

            public KeepOpen(Stream inner) => _inner = inner;

            public override bool CanRead => _inner.CanRead;

            public override bool CanSeek => _inner.CanSeek;

            public override bool CanWrite => false;

            public override long Length => _inner.Length;

            public override long Position
            {
                get => _inner.Position;
                set => _inner.Position = value;
            }

            public override void Flush()
            {
            }

            public override int Read(byte[] buffer, int offset, int count) => _inner.Read(buffer, offset, count);

            public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) => _inner.ReadAsync(buffer, offset, count, cancellationToken);

            public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) => _inner.ReadAsync(buffer, cancellationToken);

            public override long Seek(long offset, SeekOrigin origin) => _inner.Seek(offset, origin);

            public override void SetLength(long value) => throw new NotSupportedException();

            public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
        }
    }
}
