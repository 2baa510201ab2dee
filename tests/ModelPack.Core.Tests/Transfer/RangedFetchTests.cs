using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Net.Http;
using System.Threading;
using System.Threading.Tasks;
using ModelPack.Core.Errors;
using ModelPack.Core.Spec;
using ModelPack.Core.Store;
using ModelPack.Core.Tests.Registry;
using ModelPack.Core.Tests.Support;
using ModelPack.Core.Transfer;

namespace ModelPack.Core.Tests.Transfer;

/// <summary>
/// One large blob over several ranged connections, against a real docker-registry (behind the fault proxy, which
/// counts the requests and bytes, caps each connection's rate, and breaks what a test asks it to).
/// </summary>
public sealed class RangedFetchTests : IClassFixture<PlainRegistryFixture>
{
    private const int Part = 1024 * 1024;
    private const int Size = 24 * Part;
    private readonly PlainRegistryFixture _fixture;
    private readonly TestClientSetup _setup;

    public RangedFetchTests(PlainRegistryFixture fixture)
    {
        _fixture = fixture;
        _setup = new TestClientSetup(fixture.Home.Path);
    }

    [Fact]
    public async Task A_large_blob_is_fetched_in_parts_over_several_connections_and_verifies()
    {
        var (blob, bytes) = await PushAsync("parts");
        using var proxy = new FaultProxy(_fixture.Registry.HostPort) { BlobBytesPerSecond = 16 * Part };
        using var client = _setup.Client();

        var (written, results) = await DownloadAsync(client, proxy, "parts", new[] { blob }, concurrency: 4);

        Assert.Equal(bytes, written[0]);
        Assert.Equal(Size, results[0].BytesTransferred);
        var gets = proxy.BlobGets(blob.Digest).ToList();
        Assert.Equal(Size / Part, gets.Count);
        Assert.All(gets, g => Assert.Equal(206, g.Status));
        var ranges = gets.Select(g => g.Range).OrderBy(r => Start(r!)).ToList();
        Assert.Equal(Enumerable.Range(0, Size / Part).Select(i => $"bytes={i * Part}-{((i + 1) * Part) - 1}"), ranges);
        Assert.Equal(Size, proxy.BlobBytesSent(blob.Digest));
        Assert.Equal(4, proxy.MaxConcurrentBlobGets);
    }

    [Fact]
    public async Task The_connections_of_all_blobs_stay_within_the_concurrency()
    {
        var blobs = new List<(Descriptor Blob, byte[] Bytes)>();
        for (var i = 0; i < 3; i++)
        {
            blobs.Add(await PushAsync("share", 8 * Part, seed: i));
        }

        using var proxy = new FaultProxy(_fixture.Registry.HostPort) { BlobBytesPerSecond = 16 * Part };
        using var client = _setup.Client();

        var (written, _) = await DownloadAsync(client, proxy, "share", blobs.Select(b => b.Blob).ToList(), concurrency: 2);

        Assert.Equal(blobs.Select(b => b.Bytes), written);
        Assert.Equal(2, proxy.MaxConcurrentBlobGets);
    }

    [Fact]
    public async Task A_cancelled_download_stops_every_part_request_and_the_next_one_fetches_only_the_missing_parts()
    {
        var (blob, bytes) = await PushAsync("resume");
        using var temp = new TempDirectory("modelpack-ranged-resume");
        var store = ModelStore.Open(temp.File("store"));
        using var client = _setup.Client();
        using (var slow = new FaultProxy(_fixture.Registry.HostPort) { BlobBytesPerSecond = 2 * Part })
        {
            using var cancel = new CancellationTokenSource();
            var copy = DownloadAsync(client, slow, "resume", new[] { blob }, concurrency: 4, store, p =>
            {
                if (p.BlobBytesDone >= 6 * Part)
                {
                    cancel.Cancel();
                }
            }, cancel.Token);

            await Assert.ThrowsAnyAsync<OperationCanceledException>(() => copy);
            var started = slow.BlobGets(blob.Digest).Count();
            await Task.Delay(500);
            Assert.Equal(started, slow.BlobGets(blob.Digest).Count());
            Assert.Equal(0, slow.ConcurrentBlobGets);
        }

        Assert.False(store.Layout.HasBlob(blob.Digest));
        var partial = Path.Combine(store.TempDirectory, Digest.Parse(blob.Digest).Encoded + ".partial");
        long done;
        using (var map = PartMap.Load(PartMap.PathFor(partial), Size, new FileInfo(partial).Length, out var problem))
        {
            Assert.Null(problem);
            done = Assert.IsType<PartMap>(map).TotalDone;
        }

        Assert.InRange(done, 6 * Part, Size - Part);
        using var proxy = new FaultProxy(_fixture.Registry.HostPort);
        var (written, results) = await DownloadAsync(client, proxy, "resume", new[] { blob }, concurrency: 4, store);

        Assert.Equal(bytes, written[0]);
        Assert.Equal(Size - done, proxy.BlobBytesSent(blob.Digest));
        Assert.Equal(Size - done, results[0].BytesTransferred);
        Assert.Contains(_setup.Log, l => l.Contains("Resuming " + blob.Digest + " in parts", StringComparison.Ordinal));
        Assert.Empty(Directory.GetFiles(store.TempDirectory, "*.part*"));
    }

