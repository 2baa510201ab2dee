using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.IO;
using System.Linq;
using System.Net;
using System.Text;
using System.Threading;
using System.Threading.Tasks;
using ModelPack.Core.Errors;
using ModelPack.Core.Layout;
using ModelPack.Core.References;
using ModelPack.Core.Registry;
using ModelPack.Core.Spec;
using ModelPack.Core.Store;
using ModelPack.Core.Tests.Registry;
using ModelPack.Core.Tests.Support;
using ModelPack.Core.Transfer;

namespace ModelPack.Core.Tests.Store;

/// <summary>
/// Pulls into the store from a real registry behind a fault-injecting proxy: failures the network and
/// registries really produce, each ending in a verified artifact or a clear error with nothing stored.
/// </summary>
public sealed class PullFaultTests : IClassFixture<PlainRegistryFixture>, IDisposable
{
    private const int BlobSize = 2 * 1024 * 1024;
    private readonly PlainRegistryFixture _fixture;
    private readonly TempDirectory _root = new("modelpack-faults");
    private readonly TestClientSetup _setup;
    private readonly ModelStore _store;
    private readonly List<string> _log = new();

    public PullFaultTests(PlainRegistryFixture fixture)
    {
        _fixture = fixture;
        _setup = new TestClientSetup(fixture.Home.Path);
        _store = ModelStore.Open(Path.Combine(_root.Path, "store"));
    }

    private string Registry => _fixture.Registry.HostPort;

    [Theory]
    [InlineData(10)]
    [InlineData(50)]
    [InlineData(99)]
    public async Task A_connection_reset_mid_blob_resumes_from_the_bytes_kept_and_verifies(int percent)
    {
        var (repository, weights, digest) = await PushAsync("reset" + percent);
        var cut = (long)BlobSize * percent / 100;
        using var proxy = new FaultProxy(Registry, r => r.IsBlobGet(digest) && r.Nth == 1 ? Fault.Reset(cut) : Fault.None);
        using var client = _setup.Client();

        var result = await _store.PullAsync(client, Reference(proxy, repository), Options());

        Assert.Equal(weights, File.ReadAllBytes(Path.Combine(result.Artifact.Path!, "w.bin")));
        var gets = proxy.BlobGets(digest).ToList();
        Assert.Equal(2, gets.Count);
        Assert.Null(gets[0].Range);
        var resumedAt = RangeStart(gets[1]);
        Assert.InRange(resumedAt, 1, cut);
        // Only what was in flight when the connection died is sent twice.
        Assert.True(proxy.BlobBytesSent(digest) - BlobSize <= 256 * 1024, $"{proxy.BlobBytesSent(digest) - BlobSize} bytes sent twice");
        Assert.Single(_setup.RetryTimer.Delays);
        StoreConsistency.Verify(_store);
        Assert.Empty(Directory.GetFiles(_store.TempDirectory, "*.partial"));
    }

    [Fact]
    public async Task A_body_cut_short_under_correct_headers_is_resumed_and_verified()
    {
        var (repository, weights, digest) = await PushAsync("truncated");
        using var proxy = new FaultProxy(Registry, r => r.IsBlobGet(digest) && r.Nth == 1 ? Fault.Truncate(BlobSize / 3) : Fault.None);
        using var client = _setup.Client();

        var result = await _store.PullAsync(client, Reference(proxy, repository), Options());

        Assert.Equal(weights, File.ReadAllBytes(Path.Combine(result.Artifact.Path!, "w.bin")));
        var gets = proxy.BlobGets(digest).ToList();
        Assert.Equal(2, gets.Count);
        Assert.Equal(BlobSize / 3, RangeStart(gets[1]));
        Assert.Equal(BlobSize, proxy.BlobBytesSent(digest));
    }

