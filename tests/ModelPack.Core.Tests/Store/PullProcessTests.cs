using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text;
using System.Threading;
using System.Threading.Tasks;
using ModelPack.Core.Spec;
using ModelPack.Core.Store;
using ModelPack.Core.Tests.Registry;
using ModelPack.Core.Tests.Support;
using ModelPack.Core.Transfer;

namespace ModelPack.Core.Tests.Store;

/// <summary>
/// Pulls in separate processes (tests/ModelPack.PullAgent) against a real registry: killed with
/// SIGKILL at chosen points, run four at once, and raced by removals and garbage collection from this
/// process. The store must stay consistent and the next pull must finish what the killed one began.
/// </summary>
public sealed class PullProcessTests : IClassFixture<PlainRegistryFixture>, IDisposable
{
    private const int WeightsSize = 6 * 1024 * 1024;
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(45);
    private readonly PlainRegistryFixture _fixture;
    private readonly TempDirectory _root = new("modelpack-processes");
    private readonly TestClientSetup _setup;

    public PullProcessTests(PlainRegistryFixture fixture)
    {
        _fixture = fixture;
        _setup = new TestClientSetup(fixture.Home.Path);
    }

    private string Registry => _fixture.Registry.HostPort;

    private string StorePath => Path.Combine(_root.Path, "store");

    [Fact]
    public async Task A_pull_killed_mid_blob_leaves_a_consistent_store_and_the_next_pull_resumes()
    {
        var (repository, weights) = await PushAsync("kill-bytes");
        var digest = Digest.Sha256(weights);
        using var proxy = new FaultProxy(Registry) { BlobBytesPerSecond = 8 * 1024 * 1024 };
        var reference = proxy.HostPort + "/" + repository + ":v1";

        using (var agent = PullAgentProcess.Start(StorePath, reference))
        {
            await agent.WaitForLineAsync(l => IsProgressBeyond(l, 2 * 1024 * 1024), Patience);
            agent.Kill();
        }

        var store = ModelStore.Open(StorePath);
        Assert.Empty(StoreConsistency.Verify(store));
        var partial = new FileInfo(Path.Combine(store.TempDirectory, digest.Encoded + ".partial"));
        Assert.True(partial.Exists && partial.Length >= 1024 * 1024, "the killed pull kept its partial download");

        proxy.BlobBytesPerSecond = 0;
        using var again = PullAgentProcess.Start(StorePath, reference);
        Assert.Equal(0, await again.WaitForExitAsync(Patience));

        Assert.Equal(new[] { reference }, StoreConsistency.Verify(store));
        var resumed = proxy.BlobGets(digest.ToString()).Last();
        Assert.Equal("bytes=" + partial.Length + "-", resumed.Range);
        Assert.Equal(WeightsSize - partial.Length, resumed.BytesSent);
        Assert.Empty(StoreConsistency.Leftovers(store));
    }

    [Fact]
    public async Task A_pull_killed_while_building_the_snapshot_is_finished_by_the_next_which_removes_the_half_built_one()
    {
        var (repository, _) = await PushAsync("kill-snapshot", manyFiles: 8000);
        var reference = Registry + "/" + repository + ":v1";
        string halfBuilt;
        using (var agent = PullAgentProcess.Start(StorePath, reference))
        {
            // A dedicated thread, not the thread pool: under a loaded test run a pooled continuation can
            // come back after the whole build is over.
            halfBuilt = await Task.Factory.StartNew(() => KillDuringSnapshotBuild(agent), TaskCreationOptions.LongRunning);
        }

        var store = ModelStore.Open(StorePath);
        Assert.Empty(StoreConsistency.Verify(store));
        Assert.True(Directory.Exists(halfBuilt), "the kill left the snapshot build behind");

        using var again = PullAgentProcess.Start(StorePath, reference, "--stale-age-seconds", "0");
        Assert.Equal(0, await again.WaitForExitAsync(Patience));

        Assert.Equal(new[] { reference }, StoreConsistency.Verify(store));
        Assert.Equal("0", again.Done("blobs"));
        Assert.False(Directory.Exists(halfBuilt));
        Assert.Empty(StoreConsistency.Leftovers(store));
    }

    [Fact]
    public async Task A_pull_killed_just_before_tagging_lists_nothing_and_the_next_pull_only_tags()
    {
        var (repository, _) = await PushAsync("kill-tag");
        var reference = Registry + "/" + repository + ":v1";
        using (var agent = PullAgentProcess.Start(StorePath, reference, "--pause-at", "Tagging"))
        {
            await agent.WaitForLineAsync(l => l == "paused Tagging", Patience);
            agent.Kill();
        }

        var store = ModelStore.Open(StorePath);
        Assert.Empty(StoreConsistency.Verify(store));
        Assert.Empty(store.Layout.ReadIndex().Manifests);
        Assert.Single(Directory.GetDirectories(store.SnapshotsDirectory));

        using var again = PullAgentProcess.Start(StorePath, reference);
        Assert.Equal(0, await again.WaitForExitAsync(Patience));

        Assert.Equal(new[] { reference }, StoreConsistency.Verify(store));
        Assert.Equal("0", again.Done("bytes"));
    }

