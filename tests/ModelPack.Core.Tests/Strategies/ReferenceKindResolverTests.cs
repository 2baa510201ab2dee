using System;
using System.Collections.Generic;
using System.IO;
using System.Net.Http;
using System.Text;
using System.Threading;
using System.Threading.Tasks;
using ModelPack.Core.Engines;
using ModelPack.Core.Errors;
using ModelPack.Core.Images;
using ModelPack.Core.References;
using ModelPack.Core.Registry;
using ModelPack.Core.Spec;
using ModelPack.Core.Store;
using ModelPack.Core.Strategies;
using ModelPack.Core.Tests.Registry;
using ModelPack.Core.Tests.Support;
using ModelPack.Core.Transfer;

namespace ModelPack.Core.Tests.Strategies;

/// <summary>Artifact or image, with or without tar layers: from the local stores first, else one registry GET, cached.</summary>
public sealed class ReferenceKindResolverTests : IClassFixture<PlainRegistryFixture>, IDisposable
{
    private readonly PlainRegistryFixture fixture;
    private readonly TempDirectory temp = new("modelpack-kind");
    private readonly TestClientSetup setup;
    private readonly ReferenceKindCache cache = new();
    private readonly HttpBindStrategy httpBind;

    public ReferenceKindResolverTests(PlainRegistryFixture fixture)
    {
        this.fixture = fixture;
        setup = new TestClientSetup(fixture.Home.Path);
        var none = EngineInfo.None("no engine in this test");
        httpBind = new HttpBindStrategy(new StrategyContext(none, () => ModelStore.Open(temp.Combine("store"))));
    }

    private string Registry => fixture.Registry.HostPort;

    private ReferenceKindResolver Resolver => new(new IModelStrategy[] { httpBind }, cache);

    [Fact]
    public async Task The_registry_says_artifact_or_image_and_whether_podman_can_mount_an_artifact()
    {
        using var client = setup.Client();
        await TestArtifact.Create("raw-only", 100).PushAsync(client, Registry, "kind/raw", "1");
        await new ArtifactBuilder("tars").Raw("m.gguf", new byte[] { 1 }).Tar("docs", LayerPacking.Tar, new Dictionary<string, byte[]> { ["docs/a"] = new byte[] { 2 } }).PushAsync(client, Registry, "kind/tar", "1");
        await new ImageBuilder().Layer(LayerPacking.TarGzip, w => ImageBuilder.File(w, "models/m.gguf", "w")).PushAsync(client, Registry, "kind/image", "1");
        await TestArtifact.FromFiles("twins", ("m.gguf", LayerKind.Weight, new byte[] { 1 }), ("a.txt", LayerKind.Doc, new byte[] { 3 }), ("b.txt", LayerKind.Doc, new byte[] { 3 })).PushAsync(client, Registry, "kind/twins", "1");

        var raw = await Resolver.ResolveAsync(ModelReference.Parse(Registry + "/kind/raw:1"), client, CancellationToken.None);
        var tar = await Resolver.ResolveAsync(ModelReference.Parse(Registry + "/kind/tar:1"), client, CancellationToken.None);
        var image = await Resolver.ResolveAsync(ModelReference.Parse(Registry + "/kind/image:1"), client, CancellationToken.None);
        var twins = await Resolver.ResolveAsync(ModelReference.Parse(Registry + "/kind/twins:1"), client, CancellationToken.None);

        Assert.Equal((ReferenceKind.Artifact, true, "registry"), (raw.Kind, raw.PodmanMounts!.CanMount, raw.Source));
        Assert.Equal((ReferenceKind.Artifact, "this artifact has tar layers ('docs')"), (tar.Kind, tar.PodmanMounts!.Blocker));
        Assert.Equal((ReferenceKind.Image, null), (image.Kind, image.PodmanMounts));
        Assert.Equal(new[] { "a.txt", "b.txt" }, twins.PodmanMounts!.Layers);
        Assert.StartsWith("its layers 'a.txt', 'b.txt' have the same digest", twins.PodmanMounts.Blocker);
        Assert.Equal(4, cache.Count);
    }