    [Fact]
    public async Task Wrong_bytes_of_the_right_length_are_a_DigestMismatch_and_nothing_is_stored()
    {
        var (repository, _, digest) = await PushAsync("corrupt");
        using var proxy = new FaultProxy(Registry, r => r.IsBlobGet(digest) ? Fault.Corrupt(BlobSize / 2) : Fault.None);
        using var client = _setup.Client();
        var before = Contents();

        var ex = await Assert.ThrowsAnyAsync<ModelPackException>(() => _store.PullAsync(client, Reference(proxy, repository), Options()));

        Assert.Equal(ErrorIds.DigestMismatch, ex.ErrorId);
        Assert.Equal(ErrorKind.InvalidData, ex.Kind);
        Assert.Single(proxy.BlobGets(digest));
        Assert.Equal(before, Contents());
        Assert.False(_store.Layout.HasBlob(digest));
        // The corrupt bytes are gone; another layer stopped mid-download may keep its (verified-later) partial for resume.
        Assert.False(File.Exists(Path.Combine(_store.TempDirectory, Digest.Parse(digest).Encoded + ".partial")));
    }

    [Fact]
    public async Task A_server_dripping_past_the_read_idle_timeout_fails_clearly_once_the_budget_is_spent()
    {
        var (repository, _, digest) = await PushAsync("drip");
        using var proxy = new FaultProxy(Registry, r => r.IsBlobGet(digest) ? Fault.Drip(4096, TimeSpan.FromSeconds(3)) : Fault.None);
        using var client = _setup.Client(o =>
        {
            o.ReadIdleTimeout = TimeSpan.FromMilliseconds(200);
            o.MaxRetry = 100;
            o.RetryBudget = TimeSpan.FromSeconds(2);
        });
        var clock = Stopwatch.StartNew();

        var ex = await Assert.ThrowsAsync<RegistryException>(() => _store.PullAsync(client, Reference(proxy, repository), Options()));

        Assert.Equal(ErrorIds.RegistryUnreachable, ex.ErrorId);
        Assert.Contains("no data for 0.2 s", ex.Message, StringComparison.Ordinal);
        Assert.Contains("the 2 s retry budget is spent", ex.Message, StringComparison.Ordinal);
        Assert.True(ex.Attempts >= 2, ex.Message);
        Assert.Equal(ex.Attempts, proxy.BlobGets(digest).Count());
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(10), clock.Elapsed.ToString());
        Assert.Empty(_store.List());
        // What did arrive is kept for the next pull; every resume asked for the bytes after it.
        var partial = new FileInfo(Path.Combine(_store.TempDirectory, Digest.Parse(digest).Encoded + ".partial"));
        Assert.Equal(4096L * ex.Attempts, partial.Length);
        Assert.Equal(Enumerable.Range(1, ex.Attempts - 1).Select(i => 4096L * i), proxy.BlobGets(digest).Skip(1).Select(RangeStart));
    }

    [Fact]
    public async Task A_registry_that_ignores_Range_on_the_retry_restarts_the_blob_in_place()
    {
        var (repository, weights, digest) = await PushAsync("norange");
        using var proxy = new FaultProxy(Registry, r => !r.IsBlobGet(digest) ? Fault.None : r.Nth == 1 ? Fault.Reset(BlobSize / 2) : Fault.WithoutRange());
        using var client = _setup.Client();

        var result = await _store.PullAsync(client, Reference(proxy, repository), Options());

        Assert.Equal(weights, File.ReadAllBytes(Path.Combine(result.Artifact.Path!, "w.bin")));
        var gets = proxy.BlobGets(digest).ToList();
        Assert.Equal(2, gets.Count);
        Assert.NotNull(gets[1].Range);
        Assert.Equal(200, gets[1].Status);
        Assert.Equal(BlobSize, gets[1].BytesSent);
        Assert.Contains(_log, l => l.Contains("taking " + digest + " from the start", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_partial_from_an_earlier_session_restarts_in_place_when_the_registry_ignores_Range()
    {
        var (repository, weights, digest) = await PushAsync("norange-resume");
        File.WriteAllBytes(Path.Combine(_store.TempDirectory, Digest.Parse(digest).Encoded + ".partial"), weights.Take(BlobSize * 6 / 10).ToArray());
        using var proxy = new FaultProxy(Registry, r => r.IsBlobGet(digest) ? Fault.WithoutRange() : Fault.None);
        using var client = _setup.Client();

        var result = await _store.PullAsync(client, Reference(proxy, repository), Options());

        Assert.Equal(weights, File.ReadAllBytes(Path.Combine(result.Artifact.Path!, "w.bin")));
        // The whole blob the registry sent instead of the rest is taken from its start: no second request.
        var get = Assert.Single(proxy.BlobGets(digest));
        Assert.Equal(BlobSize, get.BytesSent);
        Assert.Contains(_log, l => l.Contains("ignored the resume request", StringComparison.Ordinal));
        StoreConsistency.Verify(_store);
    }

    [Fact]
    public async Task A_corrupt_partial_from_an_earlier_session_is_replaced_by_one_fresh_download()
    {
        var (repository, weights, digest) = await PushAsync("bad-partial");
        var bad = weights.Take(BlobSize / 2).ToArray();
        bad[100] ^= 0xFF;
        File.WriteAllBytes(Path.Combine(_store.TempDirectory, Digest.Parse(digest).Encoded + ".partial"), bad);
        using var proxy = new FaultProxy(Registry);
        using var client = _setup.Client();

        var result = await _store.PullAsync(client, Reference(proxy, repository), Options());

        Assert.Equal(weights, File.ReadAllBytes(Path.Combine(result.Artifact.Path!, "w.bin")));
        Assert.Equal(new[] { "bytes=" + (BlobSize / 2) + "-", null }, proxy.BlobGets(digest).Select(r => r.Range));
    }

    [Fact]
    public async Task A_503_storm_on_the_blobs_beyond_the_budget_is_a_clear_error_and_nothing_is_listed()
    {
        var (repository, _, digest) = await PushAsync("storm");
        using var proxy = new FaultProxy(Registry, r => r.IsBlobGet(digest) ? Fault.Answer(503) : Fault.None);
        using var client = _setup.Client();
        var index = File.ReadAllText(Path.Combine(_store.Root, "index.json"));

        var ex = await Assert.ThrowsAsync<RegistryException>(() => _store.PullAsync(client, Reference(proxy, repository), Options()));

        Assert.Equal(HttpStatusCode.ServiceUnavailable, ex.StatusCode);
        Assert.Equal(6, ex.Attempts);
        Assert.Contains("Gave up after 6 attempts", ex.Message, StringComparison.Ordinal);
        Assert.Equal(6, proxy.BlobGets(digest).Count());
        Assert.Empty(_store.List());
        Assert.Equal(index, File.ReadAllText(Path.Combine(_store.Root, "index.json")));
        Assert.Empty(Directory.GetDirectories(_store.SnapshotsDirectory));
        Assert.False(_store.Layout.HasBlob(digest));
    }

    [Fact]
    public async Task A_429_on_a_blob_waits_its_Retry_After_then_completes()
    {
        var (repository, weights, digest) = await PushAsync("limited");
        using var proxy = new FaultProxy(Registry, r => r.IsBlobGet(digest) && r.Nth == 1 ? Fault.Answer(429, ("Retry-After", "3")) : Fault.None);
        using var client = _setup.Client();

        var result = await _store.PullAsync(client, Reference(proxy, repository), Options());

        Assert.Equal(weights, File.ReadAllBytes(Path.Combine(result.Artifact.Path!, "w.bin")));
        Assert.Equal(new[] { TimeSpan.FromSeconds(3) }, _setup.RetryTimer.Delays);
    }

    [Fact]
    public async Task A_500_then_success_on_a_blob_completes_the_pull()
    {
        var (repository, weights, digest) = await PushAsync("flaky");
        using var proxy = new FaultProxy(Registry, r => r.IsBlobGet(digest) && r.Nth == 1 ? Fault.Answer(500) : Fault.None);
        using var client = _setup.Client();

        var result = await _store.PullAsync(client, Reference(proxy, repository), Options());

        Assert.Equal(weights, File.ReadAllBytes(Path.Combine(result.Artifact.Path!, "w.bin")));
        Assert.Equal(new[] { 500, 200 }, proxy.BlobGets(digest).Select(r => r.Status));
    }

    [Fact]
    public async Task Cancelling_mid_blob_returns_within_a_second_keeps_the_partial_and_the_next_pull_resumes()
    {
        var (repository, weights, digest) = await PushAsync("cancel", 8 * 1024 * 1024);
        using var proxy = new FaultProxy(Registry) { BlobBytesPerSecond = 4 * 1024 * 1024 };
        using var client = _setup.Client();
        using var cts = new CancellationTokenSource();
        long cancelledAt = 0;
        var progress = new CallbackProgress(p =>
        {
            if (p.LayerDigest == digest && p.BytesDone >= 2 * 1024 * 1024 && Interlocked.CompareExchange(ref cancelledAt, Stopwatch.GetTimestamp(), 0) == 0)
            {
                cts.Cancel();
            }
        });

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => _store.PullAsync(client, Reference(proxy, repository), new PullOptions { Progress = progress }, cts.Token));

        var stopped = Stopwatch.GetElapsedTime(cancelledAt);
        Assert.True(stopped < TimeSpan.FromSeconds(1), $"the pull took {stopped} to stop");
        var partial = new FileInfo(Path.Combine(_store.TempDirectory, Digest.Parse(digest).Encoded + ".partial"));
        Assert.True(partial.Length >= 1024 * 1024, $"{partial.Length} bytes kept");
        Assert.Empty(_store.List());

        proxy.BlobBytesPerSecond = 0;
        var result = await _store.PullAsync(client, Reference(proxy, repository), Options());

        Assert.Equal(weights, File.ReadAllBytes(Path.Combine(result.Artifact.Path!, "w.bin")));
        var resumed = proxy.BlobGets(digest).Last();
        Assert.Equal(partial.Length, RangeStart(resumed));
        Assert.Equal(weights.Length - partial.Length, resumed.BytesSent);
    }

    [Fact]
    public async Task Cancelling_before_a_whole_buffer_arrived_keeps_the_bytes_that_did()
    {
        var (repository, weights, digest) = await PushAsync("cancel-early", 8 * 1024 * 1024);
        using var proxy = new FaultProxy(Registry) { BlobBytesPerSecond = 4 * 1024 * 1024 };
        using var client = _setup.Client();
        using var cts = new CancellationTokenSource();
        var pull = _store.PullAsync(client, Reference(proxy, repository), Options(), cts.Token);
        var deadline = Stopwatch.StartNew();
        while (proxy.BlobBytesSent(digest) < 2 * 1024 * 1024 && deadline.Elapsed < TimeSpan.FromSeconds(20))
        {
            await Task.Delay(10);
        }

        cts.Cancel();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => pull);

        // The copy loop writes whole 4 MiB buffers; a partial that is not a multiple of that kept the buffer being filled.
        // The proxy has sent 2 MiB; up to the sockets' buffers of that may not have reached the client yet.
        var partial = new FileInfo(Path.Combine(_store.TempDirectory, Digest.Parse(digest).Encoded + ".partial"));
        Assert.True(partial.Length >= 1024 * 1024 && partial.Length % (4 * 1024 * 1024) != 0, $"{partial.Length} bytes kept");
        proxy.BlobBytesPerSecond = 0;
        var result = await _store.PullAsync(client, Reference(proxy, repository), Options());
        Assert.Equal(weights, File.ReadAllBytes(Path.Combine(result.Artifact.Path!, "w.bin")));
        Assert.Equal(partial.Length, RangeStart(proxy.BlobGets(digest).Last()));
    }

    [Fact]
    public async Task Cancelling_while_another_process_downloads_the_same_blob_returns_within_a_second()
    {
        var (repository, _, digest) = await PushAsync("cancel-wait");
        using var proxy = new FaultProxy(Registry);
        using var client = _setup.Client();
        // What another process's download holds: the store's activity lock (shared) and the blob's lock.
        using var activity = await _store.EnterActivityAsync(CancellationToken.None);
        using var held = FileLock.Acquire(Path.Combine(_store.TempDirectory, Digest.Parse(digest).Encoded + ".lock"), TimeSpan.Zero);
        using var cts = new CancellationTokenSource();
        var waiting = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var options = new PullOptions
        {
            Log = line =>
            {
                if (line.StartsWith("Waiting for another download", StringComparison.Ordinal))
                {
                    waiting.TrySetResult();
                }
            },
        };

        var pull = _store.PullAsync(client, Reference(proxy, repository), options, cts.Token);
        await waiting.Task.WaitAsync(TimeSpan.FromSeconds(20));
        var clock = Stopwatch.StartNew();
        cts.Cancel();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => pull);
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(1), clock.Elapsed.ToString());
        Assert.Empty(proxy.BlobGets(digest));
    }

    [Fact]
    public async Task Cancelling_while_a_collection_holds_the_store_returns_within_a_second()
    {
        var (repository, _, _) = await PushAsync("cancel-gc");
        using var client = _setup.Client();
        using var gc = _store.AcquireGcLock();
        using var cts = new CancellationTokenSource(TimeSpan.FromMilliseconds(1500));
        var clock = Stopwatch.StartNew();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => _store.PullAsync(client, ModelReference.Parse(Registry + "/" + repository + ":v1"), null, cts.Token));

        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(2.5), clock.Elapsed.ToString());
    }

    private PullOptions Options() => new() { Log = _log.Add };

    private static ModelReference Reference(FaultProxy proxy, string repository) => ModelReference.Parse(proxy.HostPort + "/" + repository + ":v1");

    private static long RangeStart(ProxiedRequest request)
    {
        var range = request.Range ?? throw new InvalidOperationException("no Range on " + request);
        Assert.StartsWith("bytes=", range, StringComparison.Ordinal);
        Assert.EndsWith("-", range, StringComparison.Ordinal);
        return long.Parse(range["bytes=".Length..^1]);
    }

    /// <summary>Pushes an artifact with one random raw layer (w.bin) and a small doc layer; returns its repository, the layer's bytes and digest.</summary>
    private async Task<(string Repository, byte[] Weights, string Digest)> PushAsync(string name, int size = BlobSize)
    {
        var weights = new byte[size];
        new Random(name.GetHashCode(StringComparison.Ordinal)).NextBytes(weights);
        var repository = "faults/" + name;
        using var client = _setup.Client();
        await new ArtifactBuilder(name).Raw("w.bin", weights).Raw("README.md", Encoding.UTF8.GetBytes("# " + name), LayerKind.Doc).PushAsync(client, Registry, repository, "v1");
        return (repository, weights, Digest.Sha256(weights).ToString());
    }

    private string Contents()
    {
        var files = Directory.GetFiles(_store.Root, "*", SearchOption.AllDirectories)
            .Where(f => !f.Contains(Path.DirectorySeparatorChar + "tmp" + Path.DirectorySeparatorChar, StringComparison.Ordinal))
            .Select(f => Path.GetRelativePath(_store.Root, f))
            .OrderBy(f => f, StringComparer.Ordinal);
        return string.Join("\n", files) + "\n" + File.ReadAllText(Path.Combine(_store.Root, "index.json"));
    }

    public void Dispose() => _root.Dispose();

    private sealed class CallbackProgress : IProgress<PullProgress>
    {
        private readonly Action<PullProgress> _report;

        public CallbackProgress(Action<PullProgress> report) => _report = report;

        public void Report(PullProgress value) => _report(value);
    }
}