    [Fact]
    public async Task A_server_that_ignores_Range_gets_the_blob_in_one_stream()
    {
        var (blob, bytes) = await PushAsync("norange");
        using var proxy = new FaultProxy(_fixture.Registry.HostPort, r => r.IsBlobGet() ? Fault.WithoutRange() : Fault.None);
        using var client = _setup.Client();
        using var temp = new TempDirectory("modelpack-ranged-norange");
        var store = ModelStore.Open(temp.File("store"));

        var (written, _) = await DownloadAsync(client, proxy, "norange", new[] { blob }, concurrency: 4, store);

        Assert.Equal(bytes, written[0]);
        var gets = proxy.BlobGets(blob.Digest).ToList();
        Assert.Equal(new[] { $"bytes=0-{Part - 1}", null }, gets.Select(g => g.Range));
        Assert.All(gets, g => Assert.Equal(200, g.Status));
        Assert.Contains(_setup.Log, l => l.Contains("in one stream", StringComparison.Ordinal));
        Assert.Empty(Directory.GetFiles(store.TempDirectory, "*.part*"));
    }

    [Fact]
    public async Task A_redirect_to_blob_storage_is_still_fetched_in_parts()
    {
        var (blob, bytes) = await PushAsync("redirect");
        using var storage = new MiniHttpServer((request, response) => ServeRangeAsync(bytes, request, response));
        using var upstream = new HttpClient();
        using var front = new MiniHttpServer((request, response) =>
            request.Method == "GET" && request.Path.EndsWith("/blobs/" + blob.Digest, StringComparison.Ordinal)
                ? response.SendAsync(307, null, new[] { new KeyValuePair<string, string>("Location", $"{storage.BaseUrl}/blob?X-Signature=sig") })
                : MiniHttpServer.ForwardAsync(upstream, "http://" + _fixture.Registry.HostPort, request, response));
        using var client = _setup.Client();

        var (written, _) = await TestTransfer.DownloadAsync(client, front.HostPort, "downloads/redirect", new[] { blob }, new TestTransfer.Download { Fetch = new RangedFetch(Part, 4), Log = _setup.Log.Enqueue });

        Assert.Equal(bytes, written[0]);
        var served = storage.Requests.ToList();
        Assert.Equal(Size / Part, served.Count);
        Assert.All(served, r => Assert.Equal("sig", r.QueryValue("X-Signature")));
        Assert.Equal(Enumerable.Range(0, Size / Part).Select(i => (long)i * Part), served.Select(r => Start(r.Header("Range")!)).OrderBy(s => s));
    }

    [Fact]
    public async Task A_part_with_wrong_bytes_is_a_DigestMismatch_and_nothing_is_kept()
    {
        var (blob, _) = await PushAsync("corrupt");
        var badPart = $"bytes={5 * Part}-{(6 * Part) - 1}";
        using var proxy = new FaultProxy(_fixture.Registry.HostPort, r => r.IsBlobGet() && r.Range == badPart ? Fault.Corrupt(1000) : Fault.None);
        using var client = _setup.Client();
        using var temp = new TempDirectory("modelpack-ranged-corrupt");
        var store = ModelStore.Open(temp.File("store"));

        var ex = await Assert.ThrowsAnyAsync<ModelPackException>(() => DownloadAsync(client, proxy, "corrupt", new[] { blob }, concurrency: 4, store));

        Assert.Equal(ErrorIds.DigestMismatch, ex.ErrorId);
        Assert.Equal(ErrorKind.InvalidData, ex.Kind);
        Assert.Equal(blob.Digest, ex.Target);
        Assert.Contains(proxy.BlobGets(blob.Digest), g => g.Range == badPart);
        Assert.False(store.Layout.HasBlob(blob.Digest));
        Assert.Empty(Directory.GetFiles(store.TempDirectory, "*.part*"));
    }

