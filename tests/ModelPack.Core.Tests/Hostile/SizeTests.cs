using System;
using System.IO;
using System.Linq;
using System.Text;
using System.Threading.Tasks;
using ModelPack.Core.Errors;
using ModelPack.Core.Registry;
using ModelPack.Core.Spec;
using ModelPack.Core.Store;
using ModelPack.Core.Tests.Registry;
using ModelPack.Core.Tests.Support;

namespace ModelPack.Core.Tests.Hostile;

/// <summary>
/// Sizes a registry declares are checked before they are used: they must add up without overflowing 2^63-1
/// (else the artifact is refused with the path of the size that overflows), and what a pull will write must fit
/// in the free space of the store's file system, before anything is downloaded.
/// </summary>
public sealed class SizeTests : HostileStoreTestBase
{
    private const long Largest = long.MaxValue;

    public SizeTests(PlainRegistryFixture fixture)
        : base(fixture)
    {
    }

    [Fact]
    public void Sizes_that_add_up_past_2_63_are_refused_by_parsing_and_reported_by_the_validator()
    {
        var blob = new byte[] { 1 };
        var manifest = Manifest(Config(blob), Layer(blob, annotations: At("w.bin"), size: Largest));

        var parse = Assert.Throws<ModelSpecException>(() => ModelManifest.Parse(manifest));
        var violation = Assert.Single(ManifestValidator.Validate(manifest));

        Assert.Equal("$.layers[0].size", Assert.Single(parse.Violations).Path);
        Assert.Equal("$.layers[0].size", violation.Path);
        Assert.Contains("past 9223372036854775807 bytes", violation.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Two_layers_whose_sum_overflows_name_the_second()
    {
        var blob = new byte[] { 1 };
        var manifest = Manifest(Config(blob), Layer(blob, annotations: At("a.bin"), size: Largest / 2 + 1), Layer(blob, annotations: At("b.bin"), size: Largest / 2 + 1));

        Assert.Equal("$.layers[1].size", Assert.Single(ManifestValidator.Validate(manifest)).Path);
    }

    [Fact]
    public async Task A_layer_of_2_63_minus_1_bytes_is_refused_before_download_and_not_listed_with_a_negative_size()
    {
        var weights = TestArtifact.Bytes(3, 100);
        var config = Config(weights);
        var repository = NewRepository("size-max");
        await PushBlobsAsync(repository, weights, config);
        var reference = await PushManifestAsync(repository, Manifest(config, Layer(weights, annotations: At("w.bin"), size: Largest)));
        var before = Contents();
        using var client = Setup.Client();

        var pull = await Assert.ThrowsAsync<ModelSpecException>(() => PullAsync(reference, client));
        var remote = await Assert.ThrowsAsync<ModelSpecException>(() => RemoteArtifactReader.GetAsync(client, reference));

        Assert.Equal(reference.ToString(), pull.Target);
        Assert.Equal("$.layers[0].size", Assert.Single(pull.Violations).Path);
        Assert.Equal("$.layers[0].size", Assert.Single(remote.Violations).Path);
        Assert.Empty(Proxy.BlobGets());
        Assert.Equal(before, Contents());
    }

    [Fact]
    public async Task A_layer_larger_than_any_disk_is_InsufficientFreeSpace_before_download()
    {
        var weights = TestArtifact.Bytes(4, 100);
        var config = Config(weights);
        var repository = NewRepository("size-huge");
        await PushBlobsAsync(repository, weights, config);
        var reference = await PushManifestAsync(repository, Manifest(config, Layer(weights, annotations: At("w.bin"), size: 1L << 62)));
        var before = Contents();

        var ex = await Assert.ThrowsAsync<ModelPackException>(() => PullAsync(reference));

        Assert.Equal(ErrorIds.InsufficientFreeSpace, ex.ErrorId);
        Assert.Equal(ErrorKind.ResourceUnavailable, ex.Kind);
        Assert.Equal(reference.ToString(), ex.Target);
        Assert.Contains("4,611,686,018,427,3", ex.Message, StringComparison.Ordinal);
        Assert.Empty(Proxy.BlobGets());
        Assert.Equal(before, Contents());
    }

    [Fact]
    public async Task A_config_declared_over_4_MiB_is_ConfigTooLarge_and_never_read()
    {
        var weights = TestArtifact.Bytes(8, 100);
        var config = Config(weights);
        var repository = NewRepository("config-big");
        await PushBlobsAsync(repository, weights, config);
        var manifest = Encoding.UTF8.GetBytes(Encoding.UTF8.GetString(Manifest(config, Layer(weights, annotations: At("w.bin"))))
            .Replace("\"size\":" + config.Length + "}", "\"size\":" + (ModelConfig.MaxSize + 1) + "}", StringComparison.Ordinal));
        var reference = await PushManifestAsync(repository, manifest);
        var before = Contents();
        using var client = Setup.Client();

        var pull = await Assert.ThrowsAsync<ModelPackException>(() => PullAsync(reference, client));
        var remote = await Assert.ThrowsAsync<ModelPackException>(() => RemoteArtifactReader.GetAsync(client, reference));

        foreach (var ex in new[] { pull, remote })
        {
            Assert.Equal(ErrorIds.ConfigTooLarge, ex.ErrorId);
            Assert.Equal(ErrorKind.InvalidData, ex.Kind);
            Assert.Equal(reference.ToString(), ex.Target);
        }

        Assert.Empty(Proxy.BlobGets());
        Assert.Equal(before, Contents());
    }

    [ToolFact(TestTools.DockerRegistry, TestTools.TmpfsMount)]
    public async Task A_model_bigger_than_the_free_space_of_a_real_small_file_system_is_refused_before_download()
    {
        using var small = new SmallFileSystem(sizeMiB: 8);
        Store = ModelStore.Open(small.Combine("store"));
        var model = TestArtifact.Create("too-big", layerSize: 12 * 1024 * 1024);
        var reference = await PushAsync(NewRepository("size-tmpfs"), model);
        var before = Contents();

        var ex = await Assert.ThrowsAsync<ModelPackException>(() => PullAsync(reference));

        Assert.Equal(ErrorIds.InsufficientFreeSpace, ex.ErrorId);
        Assert.Contains(small.Combine("store"), ex.Message, StringComparison.Ordinal);
        Assert.Empty(Proxy.BlobGets());
        Assert.Equal(before, Contents());
        Assert.Empty(Directory.GetFiles(Store.TempDirectory, "*.partial"));
    }

    [ToolFact(TestTools.DockerRegistry, TestTools.TmpfsMount)]
    public async Task A_model_that_fits_the_small_file_system_is_pulled()
    {
        using var small = new SmallFileSystem(sizeMiB: 8);
        Store = ModelStore.Open(small.Combine("store"));
        var model = TestArtifact.Create("fits", layerSize: 2 * 1024 * 1024);

        var result = await PullAsync(await PushAsync(NewRepository("size-fits"), model));

        Assert.Equal(model.Layers[0].Bytes, File.ReadAllBytes(Path.Combine(result.Artifact.Path!, "model.safetensors")));
    }
}
