using System;
using System.IO;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using ModelPack.Core.Packing;
using ModelPack.Core.References;
using ModelPack.Core.Store;
using ModelPack.Core.Tests.Store;
using ModelPack.Core.Tests.Support;

namespace ModelPack.Core.Tests.Packing;

/// <summary>
/// The temp files a pack writes (<c>tmp/pack-*</c>): a pack killed in another process leaves them for the
/// next cleaning to remove, a pack running in another process keeps them through every cleaning, and a
/// cancelled pack removes its own at once.
/// </summary>
public sealed class PackTempFileTests : IDisposable
{
    private const int FileSize = 3 * 1024 * 1024;
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(45);
    private static readonly ModelReference Interrupted = ModelReference.Parse("localhost:5000/pack/interrupted:v1");
    private static readonly ModelReference Other = ModelReference.Parse("localhost:5000/pack/other:v1");
    private readonly TempDirectory _root = new("modelpack-pack-temp");
    private readonly ModelFolder _folder = Folder(1);
    private readonly ModelFolder _otherFolder = Folder(2);

    private string StorePath => Path.Combine(_root.Path, "store");

    [Fact]
    public async Task A_pack_killed_after_writing_a_layer_leaves_it_in_tmp_and_the_next_pack_removes_it()
    {
        string[] left;
        using (var agent = PullAgentProcess.Start(StorePath, Interrupted.ToString(), "--pack", _folder.Path, "--pause-at", "LayerDone"))
        {
            await agent.WaitForLineAsync(l => l == "paused LayerDone", Patience);
            agent.Kill();
        }

        var store = ModelStore.Open(StorePath);
        left = PackFiles(store);
        Assert.Single(left);
        Assert.Equal(FileSize, new FileInfo(left[0]).Length);

        await PackAsync(store, _otherFolder, Other);

        Assert.All(left, f => Assert.False(File.Exists(f), $"{f} outlived the killed pack"));
        Assert.Empty(PackFiles(store));
        Assert.Equal(new[] { Other.ToString() }, StoreConsistency.Verify(store));
    }

    [Fact]
    public async Task A_pack_killed_after_writing_a_layer_leaves_nothing_after_the_next_collection()
    {
        using (var agent = PullAgentProcess.Start(StorePath, Interrupted.ToString(), "--pack", _folder.Path, "--pause-at", "LayerDone"))
        {
            await agent.WaitForLineAsync(l => l == "paused LayerDone", Patience);
            agent.Kill();
        }

        var store = ModelStore.Open(StorePath);
        Assert.NotEmpty(PackFiles(store));

        store.CollectGarbage();

        Assert.Empty(StoreConsistency.Leftovers(store));
        Assert.Empty(StoreConsistency.Verify(store));
    }

    [Fact]
    public async Task A_pack_running_in_another_process_keeps_its_temp_files_through_collections_removals_and_other_packs_and_completes()
    {
        using var agent = PullAgentProcess.Start(StorePath, Interrupted.ToString(), "--pack", _folder.Path, "--pause-at", "LayerDone");
        await agent.WaitForLineAsync(l => l == "paused LayerDone", Patience);
        var store = ModelStore.Open(StorePath);
        store.StaleTempAge = TimeSpan.Zero;
        var live = Assert.Single(PackFiles(store));

        store.CollectGarbage();
        await PackAsync(store, _otherFolder, Other);
        Assert.True(store.Remove(Other.ToString()));
        store.TryCleanTemporaryFiles(null);

        Assert.True(File.Exists(live), "a cleaning took the temp file of a pack that is still running");
        agent.Resume();
        Assert.Equal(0, await agent.WaitForExitAsync(Patience));
        Assert.Equal(new[] { Interrupted.ToString() }, StoreConsistency.Verify(store));
        Assert.Empty(PackFiles(store));
    }

    [Fact]
    public async Task A_pack_cancelled_while_writing_its_second_layer_deletes_both_temp_files_at_once()
    {
        var store = ModelStore.Open(StorePath);
        using var cancel = new CancellationTokenSource();
        string[] seen = Array.Empty<string>();
        var progress = new SyncProgress(p =>
        {
            if (p.Stage == PackStage.Packing && p.FilesDone == 1 && p.FileBytesDone > 0 && !cancel.IsCancellationRequested)
            {
                seen = PackFiles(store);
                cancel.Cancel();
            }
        });

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => ModelPacker.PackAsync(Request(_folder, Interrupted), store, progress, cancel.Token));

        Assert.Equal(2, seen.Length);
        Assert.Empty(PackFiles(store));
        Assert.Empty(StoreConsistency.Leftovers(store));
        Assert.Empty(store.Layout.ReadIndex().Manifests);
    }

    [Fact]
    public async Task A_pack_cancelled_once_every_layer_is_written_deletes_its_temp_files_and_stores_nothing()
    {
        var store = ModelStore.Open(StorePath);
        using var cancel = new CancellationTokenSource();
        string[] seen = Array.Empty<string>();
        var progress = new SyncProgress(p =>
        {
            if (p.Stage == PackStage.Storing)
            {
                seen = PackFiles(store);
                cancel.Cancel();
            }
        });

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => ModelPacker.PackAsync(Request(_folder, Interrupted), store, progress, cancel.Token));

        Assert.Equal(2, seen.Length);
        Assert.Empty(StoreConsistency.Leftovers(store));
        Assert.Empty(Directory.GetFiles(Path.Combine(store.Root, "blobs", "sha256")));
        Assert.Empty(Directory.GetDirectories(store.SnapshotsDirectory));
    }

    public void Dispose()
    {
        _folder.Dispose();
        _otherFolder.Dispose();
        _root.Dispose();
    }

    private static string[] PackFiles(ModelStore store) => Directory.GetFiles(store.TempDirectory, "pack-*");

    /// <summary>Two weight files (one layer each) big enough that writing one takes several reads.</summary>
    private static ModelFolder Folder(int seed)
    {
        var folder = new ModelFolder();
        folder.Write("model-00001-of-00002.safetensors", ModelFolder.Random(FileSize, seed));
        folder.Write("model-00002-of-00002.safetensors", ModelFolder.Random(FileSize, seed + 100));
        return folder;
    }

    private static PackRequest Request(ModelFolder folder, ModelReference reference)
    {
        var request = new PackRequest(folder.Path, reference);
        request.Config.Name = reference.Repository;
        return request;
    }

    private static Task<PackResult> PackAsync(ModelStore store, ModelFolder folder, ModelReference reference) =>
        ModelPacker.PackAsync(Request(folder, reference), store);

    /// <summary>Reports on the packing thread itself (Progress&lt;T&gt; would post them later).</summary>
    private sealed class SyncProgress : IProgress<PackProgress>
    {
        private readonly Action<PackProgress> _report;

        public SyncProgress(Action<PackProgress> report) => _report = report;

        public void Report(PackProgress value) => _report(value);
    }
}