    [Fact]
    public async Task A_dropped_part_resumes_after_its_last_byte()
    {
        var (blob, bytes) = await PushAsync("drop");
        var dropped = $"bytes={3 * Part}-{(4 * Part) - 1}";
        using var proxy = new FaultProxy(_fixture.Registry.HostPort, r => r.IsBlobGet() && r.Range == dropped ? Fault.Reset(300_000) : Fault.None);
        using var client = _setup.Client();

        var (written, results) = await DownloadAsync(client, proxy, "drop", new[] { blob }, concurrency: 4);

        Assert.Equal(bytes, written[0]);
        Assert.Contains(proxy.BlobGets(blob.Digest), g => g.Range == $"bytes={(3 * Part) + 300_000}-{(4 * Part) - 1}");
        Assert.Equal(1, results[0].Resumes);
    }

    [Fact]
    public async Task A_list_of_parts_that_cannot_be_used_is_discarded_with_its_partial_file()
    {
        var (blob, bytes) = await PushAsync("badmap");
        using var temp = new TempDirectory("modelpack-ranged-badmap");
        var store = ModelStore.Open(temp.File("store"));
        Directory.CreateDirectory(store.TempDirectory);
        var partial = Path.Combine(store.TempDirectory, Digest.Parse(blob.Digest).Encoded + ".partial");
        File.WriteAllBytes(partial, new byte[2 * Part]);
        File.WriteAllText(PartMap.PathFor(partial), "not a list of parts");
        using var proxy = new FaultProxy(_fixture.Registry.HostPort);
        using var client = _setup.Client();

        var (written, results) = await DownloadAsync(client, proxy, "badmap", new[] { blob }, concurrency: 4, store);

        Assert.Equal(bytes, written[0]);
        Assert.Equal(Size, results[0].BytesTransferred);
        Assert.Contains(_setup.Log, l => l.Contains($"Discarding the partial download of {blob.Digest}: its list of parts cannot be used (it is not a list of parts)", StringComparison.Ordinal));
    }

    private static long Start(string range) => long.Parse(range.Substring("bytes=".Length).Split('-')[0], CultureInfo.InvariantCulture);

    /// <summary>Blob storage as S3 serves a presigned URL: the Range it is asked for, as 206.</summary>
    private static Task ServeRangeAsync(byte[] bytes, MiniRequest request, MiniResponse response)
    {
        if (request.Header("Range") is not string range)
        {
            return response.SendAsync(200, bytes);
        }

        var bounds = range.Substring("bytes=".Length).Split('-');
        var from = int.Parse(bounds[0], CultureInfo.InvariantCulture);
        var to = bounds[1].Length == 0 ? bytes.Length - 1 : int.Parse(bounds[1], CultureInfo.InvariantCulture);
        var headers = new[] { new KeyValuePair<string, string>("Content-Range", $"bytes {from}-{to}/{bytes.Length}") };
        return response.SendAsync(206, bytes[from..(to + 1)], headers);
    }

    private Task<(byte[][] Bytes, IReadOnlyList<BlobCopyResult> Results)> DownloadAsync(
        ModelPack.Core.Registry.RegistryClient client, FaultProxy proxy, string name, IReadOnlyList<Descriptor> blobs, int concurrency, ModelStore? store = null, Action<TransferProgress>? progress = null, CancellationToken cancellationToken = default) =>
        TestTransfer.DownloadAsync(client, proxy.HostPort, "downloads/" + name, blobs, new TestTransfer.Download
        {
            Store = store,
            Fetch = new RangedFetch(Part, 8),
            Concurrency = concurrency,
            Progress = progress,
            Log = _setup.Log.Enqueue,
            Cancellation = cancellationToken,
        });

    private async Task<(Descriptor Blob, byte[] Bytes)> PushAsync(string name, int size = Size, int seed = 0)
    {
        var bytes = new byte[size];
        new Random(name.GetHashCode(StringComparison.Ordinal) + seed).NextBytes(bytes);
        var digest = Digest.Sha256(bytes).ToString();
        using var client = _setup.Client();
        await TestTransfer.UploadAsync(client, _fixture.Registry.HostPort, "downloads/" + name, digest, bytes.Length, new MemoryStream(bytes));
        return (new Descriptor("application/octet-stream", digest, bytes.Length), bytes);
    }
}
