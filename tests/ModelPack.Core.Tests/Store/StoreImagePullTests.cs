using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text;
using System.Threading.Tasks;
using ModelPack.Core.Errors;
using ModelPack.Core.Images;
using ModelPack.Core.References;
using ModelPack.Core.Spec;
using ModelPack.Core.Store;
using ModelPack.Core.Tests.Registry;
using ModelPack.Core.Tests.Support;
using ModelPack.Core.Transfer;

namespace ModelPack.Core.Tests.Store;

/// <summary>Models packaged as container images, pulled into the store from a real docker-registry: /models becomes the snapshot.</summary>
public sealed class StoreImagePullTests : IClassFixture<PlainRegistryFixture>, IDisposable
{
    private readonly PlainRegistryFixture fixture;
    private readonly TempDirectory root = new("modelpack-image-store");
    private readonly TestClientSetup setup;
    private readonly ModelStore store;

    public StoreImagePullTests(PlainRegistryFixture fixture)
    {
        this.fixture = fixture;
        setup = new TestClientSetup(fixture.Home.Path);
        store = ModelStore.Open(Path.Combine(root.Path, "store"));
    }

    private string Registry => fixture.Registry.HostPort;

    [Fact]
    public async Task The_images_models_directory_becomes_the_snapshot_and_the_rest_of_the_image_is_skipped()
    {
        var weights = new byte[150_000];
        new Random(7).NextBytes(weights);
        var image = new ImageBuilder()
            .Label(ModelImage.ModelLabel, "true")
            .Layer(LayerPacking.TarGzip, w =>
            {
                ImageBuilder.Directory(w, "bin/");
                ImageBuilder.File(w, "bin/busybox", Encoding.UTF8.GetBytes("not really busybox"), UnixFileMode.UserRead | UnixFileMode.UserExecute);
                ImageBuilder.Symlink(w, "bin/sh", "/bin/busybox");
                ImageBuilder.CharacterDevice(w, "dev/null");
                ImageBuilder.File(w, "etc/.wh.passwd", Array.Empty<byte>());
                ImageBuilder.Symlink(w, "etc/escape", "../../../../etc/shadow");
            })
            .Layer(LayerPacking.TarZstd, w =>
            {
                ImageBuilder.Directory(w, "./models/");
                ImageBuilder.File(w, "./models/model.gguf", weights);
                ImageBuilder.File(w, "./models/tokenizer/vocab.json", "{\"a\":1}");
                ImageBuilder.Symlink(w, "./models/model.file", "/models/model.gguf");
                ImageBuilder.Symlink(w, "./models/tokenizer/root", "/models");
                ImageBuilder.HardLink(w, "./models/alias.gguf", "./models/model.gguf");
            })
            .Layer(LayerPacking.Tar, w => ImageBuilder.File(w, "models/extra/README.md", "# tiny"));
        using var client = setup.Client();
        var digest = await image.PushAsync(client, Registry, "images/tiny", "1.0");

        var result = await store.PullImageAsync(client, ModelReference.Parse(Registry + "/images/tiny:1.0"));

        var artifact = result.Artifact;
        var snapshot = artifact.Path!;
        Assert.False(result.UpToDate);
        Assert.Equal(4, result.BlobsDownloaded);
        Assert.Equal(digest, artifact.Digest);
        Assert.Equal("HttpBind", artifact.Strategy);
        Assert.True(ModelImage.IsImageManifest(artifact.Manifest));
        Assert.Equal(store.SnapshotPath(digest), snapshot);
        Assert.Equal(weights, File.ReadAllBytes(Path.Combine(snapshot, "model.gguf")));
        Assert.Equal(weights, File.ReadAllBytes(Path.Combine(snapshot, "alias.gguf")));
        Assert.Equal("{\"a\":1}", File.ReadAllText(Path.Combine(snapshot, "tokenizer", "vocab.json")));
        Assert.Equal("# tiny", File.ReadAllText(Path.Combine(snapshot, "extra", "README.md")));
        Assert.Equal("model.gguf", new FileInfo(Path.Combine(snapshot, "model.file")).LinkTarget);
        Assert.Equal("..", new DirectoryInfo(Path.Combine(snapshot, "tokenizer", "root")).LinkTarget);
        Assert.Equal(weights, File.ReadAllBytes(Path.Combine(snapshot, "model.file")));
        Assert.Equal(new[] { "alias.gguf", "extra", "model.file", "model.gguf", "tokenizer" }, Directory.EnumerateFileSystemEntries(snapshot).Select(Path.GetFileName).Order(StringComparer.Ordinal));
        Assert.Equal("true", store.ImageLabels(artifact)[ModelImage.ModelLabel]);
        var listed = Assert.Single(store.List());
        Assert.Equal(digest, listed.Digest);
        Assert.Equal(snapshot, listed.Path);
    }

    [Fact]
    public async Task Pulling_an_unchanged_image_again_downloads_nothing_and_removing_it_collects_its_blobs()
    {
        using var client = setup.Client();
        await Model("again").PushAsync(client, Registry, "images/again", "1");
        var reference = ModelReference.Parse(Registry + "/images/again:1");
        var first = await store.PullImageAsync(client, reference);

        var second = await store.PullImageAsync(client, reference);

        Assert.True(second.UpToDate);
        Assert.Equal(0, second.BlobsDownloaded);
        Assert.Equal(first.Artifact.Digest, second.Artifact.Digest);
        Assert.True(store.Remove(reference.ToString()));
        Assert.Empty(store.List());
        Assert.Empty(Directory.GetFiles(Path.Combine(store.Root, "blobs", "sha256")));
        Assert.False(Directory.Exists(first.Artifact.Path));
    }

