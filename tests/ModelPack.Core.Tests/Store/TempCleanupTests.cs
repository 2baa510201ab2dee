using System;
using System.IO;
using System.Threading;
using System.Threading.Tasks;
using ModelPack.Core.Layout;
using ModelPack.Core.Spec;
using ModelPack.Core.Store;
using ModelPack.Core.Tests.Support;

namespace ModelPack.Core.Tests.Store;

/// <summary>
/// Garbage collection of what interrupted pulls and packs leave in tmp/ and snapshots/: removed once nothing
/// can use it any more, kept while a pull or pack (in any process) might.
/// </summary>
public sealed class TempCleanupTests : IDisposable
{
    private static readonly DateTime LongAgo = DateTime.UtcNow.AddHours(-2);
    private readonly TempDirectory _root = new("modelpack-cleanup");
    private readonly ModelStore _store;
    private PullPin? _pin;

    public TempCleanupTests()
    {
        _store = ModelStore.Open(Path.Combine(_root.Path, "store"));
    }

    [Fact]
    public void With_no_pull_running_every_stale_leftover_goes_and_resumable_downloads_stay()
    {
        var files = Leftovers();

        _store.CollectGarbage();

        Assert.False(File.Exists(files.FinishedPartial), "a partial whose blob is in the store");
        Assert.True(File.Exists(files.ResumablePartial), "a partial that the next pull can resume");
        Assert.False(File.Exists(files.AbandonedPartial), "a partial nobody resumed for over a week");
        Assert.False(File.Exists(files.UnheldLock), "a lock file nobody holds");
        Assert.False(File.Exists(files.OldOrphan), "a temp blob file left by a killed writer");
        Assert.True(File.Exists(files.FreshOrphan), "a temp blob file that may be being written");
        Assert.False(File.Exists(files.FreshPackLayer), "a layer of a pack that no longer runs, however recent");
        Assert.True(File.Exists(files.Foreign), "a file of another component");
        Assert.False(Directory.Exists(files.OldBuild), "an interrupted snapshot build");
        Assert.True(Directory.Exists(files.FreshBuild), "a snapshot build that may be in progress outside a pull");
        Assert.False(Directory.Exists(files.Deleting), "an interrupted snapshot deletion");
    }

    [Fact]
    public async Task While_a_pull_runs_locks_and_builds_stay_and_only_provably_dead_files_go()
    {
        var files = Leftovers();
        using var pull = await _store.EnterActivityAsync(CancellationToken.None);

        _store.CollectGarbage();

        Assert.False(File.Exists(files.FinishedPartial));
        Assert.True(File.Exists(files.ResumablePartial));
        Assert.True(File.Exists(files.UnheldLock), "lock files are only deleted when no pull could be waiting on them");
        Assert.False(File.Exists(files.OldOrphan));
        Assert.True(File.Exists(files.OldPackLayer), "a running pack may still publish it, however old");
        Assert.True(Directory.Exists(files.OldBuild), "a running pull may be building it");
        Assert.True(Directory.Exists(files.Deleting));
    }

    [Fact]
    public async Task A_partial_being_downloaded_is_never_touched_even_once_its_blob_exists()
    {
        var files = Leftovers();
        var hex = Path.GetFileNameWithoutExtension(files.FinishedPartial);
        using var pull = await _store.EnterActivityAsync(CancellationToken.None);
        using var downloading = FileLock.Acquire(Path.Combine(_store.TempDirectory, hex + ".lock"), TimeSpan.Zero);

        _store.CollectGarbage();

        Assert.True(File.Exists(files.FinishedPartial));
    }

    [Fact]
    public void A_half_written_upload_record_goes_once_stale_like_the_layouts_temp_files()
    {
        var old = Write(Path.Combine(_store.TempDirectory, "upload-" + Guid.NewGuid().ToString("N")), LongAgo);
        var fresh = Write(Path.Combine(_store.TempDirectory, "upload-" + Guid.NewGuid().ToString("N")), DateTime.UtcNow);

        _store.CollectGarbage();

        Assert.False(File.Exists(old));
        Assert.True(File.Exists(fresh), "the publisher may be writing it");
    }

    public void Dispose()
    {
        _pin?.Dispose();
        _root.Dispose();
    }

    private (string FinishedPartial, string ResumablePartial, string AbandonedPartial, string UnheldLock, string OldOrphan, string FreshOrphan, string OldPackLayer, string FreshPackLayer, string Foreign, string OldBuild, string FreshBuild, string Deleting) Leftovers()
    {
        var tmp = _store.TempDirectory;
        var blob = _store.Layout.WriteBlob(new byte[] { 1, 2, 3 });
        _pin = _store.Pin(new[] { blob }); // kept by the collection, as a blob some pull still needs
        var published = Digest.Parse(blob).Encoded;
        var finished = Write(Path.Combine(tmp, published + ".partial"), DateTime.UtcNow);
        var resumable = Write(Path.Combine(tmp, Hex('a') + ".partial"), LongAgo);
        var abandoned = Write(Path.Combine(tmp, Hex('b') + ".partial"), DateTime.UtcNow.AddDays(-8));
        var unheldLock = Write(Path.Combine(tmp, Hex('c') + ".lock"), DateTime.UtcNow);
        var oldOrphan = Write(Path.Combine(tmp, "blob-" + Guid.NewGuid().ToString("N")), LongAgo);
        var freshOrphan = Write(Path.Combine(tmp, "blob-" + Guid.NewGuid().ToString("N")), DateTime.UtcNow);
        var oldPackLayer = Write(Path.Combine(tmp, "pack-" + Guid.NewGuid().ToString("N")), LongAgo);
        var freshPackLayer = Write(Path.Combine(tmp, "pack-" + Guid.NewGuid().ToString("N")), DateTime.UtcNow);
        var foreign = Write(Path.Combine(tmp, "other-" + Guid.NewGuid().ToString("N")), LongAgo);
        var oldBuild = Build(".tmp-" + Hex('d') + "-0123456789ab", LongAgo);
        var freshBuild = Build(".tmp-" + Hex('e') + "-0123456789ab", DateTime.UtcNow);
        var deleting = Build(".tmp-" + Hex('f') + "-deleting-0123456789ab", DateTime.UtcNow);
        return (finished, resumable, abandoned, unheldLock, oldOrphan, freshOrphan, oldPackLayer, freshPackLayer, foreign, oldBuild, freshBuild, deleting);
    }

    private string Build(string name, DateTime changed)
    {
        var dir = Path.Combine(_store.SnapshotsDirectory, name);
        Directory.CreateDirectory(Path.Combine(dir, "sub"));
        File.WriteAllText(Path.Combine(dir, "sub", "file.txt"), "x");
        Directory.SetLastWriteTimeUtc(Path.Combine(dir, "sub"), changed);
        Directory.SetLastWriteTimeUtc(dir, changed);
        return dir;
    }

    private static string Write(string path, DateTime changed)
    {
        File.WriteAllText(path, "partial");
        File.SetLastWriteTimeUtc(path, changed);
        return path;
    }

    private static string Hex(char c) => new(c, 64);
}
