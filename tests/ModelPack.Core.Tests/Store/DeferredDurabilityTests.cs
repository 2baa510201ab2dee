using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text;
using System.Threading.Tasks;
using ModelPack.Core.References;
using ModelPack.Core.Spec;
using ModelPack.Core.Store;
using ModelPack.Core.Tests.Registry;
using ModelPack.Core.Tests.Support;
using ModelPack.Core.Transfer;

namespace ModelPack.Core.Tests.Store;

/// <summary>
/// Pulls that do not wait for the disk (StoreDurability.Deferred): the unsynced/ journal they leave,
/// how it is settled in the same boot, and what happens after a system stop (a different boot id stands
/// in for the restart; damage is written into the blobs the way a lost write would leave them).
/// </summary>
public sealed class DeferredDurabilityTests : IClassFixture<PlainRegistryFixture>, IDisposable
{
    private const string ThisBoot = "0b1d6a4e-1111-4c3b-9a55-000000000001";
    private const string NextBoot = "0b1d6a4e-2222-4c3b-9a55-000000000002";

    private readonly PlainRegistryFixture _fixture;
    private readonly TempDirectory _root = new("modelpack-durability");
    private readonly TestClientSetup _setup;
    private readonly List<string> _log = new();

    public DeferredDurabilityTests(PlainRegistryFixture fixture)
    {
        _fixture = fixture;
        _setup = new TestClientSetup(fixture.Home.Path);
    }

    private string Registry => _fixture.Registry.HostPort;

    private string StoreRoot => Path.Combine(_root.Path, "store");

    private string JournalDirectory => Path.Combine(StoreRoot, "unsynced");

    [Fact]
    public async Task A_deferred_pull_leaves_a_journal_of_this_boot_naming_its_manifest_and_every_blob()
    {
        var store = OpenStore(ThisBoot);
        var (reference, manifest) = await PushAsync("journal");

        await PullAsync(store, reference);

        var journal = Assert.Single(Directory.GetFiles(JournalDirectory));
        Assert.StartsWith(ThisBoot + "_", Path.GetFileName(journal), StringComparison.Ordinal);
        var lines = File.ReadAllLines(journal);
        Assert.Equal("modelpack-unsynced 1", lines[0]);
        Assert.Equal("manifest " + manifest.Digest, lines[1]);
        var expected = manifest.Layers.Select(l => "blob " + l.Digest).Append("blob " + manifest.Config!.Digest).OrderBy(x => x, StringComparer.Ordinal);
        Assert.Equal(expected, lines.Skip(2).OrderBy(x => x, StringComparer.Ordinal));
        StoreConsistency.Verify(store);
    }

    [Fact]
    public async Task The_journal_is_held_while_its_pull_runs_so_no_settling_touches_it()
    {
        var store = OpenStore(ThisBoot);
        store.UnsyncedSettleAge = TimeSpan.Zero;
        var (reference, _) = await PushAsync("held");
        var observed = new List<bool>();
        var progress = new SyncProgress(p =>
        {
            if (p.Stage == PullStage.Downloading && Directory.Exists(JournalDirectory) && observed.Count == 0)
            {
                var journal = Assert.Single(Directory.GetFiles(JournalDirectory));
                using var held = UnsyncedJournal.TryHold(journal);
                observed.Add(held is null);

                // Another process opening the store now, even one that believes the system restarted, leaves it alone.
                var other = ModelStore.OpenUnsettled(StoreRoot);
                other.BootId = () => NextBoot;
                other.SettleUnsyncedWrites(_log.Add);
                observed.Add(File.Exists(journal));
            }
        });

        using var client = _setup.Client();
        await store.PullAsync(client, reference, new PullOptions { Progress = progress });

        Assert.Equal(new[] { true, true }, observed);
        Assert.Single(Directory.GetFiles(JournalDirectory));
    }