    [Fact]
    public async Task Four_processes_pulling_one_artifact_fetch_every_blob_once_and_all_succeed()
    {
        var (repository, _) = await PushAsync("four");
        using var proxy = new FaultProxy(Registry) { BlobBytesPerSecond = 16 * 1024 * 1024 };
        var reference = proxy.HostPort + "/" + repository + ":v1";

        var agents = Enumerable.Range(0, 4).Select(_ => PullAgentProcess.Start(StorePath, reference)).ToList();
        try
        {
            var exits = await Task.WhenAll(agents.Select(a => a.WaitForExitAsync(Patience)));

            Assert.True(exits.All(code => code == 0), string.Join("\n---\n", agents.Select(a => a.Output)));
            var store = ModelStore.Open(StorePath);
            Assert.Equal(new[] { reference }, StoreConsistency.Verify(store));
            var manifest = store.List().Single().Manifest;
            foreach (var blob in manifest.Layers.Append(manifest.Config!))
            {
                Assert.Single(proxy.BlobGets(blob.Digest));
            }

            // Each blob was downloaded by exactly one of the four.
            Assert.Equal(manifest.Layers.Count + 1, agents.Sum(a => int.Parse(a.Done("blobs"))));
        }
        finally
        {
            agents.ForEach(a => a.Dispose());
        }
    }

    [Fact]
    public async Task Removing_and_collecting_while_another_process_pulls_never_takes_a_blob_it_needs()
    {
        var shared = RandomBytes(3 * 1024 * 1024, 77);
        using var client = _setup.Client();
        await new ArtifactBuilder("a").Raw("shared.bin", shared).Raw("a.txt", Encoding.UTF8.GetBytes("a"), LayerKind.Doc).PushAsync(client, Registry, "race/a", "v1");
        await new ArtifactBuilder("b").Raw("shared.bin", shared).Raw("b.bin", RandomBytes(WeightsSize, 78)).PushAsync(client, Registry, "race/b", "v1");
        var store = ModelStore.Open(StorePath);
        var a = (await store.PullAsync(client, Core.References.ModelReference.Parse(Registry + "/race/a:v1"))).Artifact;
        using var proxy = new FaultProxy(Registry) { BlobBytesPerSecond = 12 * 1024 * 1024 };
        var referenceB = proxy.HostPort + "/race/b:v1";

        using var agent = PullAgentProcess.Start(StorePath, referenceB);
        await agent.WaitForLineAsync(l => l.StartsWith("progress Downloading", StringComparison.Ordinal), Patience);
        Assert.True(store.Remove(a.Reference));
        var collections = 0;
        while (!agent.HasExited)
        {
            store.CollectGarbage();
            collections++;
            await Task.Delay(5);
        }

        Assert.Equal(0, await agent.WaitForExitAsync(Patience));
        Assert.True(collections > 10, $"only {collections} collections ran during the pull");
        Assert.Equal(new[] { referenceB }, StoreConsistency.Verify(store));
        Assert.True(store.Layout.HasBlob(Digest.Sha256(shared).ToString()));
        Assert.False(store.Layout.HasBlob(a.Files.Single(f => f.Path == "a.txt").Digest));
    }

    public void Dispose() => _root.Dispose();

    private static bool IsProgressBeyond(string line, long bytes)
    {
        var parts = line.Split(' ');
        return parts.Length == 4 && parts[0] == "progress" && long.Parse(parts[2]) >= bytes;
    }

    /// <summary>Polls for the agent's snapshot build directory once it holds files, kills the agent at once; returns the directory.</summary>
    private string KillDuringSnapshotBuild(PullAgentProcess agent)
    {
        var snapshots = Path.Combine(StorePath, ModelStore.SnapshotsDirectoryName);
        var deadline = DateTime.UtcNow + Patience;
        while (DateTime.UtcNow < deadline)
        {
            if (Directory.Exists(snapshots))
            {
                foreach (var dir in Directory.GetDirectories(snapshots, SnapshotBuilder.TemporaryPrefix + "*"))
                {
                    if (Directory.EnumerateFileSystemEntries(dir, "*", SearchOption.AllDirectories).Take(20).Count() >= 20)
                    {
                        agent.Kill();
                        return dir;
                    }
                }
            }

            Assert.False(agent.HasExited, "the pull finished before its snapshot build was seen:\n" + agent.Output);
            Thread.Yield();
        }

        throw new TimeoutException("no snapshot build appeared:\n" + agent.Output);
    }

    private async Task<(string Repository, byte[] Weights)> PushAsync(string name, int manyFiles = 0)
    {
        var weights = RandomBytes(WeightsSize, name.GetHashCode(StringComparison.Ordinal));
        var builder = new ArtifactBuilder(name).Raw("weights/w.bin", weights).Raw("README.md", Encoding.UTF8.GetBytes("# " + name), LayerKind.Doc);
        if (manyFiles > 0)
        {
            var files = Enumerable.Range(0, manyFiles).ToDictionary(i => $"data/{i % 40:00}/file-{i:0000}.txt", i => Encoding.UTF8.GetBytes("file " + i));
            builder.Tar("data", LayerPacking.Tar, files);
        }

        using var client = _setup.Client();
        await builder.PushAsync(client, Registry, "processes/" + name, "v1");
        return ("processes/" + name, weights);
    }

    private static byte[] RandomBytes(int size, int seed)
    {
        var bytes = new byte[size];
        new Random(seed).NextBytes(bytes);
        return bytes;
    }
}
