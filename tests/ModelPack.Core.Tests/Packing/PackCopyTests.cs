using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Security.Cryptography;
using System.Threading.Tasks;
using ModelPack.Core.Packing;
using ModelPack.Core.References;
using ModelPack.Core.Store;
using ModelPack.Core.Tests.Store;
using ModelPack.Core.Tests.Support;

namespace ModelPack.Core.Tests.Packing;

/// <summary>
/// How a raw layer gets into the store: a reflink clone where the file system has them (a loop-mounted btrfs here),
/// else one pass that hashes while it copies; never a hard link, so whatever the user later does to the source
/// file, the stored blob and the snapshot keep the bytes that were packed.
/// </summary>
public sealed class PackCopyTests : IDisposable
{
    private const int WeightSize = 24 * 1024 * 1024;
    private static readonly ModelReference Reference = ModelReference.Parse("localhost:5000/pack/copy:v1");
    private readonly TempDirectory _root = new("modelpack-pack-copy");

    public void Dispose() => _root.Dispose();

    [Fact]
    public async Task Editing_overwriting_and_deleting_the_source_files_after_a_pack_never_changes_the_stored_blobs()
    {
        var source = Path.Combine(_root.Path, "source");
        var original = WriteModel(source);
        var store = ModelStore.Open(Path.Combine(_root.Path, "store"));
        var log = new List<string>();

        var artifact = (await ModelPacker.PackAsync(Request(source, log), store)).Artifact;
        EditInPlace(Path.Combine(source, "model.safetensors"));
        File.AppendAllText(Path.Combine(source, "config.json"), "appended");
        File.Delete(Path.Combine(source, "README.md"));

        Assert.Equal(new[] { Reference.ToString() }, StoreConsistency.Verify(store));
        Assert.Equal(original, Tree.Hashes(artifact.Path!));
        var weights = artifact.Manifest.Layers.Single(l => l.Filepath == "model.safetensors");
        Assert.Equal(original["model.safetensors"], Hash(store.Layout.BlobPath(weights.Digest)));
    }

    [ToolFact(TestTools.TmpfsMount, TestTools.MkfsBtrfs)]
    public async Task On_btrfs_every_raw_layer_is_a_clone_that_takes_no_space_and_an_edit_of_the_source_does_not_reach_it()
    {
        using var btrfs = new ReflinkFileSystem(512);
        var source = Path.Combine(btrfs.Path, "source");
        var original = WriteModel(source);
        var store = ModelStore.Open(Path.Combine(btrfs.Path, "store"));
        var log = new List<string>();
        var free = btrfs.FreeBytes();

        var artifact = (await ModelPacker.PackAsync(Request(source, log), store)).Artifact;
        var used = free - btrfs.FreeBytes();

        var packed = log.Where(l => l.StartsWith("Packed '", StringComparison.Ordinal) && l.Contains(" as application/", StringComparison.Ordinal)).ToList();
        Assert.Equal(3, packed.Count);
        Assert.All(packed, l => Assert.Contains("cloned: no data copied", l, StringComparison.Ordinal));
        Assert.True(used < WeightSize / 2, $"the pack used {used} bytes of the file system for a {WeightSize}-byte weight file: it was copied, not cloned");

        EditInPlace(Path.Combine(source, "model.safetensors"));
        Assert.Equal(new[] { Reference.ToString() }, StoreConsistency.Verify(store));
        Assert.Equal(original, Tree.Hashes(artifact.Path!));
    }

    [ToolFact(TestTools.TmpfsMount, TestTools.MkfsBtrfs)]
    public async Task A_source_on_btrfs_packed_into_a_store_elsewhere_is_copied_in_one_pass_and_verifies()
    {
        using var btrfs = new ReflinkFileSystem(512);
        var source = Path.Combine(btrfs.Path, "source");
        var original = WriteModel(source);
        var store = ModelStore.Open(Path.Combine(_root.Path, "store"));
        var log = new List<string>();

        var result = await ModelPacker.PackAsync(Request(source, log), store);

        Assert.DoesNotContain(log, l => l.Contains("cloned", StringComparison.Ordinal));
        Assert.Equal(new DirectoryInfo(source).GetFiles().Sum(f => f.Length), result.BytesRead);
        Assert.Equal(new[] { Reference.ToString() }, StoreConsistency.Verify(store));
        Assert.Equal(original, Tree.Hashes(result.Artifact.Path!));
    }

    [Fact]
    public async Task A_deferred_pack_records_its_manifest_and_every_blob_in_a_journal_of_this_boot_and_settling_flushes_them()
    {
        var (source, store) = SourceAndStoreOfABoot();

        var manifest = (await ModelPacker.PackAsync(Request(source, new List<string>()), store)).Artifact.Manifest;

        var journal = Assert.Single(Directory.GetFiles(Path.Combine(store.Root, "unsynced")));
        var lines = File.ReadAllLines(journal);
        Assert.Equal("manifest " + manifest.Digest, lines[1]);
        var expected = manifest.Layers.Select(l => "blob " + l.Digest).Append("blob " + manifest.Config!.Digest).OrderBy(x => x, StringComparer.Ordinal);
        Assert.Equal(expected, lines.Skip(2).OrderBy(x => x, StringComparer.Ordinal));
        store.UnsyncedSettleAge = TimeSpan.Zero;
        store.SettleUnsyncedWrites();
        Assert.Empty(Directory.GetFiles(Path.Combine(store.Root, "unsynced")));
        Assert.Equal(new[] { Reference.ToString() }, StoreConsistency.Verify(store));
    }

    [Fact]
    public async Task An_immediate_pack_leaves_no_journal()
    {
        var (source, store) = SourceAndStoreOfABoot();
        store.Durability = StoreDurability.Immediate;

        await ModelPacker.PackAsync(Request(source, new List<string>()), store);

        var journals = Path.Combine(store.Root, "unsynced");
        Assert.False(Directory.Exists(journals) && Directory.GetFiles(journals).Length > 0, "an immediate pack wrote a journal");
        Assert.Equal(new[] { Reference.ToString() }, StoreConsistency.Verify(store));
    }

    /// <summary>A written model folder and an unsettled store with a fixed boot id (deferred writes are journalled).</summary>
    private (string Source, ModelStore Store) SourceAndStoreOfABoot()
    {
        var source = Path.Combine(_root.Path, "source");
        WriteModel(source);
        var store = ModelStore.OpenUnsettled(Path.Combine(_root.Path, "store"));
        store.BootId = () => "c0ffee00-0000-4000-8000-000000000001";
        return (source, store);
    }

    private static PackRequest Request(string folder, List<string> log) =>
        new(folder, Reference) { Log = log.Add, Config = { Name = "copy" } };

    private static SortedDictionary<string, string> WriteModel(string folder)
    {
        Directory.CreateDirectory(folder);
        File.WriteAllBytes(Path.Combine(folder, "model.safetensors"), ModelFolder.Random(WeightSize, 7));
        File.WriteAllText(Path.Combine(folder, "config.json"), "{\"architectures\":[\"Tiny\"]}");
        File.WriteAllText(Path.Combine(folder, "README.md"), "# tiny\n");
        return Tree.Hashes(folder);
    }

    /// <summary>What an editor or a training run saving in place does: new bytes over the old, no truncation, same inode.</summary>
    private static void EditInPlace(string path)
    {
        using var file = new FileStream(path, FileMode.Open, FileAccess.Write);
        file.Position = 4096;
        file.Write(ModelFolder.Random(1024 * 1024, 99));
    }

    private static string Hash(string path) => Convert.ToHexString(SHA256.HashData(File.ReadAllBytes(path)));
}