    [Fact]
    public async Task A_registry_answer_is_cached_for_the_session_so_the_registry_is_asked_once()
    {
        using var client = setup.Client();
        var digest = await new ImageBuilder().Layer(LayerPacking.Tar, w => ImageBuilder.File(w, "models/m.gguf", "w")).PushAsync(client, Registry, "kind/cached", "1");
        var reference = ModelReference.Parse(Registry + "/kind/cached:1");
        await Resolver.ResolveAsync(reference, client, CancellationToken.None);
        using (var http = new HttpClient())
        {
            using var delete = await http.DeleteAsync($"http://{Registry}/v2/kind/cached/manifests/{digest}");
            Assert.True(delete.IsSuccessStatusCode, "the test registry allows deletes");
        }

        var again = await Resolver.ResolveAsync(reference, client, CancellationToken.None);
        var fresh = await Assert.ThrowsAsync<RegistryException>(() => new ReferenceKindResolver(Array.Empty<IModelStrategy>(), new ReferenceKindCache()).ResolveAsync(reference, client, CancellationToken.None));

        Assert.Equal(ReferenceKind.Image, again.Kind);
        Assert.Equal(ErrorIds.ModelArtifactNotFound, fresh.ErrorId);
    }

    [Fact]
    public async Task A_local_store_answers_before_the_registry_and_needs_no_client()
    {
        using var client = setup.Client();
        await new ImageBuilder().Layer(LayerPacking.Tar, w => ImageBuilder.File(w, "models/m.gguf", "w")).PushAsync(client, Registry, "kind/local", "1");
        var reference = ModelReference.Parse(Registry + "/kind/local:1");
        await httpBind.PullAsync(reference, new PullContext { Client = client }, CancellationToken.None);

        var info = await Resolver.ResolveAsync(reference, null, CancellationToken.None);

        Assert.Equal(ReferenceKind.Image, info.Kind);
        Assert.Equal("HttpBind", info.Source);
        Assert.NotNull(info.Local);
        Assert.Equal(0, cache.Count);
    }

    [Fact]
    public async Task Without_a_local_copy_or_a_client_the_reference_is_not_found_and_a_non_model_is_named()
    {
        using var client = setup.Client();
        var empty = Encoding.UTF8.GetBytes("{}");
        var text = Encoding.UTF8.GetBytes("notes");

        // What 'podman artifact add --type text/plain' makes of a text file: that artifactType, the empty config, a
        // text/plain layer. (Without --type it would be a titled artifact, read as a model without a config.)
        var plain = Encoding.UTF8.GetBytes(
            "{\"schemaVersion\":2,\"mediaType\":\"application/vnd.oci.image.manifest.v1+json\",\"artifactType\":\"text/plain\",\"config\":{\"mediaType\":\"application/vnd.oci.empty.v1+json\",\"digest\":\"" + Digest.Sha256(empty) + "\",\"size\":2,\"data\":\"e30=\"}," +
            "\"layers\":[{\"mediaType\":\"text/plain; charset=utf-8\",\"digest\":\"" + Digest.Sha256(text) + "\",\"size\":" + text.Length + ",\"annotations\":{\"org.opencontainers.image.title\":\"notes.txt\"}}]}");
        await TestTransfer.UploadAsync(client, Registry, "kind/plain", Digest.Sha256(empty).ToString(), empty.Length, new MemoryStream(empty));
        await TestTransfer.UploadAsync(client, Registry, "kind/plain", Digest.Sha256(text).ToString(), text.Length, new MemoryStream(text));
        await client.Repository(Registry, "kind/plain").PutManifestAsync("1", plain, MediaTypes.OciManifest);

        var missing = await Assert.ThrowsAsync<ModelPackException>(() => Resolver.ResolveAsync(ModelReference.Parse(Registry + "/kind/nowhere:1"), null, CancellationToken.None));
        var notModel = await Assert.ThrowsAsync<ModelPackException>(() => Resolver.ResolveAsync(ModelReference.Parse(Registry + "/kind/plain:1"), client, CancellationToken.None));

        Assert.Equal(ErrorIds.ModelArtifactNotFound, missing.ErrorId);
        Assert.Contains("HttpBind", missing.Message);
        Assert.Equal(ErrorIds.NotAModelArtifact, notModel.ErrorId);
        Assert.Contains("application/vnd.oci.empty.v1+json", notModel.Message);
        Assert.Contains("artifactType 'text/plain'", notModel.Message);
    }

    public void Dispose() => temp.Dispose();
}
