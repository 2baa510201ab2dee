using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text;
using System.Threading.Tasks;
using ModelPack.Core.Errors;
using ModelPack.Core.Packing;
using ModelPack.Core.References;
using ModelPack.Core.Store;
using ModelPack.Core.Tests.Packing;
using ModelPack.Core.Tests.Support;

namespace ModelPack.Core.Tests.Store;

/// <summary>
/// The listing cache beside index.json (modelpack-listing.json): a listing from it equals one from the blobs, a tag or
/// removal by another process shows at once, a damaged or stale cache is ignored and rewritten, and it never stands in
/// for the blobs when they are verified.
/// </summary>
public sealed class ListingCacheTests : IDisposable
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(60);
    private readonly TempDirectory _root = new("modelpack-listing-cache");
    private readonly List<ModelFolder> _folders = new();
    private readonly ModelStore _store;

    public ListingCacheTests()
    {
        _store = ModelStore.Open(Path.Combine(_root.Path, "store"));
    }

    private string CachePath => Path.Combine(_store.Root, "modelpack-listing.json");

    public void Dispose()
    {
        _folders.ForEach(f => f.Dispose());
        _root.Dispose();
    }

    [Fact]
    public async Task A_listing_from_the_cache_equals_the_listing_from_the_blobs_for_many_models()
    {
        await PackManyAsync(40);

        var fromBlobs = Describe(_store.List());
        Assert.True(File.Exists(CachePath), "the first listing wrote no cache");
        var cacheBytes = File.ReadAllBytes(CachePath);
        var fromCache = Describe(ModelStore.Open(_store.Root).List());
        File.Delete(CachePath);
        var againFromBlobs = Describe(_store.List());

        Assert.Equal(40, fromBlobs.Count);
        Assert.Equal(fromBlobs, fromCache);
        Assert.Equal(fromBlobs, againFromBlobs);
        Assert.Equal(cacheBytes.Length, File.ReadAllBytes(CachePath).Length);
    }

    [Fact]
    public async Task A_listing_uses_the_cache_instead_of_the_blobs_and_verification_still_reads_the_blobs()
    {
        var artifact = (await PackManyAsync(1))[0];
        _store.List();
        var manifest = _store.Layout.BlobPath(artifact.Digest);
        var original = File.ReadAllBytes(manifest);
        ReplaceKeepingStamp(manifest, Encoding.ASCII.GetBytes(new string('x', original.Length)));

        var listed = Assert.Single(_store.List());
        var verify = Assert.Throws<ModelPackException>(() => StoreConsistency.Verify(_store));
        File.Delete(CachePath);
        var damaged = new List<string>();
        var fromBlobs = _store.List(null, damaged.Add);

        Assert.Equal(artifact.Digest, listed.Digest);
        Assert.Equal(ErrorIds.DigestMismatch, verify.ErrorId);
        Assert.Empty(fromBlobs);
        Assert.Contains(damaged, l => l.Contains("does not match its digest", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_tag_and_a_removal_by_another_process_show_in_the_next_listing_at_once()
    {
        var first = (await PackManyAsync(3))[0];
        Assert.Equal(3, _store.List().Count);
        var folder = NewFolder(100);

        await RunAgentAsync("localhost:5000/cache/other:v1", "--pack", folder.Path);
        var afterTag = _store.List().Select(a => a.Reference).ToList();
        await RunAgentAsync(first.Reference, "--remove");
        var afterRemove = _store.List().Select(a => a.Reference).ToList();

        Assert.Equal(4, afterTag.Count);
        Assert.Contains("localhost:5000/cache/other:v1", afterTag);
        Assert.Equal(3, afterRemove.Count);
        Assert.DoesNotContain(first.Reference, afterRemove);
    }

    [Theory]
    [InlineData("not json at all")]
    [InlineData("{\"modelpackListing\":2,\"manifests\":[]}")]
    [InlineData("{\"modelpackListing\":1,\"manifests\":[{\"digest\":\"sha256:zz\",\"manifest\":\"!!\"}]}")]
    [InlineData("")]
    public async Task A_damaged_cache_file_is_ignored_and_rewritten(string content)
    {
        await PackManyAsync(3);
        var expected = Describe(_store.List());
        File.WriteAllText(CachePath, content);

        var listed = Describe(ModelStore.Open(_store.Root).List());

        Assert.Equal(expected, listed);
        Assert.Contains("\"modelpackListing\":1", File.ReadAllText(CachePath), StringComparison.Ordinal);
        Assert.Equal(expected, Describe(ModelStore.Open(_store.Root).List()));
    }

    [Fact]
    public async Task A_cache_entry_whose_bytes_are_not_the_manifest_it_names_is_not_used()
    {
        var artifacts = await PackManyAsync(2);
        var expected = Describe(_store.List());
        var text = File.ReadAllText(CachePath);
        var first = Convert.ToBase64String(artifacts[0].Manifest.ToBytes());
        var second = Convert.ToBase64String(artifacts[1].Manifest.ToBytes());
        File.WriteAllText(CachePath, text.Replace(first, "@@").Replace(second, first).Replace("@@", second, StringComparison.Ordinal));

        Assert.Equal(expected, Describe(ModelStore.Open(_store.Root).List()));
    }

    [Fact]
    public async Task A_blob_rewritten_since_it_was_cached_is_read_again()
    {
        var artifact = (await PackManyAsync(1))[0];
        _store.List();
        var config = _store.Layout.BlobPath(artifact.Manifest.Config!.Digest);
        var original = File.ReadAllBytes(config);
        File.SetLastWriteTimeUtc(config, File.GetLastWriteTimeUtc(config).AddSeconds(-5));

        var listed = Assert.Single(_store.List());
        File.WriteAllBytes(config, Encoding.ASCII.GetBytes(new string('y', original.Length)));
        var damaged = new List<string>();
        var afterEdit = _store.List(null, damaged.Add);

        Assert.NotNull(listed.Config);
        Assert.Empty(afterEdit);
        Assert.Contains(damaged, l => l.Contains("does not match its digest", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_removed_models_entry_leaves_the_cache_with_the_next_listing()
    {
        var artifacts = await PackManyAsync(2);
        _store.List();
        Assert.True(_store.Remove(artifacts[0].Reference));

        _store.List();

        var text = File.ReadAllText(CachePath);
        Assert.DoesNotContain(artifacts[0].Digest, text, StringComparison.Ordinal);
        Assert.Contains(artifacts[1].Digest, text, StringComparison.Ordinal);
    }

    private static List<string> Describe(IReadOnlyList<ModelArtifact> listed) =>
        listed.Select(a => string.Join(" ", a.Reference, a.Digest, a.Name, a.Path, a.StorePath, a.Size, a.Files.Count, Convert.ToBase64String(a.Config?.ToBytes() ?? Array.Empty<byte>()))).ToList();

    /// <summary>Other bytes of the same length with the old modification time: what only reading the file can tell apart.</summary>
    private static void ReplaceKeepingStamp(string path, byte[] bytes)
    {
        var stamp = File.GetLastWriteTimeUtc(path);
        File.SetAttributes(path, FileAttributes.Normal);
        File.WriteAllBytes(path, bytes);
        File.SetLastWriteTimeUtc(path, stamp);
    }

    private async Task<List<ModelArtifact>> PackManyAsync(int count)
    {
        var packed = new List<ModelArtifact>();
        for (var i = 0; i < count; i++)
        {
            var request = new PackRequest(NewFolder(i).Path, ModelReference.Parse($"localhost:5000/cache/m{i}:v1"));
            request.Config.Name = "m" + i;
            packed.Add((await ModelPacker.PackAsync(request, _store)).Artifact);
        }

        return packed;
    }

    private ModelFolder NewFolder(int seed)
    {
        var folder = new ModelFolder();
        folder.Write("model.safetensors", ModelFolder.Random(4096, seed));
        folder.Write("config.json", "{\"architectures\":[\"Tiny\"]}");
        _folders.Add(folder);
        return folder;
    }

    private async Task RunAgentAsync(string reference, params string[] options)
    {
        using var agent = PullAgentProcess.Start(_store.Root, reference, options);
        Assert.True(await agent.WaitForExitAsync(Patience) == 0, agent.Output);
    }
}
