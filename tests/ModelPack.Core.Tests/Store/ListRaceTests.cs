using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.IO;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using ModelPack.Core.Errors;
using ModelPack.Core.Packing;
using ModelPack.Core.References;
using ModelPack.Core.Store;
using ModelPack.Core.Tests.Packing;
using ModelPack.Core.Tests.Support;

namespace ModelPack.Core.Tests.Store;

/// <summary>
/// Listing the store while artifacts are removed from it: forced at the exact point between reading
/// index.json and reading the blobs it names, then raced for real by a thread that removes and packs again.
/// </summary>
public sealed class ListRaceTests : IDisposable
{
    private static readonly ModelReference Steady = ModelReference.Parse("localhost:5000/race/steady:v1");
    private static readonly ModelReference Churn = ModelReference.Parse("localhost:5000/race/churn:v1");
    private readonly TempDirectory _root = new("modelpack-list-race");
    private readonly ModelFolder _steady = Folder("steady");
    private readonly ModelFolder _churn = Folder("churn");
    private readonly ModelStore _store;

    public ListRaceTests()
    {
        _store = ModelStore.Open(Path.Combine(_root.Path, "store"));
    }

    [Fact]
    public async Task An_artifact_removed_after_index_json_was_read_is_not_listed_and_the_others_are()
    {
        await PackAsync(_steady, Steady);
        var churn = (await PackAsync(_churn, Churn)).Artifact;
        var skipped = new List<string>();

        var listed = _store.List(skipped.Add, indexRead: () => Assert.True(_store.Remove(Churn.ToString())));

        Assert.False(_store.Layout.HasBlob(churn.Digest), "the removal deleted the manifest the listing had still to read");
        Assert.Equal(new[] { Steady.ToString() }, listed.Select(a => a.Reference));
        Assert.NotNull(listed[0].Config);
        Assert.Empty(skipped);
    }

    [Fact]
    public async Task A_name_tagged_again_while_listing_whose_old_manifest_was_collected_lists_the_new_manifest()
    {
        await PackAsync(_steady, Steady);
        var old = (await PackAsync(_churn, Churn)).Artifact;
        _churn.Write("README.md", "# churn, second version\n");
        var staging = ModelReference.Parse("localhost:5000/race/churn:staging");
        var next = (await PackAsync(_churn, staging)).Artifact;

        // Tags the new manifest, then a removal collects the old one, as a pack of the same name and a removal in
        // other processes would.
        var listed = _store.List(null, indexRead: () =>
        {
            _store.Layout.SetReference(Churn.ToString(), next.Manifest.ToDescriptor());
            Assert.True(_store.Remove(staging.ToString()));
        });

        Assert.False(_store.Layout.HasBlob(old.Digest), "the collection deleted the manifest the listing read index.json for");
        Assert.NotEqual(old.Digest, next.Digest);
        Assert.Equal(next.Digest, listed.Single(a => a.Reference == Churn.ToString()).Digest);
        Assert.Contains(listed, a => a.Reference == Steady.ToString());
    }

    [Fact]
    public async Task A_manifest_missing_while_index_json_keeps_its_entry_is_damage_left_out_with_a_note_naming_the_artifact()
    {
        await PackAsync(_steady, Steady);
        var churn = (await PackAsync(_churn, Churn)).Artifact;
        File.Delete(_store.Layout.BlobPath(churn.Digest));
        var skipped = new List<string>();
        var damaged = new List<string>();

        var listed = _store.List(skipped.Add, damaged.Add);

        Assert.Equal(Steady.ToString(), Assert.Single(listed).Reference);
        var note = Assert.Single(damaged);
        Assert.Contains($"'{Churn}'", note, StringComparison.Ordinal);
        Assert.Contains(churn.Digest + " of it is missing", note, StringComparison.Ordinal);
        Assert.Contains("Save-ModelArtifact", note, StringComparison.Ordinal);
        Assert.Empty(skipped);
    }

    [Fact]
    public async Task A_manifest_changed_on_disk_is_damage_too_and_is_not_found_so_the_next_pull_fetches_it_afresh()
    {
        var churn = (await PackAsync(_churn, Churn)).Artifact;
        var path = _store.Layout.BlobPath(churn.Digest);
        File.SetAttributes(path, FileAttributes.Normal);
        File.WriteAllText(path, "{}");
        var notes = new List<string>();

        Assert.Empty(_store.List(notes.Add));

        Assert.Contains("does not match its digest", Assert.Single(notes), StringComparison.Ordinal);
        Assert.Null(_store.Find(Churn));
    }

    [Fact]
    public async Task A_config_missing_while_index_json_keeps_its_entry_lists_the_artifact_without_its_config()
    {
        var churn = (await PackAsync(_churn, Churn)).Artifact;
        File.Delete(_store.Layout.BlobPath(churn.Manifest.Config!.Digest));

        var listed = Assert.Single(_store.List());

        Assert.Equal(churn.Digest, listed.Digest);
        Assert.Null(listed.Config);
    }