    [Fact]
    public async Task A_whiteout_under_models_is_refused_and_leaves_the_store_as_it_was()
    {
        using var client = setup.Client();
        await new ImageBuilder()
            .Layer(LayerPacking.Tar, w => ImageBuilder.File(w, "models/old.gguf", "old"))
            .Layer(LayerPacking.Tar, w => ImageBuilder.File(w, "models/.wh.old.gguf", Array.Empty<byte>()))
            .PushAsync(client, Registry, "images/whiteout", "1");

        var error = await Assert.ThrowsAsync<ModelPackException>(() => store.PullImageAsync(client, ModelReference.Parse(Registry + "/images/whiteout:1")));

        Assert.Equal(ErrorIds.UnsupportedImageContent, error.ErrorId);
        Assert.Equal(ErrorKind.InvalidData, error.Kind);
        Assert.Contains("whiteout", error.Message);
        Assert.Equal("/models/.wh.old.gguf", error.Target);
        AssertStoreEmpty();
    }

    [Fact]
    public async Task A_hard_link_from_models_to_the_rest_of_the_image_is_refused()
    {
        using var client = setup.Client();
        await new ImageBuilder()
            .Layer(LayerPacking.Tar, w =>
            {
                ImageBuilder.File(w, "etc/passwd", "root:x:0:0");
                ImageBuilder.HardLink(w, "models/passwd", "etc/passwd");
            })
            .PushAsync(client, Registry, "images/hardlink", "1");

        var error = await Assert.ThrowsAsync<ModelPackException>(() => store.PullImageAsync(client, ModelReference.Parse(Registry + "/images/hardlink:1")));

        Assert.Equal(ErrorIds.UnsafeLayerPath, error.ErrorId);
        Assert.Contains("outside the image's /models", error.Message);
        AssertStoreEmpty();
    }

    [Fact]
    public async Task An_image_without_models_is_not_a_model()
    {
        using var client = setup.Client();
        await new ImageBuilder().Layer(LayerPacking.TarGzip, w => ImageBuilder.File(w, "app/run.sh", "echo hi")).PushAsync(client, Registry, "images/plain", "1");

        var error = await Assert.ThrowsAsync<ModelPackException>(() => store.PullImageAsync(client, ModelReference.Parse(Registry + "/images/plain:1")));

        Assert.Equal(ErrorIds.NotAModelArtifact, error.ErrorId);
        Assert.Contains("no files under /models", error.Message);
        AssertStoreEmpty();
    }

    [Fact]
    public async Task A_models_entry_that_is_a_link_is_refused()
    {
        using var client = setup.Client();
        await new ImageBuilder().Layer(LayerPacking.Tar, w => ImageBuilder.Symlink(w, "models", "/data")).PushAsync(client, Registry, "images/linked", "1");

        var error = await Assert.ThrowsAsync<ModelPackException>(() => store.PullImageAsync(client, ModelReference.Parse(Registry + "/images/linked:1")));

        Assert.Equal(ErrorIds.UnsupportedImageContent, error.ErrorId);
        Assert.Contains("not a directory", error.Message);
    }

    [Fact]
    public async Task A_layer_that_is_not_a_filesystem_layer_is_refused_before_anything_is_downloaded()
    {
        using var client = setup.Client();
        await Model("foreign").ForeignLayer("application/vnd.docker.image.rootfs.foreign.diff.tar.gzip", Encoding.UTF8.GetBytes("foreign"))
            .PushAsync(client, Registry, "images/foreign", "1");

        var error = await Assert.ThrowsAsync<ModelPackException>(() => store.PullImageAsync(client, ModelReference.Parse(Registry + "/images/foreign:1")));

        Assert.Equal(ErrorIds.UnsupportedImageContent, error.ErrorId);
        Assert.Contains("foreign.diff", error.Message);
        Assert.Empty(Directory.GetFiles(store.TempDirectory, "*.partial"));
        Assert.False(Directory.Exists(Path.Combine(store.Root, "blobs", "sha256")) && Directory.GetFiles(Path.Combine(store.Root, "blobs", "sha256")).Length > 0);
    }

    [Fact]
    public async Task A_ModelPack_artifact_given_to_the_image_pull_is_pulled_as_an_artifact()
    {
        using var client = setup.Client();
        var artifact = TestArtifact.Create("not-an-image", 1000);
        await artifact.PushAsync(client, Registry, "models/artifact", "1");

        var result = await store.PullImageAsync(client, ModelReference.Parse(Registry + "/models/artifact:1"));

        Assert.True(result.Artifact.Manifest.IsModelArtifact);
        Assert.Equal(artifact.Manifest.Digest, result.Artifact.Digest);
        Assert.True(File.Exists(Path.Combine(result.Artifact.Path!, "model.safetensors")));
    }

    public void Dispose() => root.Dispose();

    private static ImageBuilder Model(string name) =>
        new ImageBuilder().Layer(LayerPacking.TarGzip, w => ImageBuilder.File(w, "models/" + name + ".gguf", name + " weights"));

    private void AssertStoreEmpty()
    {
        Assert.Empty(store.List());
        Assert.Empty(Directory.GetDirectories(store.SnapshotsDirectory));
        var blobs = Path.Combine(store.Root, "blobs", "sha256");
        Assert.True(!Directory.Exists(blobs) || Directory.GetFiles(blobs).Length == 0, "blobs of a refused image must be collected");
    }
}