    [Fact]
    public async Task In_the_same_boot_a_young_journal_stays_and_an_old_one_is_flushed_and_deleted()
    {
        var store = OpenStore(ThisBoot);
        var (reference, _) = await PushAsync("settle");
        await PullAsync(store, reference);

        store.SettleUnsyncedWrites(_log.Add);
        Assert.Single(Directory.GetFiles(JournalDirectory));

        store.UnsyncedSettleAge = TimeSpan.Zero;
        store.SettleUnsyncedWrites(_log.Add);

        Assert.Empty(Directory.GetFiles(JournalDirectory));
        Assert.Equal(new[] { reference.ToString() }, StoreConsistency.Verify(store));
        Assert.Empty(_log);
    }

    [Fact]
    public async Task Settling_this_boots_journals_never_waits_for_a_running_collection()
    {
        var store = OpenStore(ThisBoot);
        var (reference, _) = await PushAsync("busy");
        await PullAsync(store, reference);
        store.UnsyncedSettleAge = TimeSpan.Zero;
        store.LockTimeout = TimeSpan.FromSeconds(5);

        var clock = System.Diagnostics.Stopwatch.StartNew();
        using (store.AcquireGcLock())
        {
            store.SettleUnsyncedWrites(_log.Add);
        }

        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(2), $"settling waited {clock.Elapsed}");
        Assert.Single(Directory.GetFiles(JournalDirectory));
        store.SettleUnsyncedWrites(_log.Add);
        Assert.Empty(Directory.GetFiles(JournalDirectory));
    }

    [Fact]
    public async Task After_a_restart_intact_blobs_are_kept_and_the_snapshot_is_rebuilt_from_them()
    {
        var store = OpenStore(ThisBoot);
        var (reference, manifest) = await PushAsync("intact");
        await PullAsync(store, reference);
        var extracted = Path.Combine(store.SnapshotPath(manifest.Digest), "docs", "README.md");
        Assert.Equal("# intact", File.ReadAllText(extracted));

        // An extracted file that never reached the disk reads back as zeros after the restart.
        ForceWrite(extracted, new byte[8]);

        var restarted = OpenStore(NextBoot);

        Assert.Empty(Directory.GetFiles(JournalDirectory));
        Assert.Equal("# intact", File.ReadAllText(extracted));
        Assert.Equal(new[] { reference.ToString() }, StoreConsistency.Verify(restarted));
        Assert.Contains(_log, l => l.Contains("Rebuilt the snapshot of " + manifest.Digest, StringComparison.Ordinal));
    }

    [Fact]
    public async Task After_a_restart_a_damaged_layer_is_deleted_its_artifact_untagged_and_the_next_pull_fetches_only_that_layer()
    {
        var store = OpenStore(ThisBoot);
        var (reference, manifest) = await PushAsync("damaged");
        var (other, _) = await PushAsync("bystander");
        await PullAsync(store, reference);
        store.Durability = StoreDurability.Immediate;
        await PullAsync(store, other);
        var weights = manifest.Layers.First(l => l.MediaType.Contains("raw", StringComparison.Ordinal));
        var blob = store.Layout.BlobPath(weights.Digest);
        ForceWrite(blob, new byte[weights.Size]);

        var restarted = OpenStore(NextBoot);

        Assert.False(File.Exists(blob));
        Assert.Equal(new[] { other.ToString() }, StoreConsistency.Verify(restarted));
        Assert.Contains(_log, l => l.Contains($"Removed '{reference}'", StringComparison.Ordinal) && l.Contains("Save-ModelArtifact", StringComparison.Ordinal));
        Assert.Contains(_log, l => l.Contains(weights.Digest, StringComparison.Ordinal));

        var again = await PullAsync(restarted, reference);
        Assert.Equal(1, again.BlobsDownloaded);
        Assert.Equal(weights.Size, again.BytesDownloaded);
        Assert.Equal(new[] { other.ToString(), reference.ToString() }.OrderBy(x => x, StringComparer.Ordinal), StoreConsistency.Verify(restarted).OrderBy(x => x, StringComparer.Ordinal));
    }

    [Fact]
    public async Task After_a_restart_a_damaged_manifest_untags_the_artifact()
    {
        var store = OpenStore(ThisBoot);
        var (reference, manifest) = await PushAsync("manifest");
        await PullAsync(store, reference);
        var path = store.Layout.BlobPath(manifest.Digest);
        ForceWrite(path, Array.Empty<byte>());

        var restarted = OpenStore(NextBoot);

        Assert.Empty(StoreConsistency.Verify(restarted));
        Assert.Empty(restarted.Layout.ReadIndex().Manifests);
    }

    [Fact]
    public void A_journal_cut_short_by_the_stop_covers_nothing_and_is_deleted()
    {
        OpenStore(ThisBoot);
        Directory.CreateDirectory(JournalDirectory);
        var cut = Path.Combine(JournalDirectory, ThisBoot + "_00000000000000000000000000000001.journal");
        File.WriteAllText(cut, "modelpack-unsy");
        var empty = Path.Combine(JournalDirectory, ThisBoot + "_00000000000000000000000000000002.journal");
        File.WriteAllBytes(empty, Array.Empty<byte>());

        OpenStore(NextBoot);

        Assert.Empty(Directory.GetFiles(JournalDirectory));
        Assert.Equal(2, _log.Count(l => l.Contains("cut short", StringComparison.Ordinal)));
    }

    [Fact]
    public async Task Immediate_durability_and_a_system_without_a_boot_id_flush_every_blob_and_keep_no_journal()
    {
        var immediate = OpenStore(ThisBoot);
        immediate.Durability = StoreDurability.Immediate;
        var (first, _) = await PushAsync("immediate");
        await PullAsync(immediate, first);
        Assert.False(Directory.Exists(JournalDirectory) && Directory.GetFiles(JournalDirectory).Length > 0);

        var noBootId = OpenStore(null);
        var (second, _) = await PushAsync("no-boot-id");
        await PullAsync(noBootId, second);
        Assert.False(Directory.Exists(JournalDirectory) && Directory.GetFiles(JournalDirectory).Length > 0);
        Assert.Equal(2, StoreConsistency.Verify(noBootId).Count);
    }

    [Fact]
    public void The_boot_id_of_this_machine_is_read_and_is_usable_in_a_file_name()
    {
        var id = BootIdentity.Current();
        if (OperatingSystem.IsLinux())
        {
            Assert.True(BootIdentity.IsValid(id), id);
            Assert.Equal(id, BootIdentity.Current());
        }

        Assert.False(BootIdentity.IsValid("../etc"));
        Assert.False(BootIdentity.IsValid(string.Empty));
    }

    public void Dispose() => _root.Dispose();

    private ModelStore OpenStore(string? bootId)
    {
        var store = ModelStore.OpenUnsettled(StoreRoot);
        store.BootId = () => bootId;
        store.SettleUnsyncedWrites(_log.Add);
        return store;
    }

    private async Task<(ModelReference Reference, ModelManifest Manifest)> PushAsync(string name)
    {
        var builder = new ArtifactBuilder(name)
            .Raw("weights/model.gguf", Encoding.UTF8.GetBytes(new string('w', 150_000) + name))
            .Tar("docs", LayerPacking.Tar, new Dictionary<string, byte[]> { ["docs/README.md"] = Encoding.UTF8.GetBytes("# " + name) });
        using var client = _setup.Client();
        var manifest = await builder.PushAsync(client, Registry, "durability/" + name, "v1");
        return (ModelReference.Parse($"{Registry}/durability/{name}:v1"), manifest);
    }

    private async Task<PullResult> PullAsync(ModelStore store, ModelReference reference)
    {
        using var client = _setup.Client();
        return await store.PullAsync(client, reference);
    }

    /// <summary>Overwrites a read-only store file in place (same inode, so snapshot hard links see it too).</summary>
    private static void ForceWrite(string path, byte[] bytes)
    {
        var attributes = File.GetAttributes(path);
        var mode = OperatingSystem.IsWindows() ? default : File.GetUnixFileMode(path);
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(path, mode | UnixFileMode.UserWrite);
        }

        File.SetAttributes(path, attributes & ~FileAttributes.ReadOnly);
        using (var file = new FileStream(path, FileMode.Truncate, FileAccess.Write))
        {
            file.Write(bytes);
        }

        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(path, mode);
        }
    }

    private sealed class SyncProgress : IProgress<PullProgress>
    {
        private readonly Action<PullProgress> _report;

        public SyncProgress(Action<PullProgress> report) => _report = report;

        public void Report(PullProgress value) => _report(value);
    }
}
