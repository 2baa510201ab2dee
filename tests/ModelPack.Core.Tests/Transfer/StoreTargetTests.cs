using System;
using System.IO;
using System.Linq;
using System.Text;
using System.Threading;
using System.Threading.Tasks;
using ModelPack.Core.Errors;
using ModelPack.Core.Spec;
using ModelPack.Core.Store;
using ModelPack.Core.Tests.Layout;
using ModelPack.Core.Tests.Support;
using ModelPack.Core.Transfer;
using TempDirectory = ModelPack.Core.Tests.Support.TempDirectory;

namespace ModelPack.Core.Tests.Transfer;

/// <summary>
/// The copy engine writing into the store: what arrives stays in <c>tmp/&lt;hex&gt;.partial</c> until its digest
/// and size verified, then appears by a rename; content that cannot be the blob leaves nothing; an interruption
/// leaves only the partial, for the next copy to resume.
/// </summary>
public sealed class StoreTargetTests : IDisposable
{
    private readonly TempDirectory _temp = new("modelpack-store-target");
    private readonly ModelStore _store;

    public StoreTargetTests() => _store = ModelStore.Open(_temp.File("store"));

    public void Dispose() => _temp.Dispose();

    [Fact]
    public async Task Verified_content_is_published_and_its_progress_reported()
    {
        var bytes = Enumerable.Range(0, 3_000_000).Select(i => (byte)(i % 251)).ToArray();
        var blob = Blob(bytes);
        var progress = new SyncProgress<TransferProgress>();

        var result = await CopyAsync(new MemoryStream(bytes), blob, progress.Report);

        Assert.Equal(BlobCopyOutcome.Transferred, result.Outcome);
        Assert.Equal(bytes, File.ReadAllBytes(_store.Layout.BlobPath(blob.Digest)));
        var reports = progress.Reports.Select(r => r.BlobBytesDone).ToList();
        Assert.Equal(bytes.Length, reports.Last());
        Assert.True(reports.Count > 1);
        Assert.Equal(reports.OrderBy(r => r), reports);
        Assert.Empty(Partials());
    }

    [Fact]
    public async Task Content_stays_in_tmp_until_it_is_verified()
    {
        var bytes = Enumerable.Range(0, 200_000).Select(i => (byte)i).ToArray();
        var blob = Blob(bytes);
        var source = new GatedStream(bytes, gateAfter: 100_000);

        var copy = CopyAsync(source, blob);
        Assert.True(await source.ReachedGate.WaitAsync(TimeSpan.FromSeconds(10)));

        Assert.False(_store.Layout.HasBlob(blob.Digest));
        var partial = Assert.Single(Partials());
        Assert.True(new FileInfo(partial).Length <= 100_000);

        source.Open();
        await copy;
        Assert.True(_store.Layout.HasBlob(blob.Digest));
        Assert.False(File.Exists(partial));
    }

    [Fact]
    public async Task Content_with_the_wrong_digest_leaves_nothing_behind()
    {
        var bytes = Encoding.UTF8.GetBytes("what the registry actually sent");
        var promised = new Descriptor("application/octet-stream", Digest.Sha256("what the manifest promised").ToString(), bytes.Length);

        var ex = await Assert.ThrowsAsync<ModelPackException>(() => CopyAsync(new MemoryStream(bytes), promised));

        Assert.Equal(ErrorIds.DigestMismatch, ex.ErrorId);
        Assert.Equal(ErrorKind.InvalidData, ex.Kind);
        Assert.Equal(promised.Digest, ex.Target);
        Assert.False(_store.Layout.HasBlob(promised.Digest));
        Assert.False(_store.Layout.HasBlob(Digest.Sha256(bytes).ToString()));
        AssertNothingKept();
    }

    [Theory]
    [InlineData(-1)]
    [InlineData(+1)]
    public async Task Content_of_the_wrong_size_leaves_nothing_behind(int sizeError)
    {
        var bytes = Encoding.UTF8.GetBytes("sized content");
        var blob = new Descriptor("application/octet-stream", Digest.Sha256(bytes).ToString(), bytes.Length + sizeError);

        var ex = await Assert.ThrowsAsync<ModelPackException>(() => CopyAsync(new MemoryStream(bytes), blob));

        Assert.Equal(ErrorIds.SizeMismatch, ex.ErrorId);
        AssertNothingKept();
    }

    [Fact]
    public async Task A_copy_that_fails_or_is_cancelled_midway_publishes_nothing_and_keeps_what_arrived_for_a_resume()
    {
        var bytes = new byte[500_000];
        var blob = Blob(bytes);

        await Assert.ThrowsAsync<IOException>(() => CopyAsync(new FailingStream(bytes, failAfter: 200_000), blob));
        Assert.False(_store.Layout.HasBlob(blob.Digest));
        Assert.InRange(new FileInfo(Assert.Single(Partials())).Length, 1, 200_000);

        using var cancel = new CancellationTokenSource();
        var source = new GatedStream(bytes, gateAfter: 100_000);
        var copy = CopyAsync(source, blob, cancellationToken: cancel.Token);
        Assert.True(await source.ReachedGate.WaitAsync(TimeSpan.FromSeconds(10)));
        cancel.Cancel();
        source.Open();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => copy);
        Assert.False(_store.Layout.HasBlob(blob.Digest));
        Assert.Single(Partials());
    }

    private static Descriptor Blob(byte[] bytes) => new("application/octet-stream", Digest.Sha256(bytes).ToString(), bytes.Length);

    private async Task<BlobCopyResult> CopyAsync(Stream content, Descriptor blob, Action<TransferProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        var results = await TransferEngine.CopyAsync(new TestTransfer.StreamSource(content), new StoreTarget(_store, flushToDisk: true, null), new[] { blob }, new CopyOptions { Progress = progress }, cancellationToken);
        return results.Single();
    }

    private string[] Partials() => Directory.GetFiles(_store.TempDirectory, "*.partial");

    private void AssertNothingKept()
    {
        Assert.Empty(Directory.GetFiles(Path.Combine(_store.Root, "blobs"), "*", SearchOption.AllDirectories));
        Assert.Empty(Partials());
    }
}