    [Fact]
    public async Task Listing_while_another_thread_removes_and_adds_back_never_fails_and_lists_only_whole_artifacts()
    {
        await PackAsync(_steady, Steady);
        var reserve = new Reserve(_store, (await PackAsync(_churn, Churn)).Artifact, _root.Combine("reserve"));
        using var stop = new CancellationTokenSource();
        var rounds = 0;
        var churner = Task.Run(() =>
        {
            while (!stop.IsCancellationRequested)
            {
                Assert.True(_store.Remove(Churn.ToString()));
                reserve.Restore();
                Interlocked.Increment(ref rounds);
            }
        });

        var lists = 0;
        var churnSeen = 0;
        var clock = Stopwatch.StartNew();
        try
        {
            // About 1.5 s; longer only when a loaded machine has not let the race happen often enough yet.
            while (!churner.IsCompleted && (clock.Elapsed < TimeSpan.FromSeconds(1.5) || Volatile.Read(ref rounds) < 30) && clock.Elapsed < TimeSpan.FromSeconds(20))
            {
                var listed = _store.List();
                Assert.Contains(listed, a => a.Reference == Steady.ToString());
                Assert.All(listed, a => Assert.NotNull(a.Config));
                churnSeen += listed.Count(a => a.Reference == Churn.ToString());
                Assert.NotNull(_store.Find(Steady));
                lists++;
            }
        }
        finally
        {
            stop.Cancel();
        }

        await churner;
        Assert.True(rounds >= 30, $"only {rounds} removals ran");
        Assert.True(churnSeen > 0 && churnSeen < lists, $"the churned artifact was listed {churnSeen} of {lists} times: the race did not interleave");
        Assert.Equal(new[] { Churn.ToString(), Steady.ToString() }, StoreConsistency.Verify(_store).OrderBy(r => r, StringComparer.Ordinal));
    }

    public void Dispose()
    {
        _steady.Dispose();
        _churn.Dispose();
        _root.Dispose();
    }

    private static ModelFolder Folder(string name)
    {
        var folder = new ModelFolder();
        folder.Write("model.safetensors", ModelFolder.Random(64 * 1024, name.Length));
        folder.Write("config.json", "{\"architectures\":[\"LlamaForCausalLM\"]}");
        folder.Write("README.md", "# " + name + "\n");
        return folder;
    }

    /// <summary>
    /// Hard links to a stored artifact's blobs and snapshot files, to put it back after each removal the way a
    /// pull or pack would (blobs, snapshot, then the tag), without writing and flushing every file again: a
    /// pack per round is too slow for removals to catch listings often.
    /// </summary>
    private sealed class Reserve
    {
        private readonly ModelStore _store;
        private readonly ModelArtifact _artifact;
        private readonly string _blobs;
        private readonly string _snapshot;

        public Reserve(ModelStore store, ModelArtifact artifact, string directory)
        {
            _store = store;
            _artifact = artifact;
            _blobs = Path.Combine(directory, "blobs");
            _snapshot = Path.Combine(directory, "snapshot");
            Directory.CreateDirectory(_blobs);
            foreach (var digest in Digests())
            {
                Link(store.Layout.BlobPath(digest), Path.Combine(_blobs, Hex(digest)));
            }

            Copy(artifact.Path!, _snapshot);
        }

        public void Restore()
        {
            foreach (var digest in Digests().Where(d => !_store.Layout.HasBlob(d)))
            {
                // Blobs the other artifact shares stayed.
                Link(Path.Combine(_blobs, Hex(digest)), _store.Layout.BlobPath(digest));
            }

            var building = Path.Combine(_store.SnapshotsDirectory, ".tmp-restore-" + Guid.NewGuid().ToString("N"));
            Copy(_snapshot, building);
            Directory.Move(building, _artifact.Path!);
            _store.Layout.SetReference(_artifact.Reference, _artifact.Manifest.ToDescriptor());
        }

        private static string Hex(string digest) => digest.Substring(digest.IndexOf(':') + 1);

        private static void Link(string existing, string link) =>
            Assert.True(HardLink.TryCreate(existing, link, out var error), $"link {link}: error {error}");

        private static void Copy(string from, string to)
        {
            foreach (var file in Directory.GetFiles(from, "*", SearchOption.AllDirectories))
            {
                var target = Path.Combine(to, Path.GetRelativePath(from, file));
                Directory.CreateDirectory(Path.GetDirectoryName(target)!);
                Link(file, target);
            }
        }

        private string[] Digests() =>
            _artifact.Manifest.Layers.Select(l => l.Digest).Append(_artifact.Manifest.Config!.Digest).Append(_artifact.Digest).Distinct().ToArray();
    }

    private Task<PackResult> PackAsync(ModelFolder folder, ModelReference reference)
    {
        var request = new PackRequest(folder.Path, reference);
        request.Config.Name = reference.Repository;
        return ModelPacker.PackAsync(request, _store);
    }
}
