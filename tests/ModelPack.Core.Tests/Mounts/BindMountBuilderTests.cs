using System;
using System.IO;
using ModelPack.Core.Errors;
using ModelPack.Core.Mounts;
using ModelPack.Core.Spec;
using ModelPack.Core.Store;
using ModelPack.Core.Tests.Support;
using static ModelPack.Core.Tests.Mounts.MountTestData;

namespace ModelPack.Core.Tests.Mounts;

public sealed class BindMountBuilderTests : IDisposable
{
    private readonly TempDirectory _dir = new("modelpack-mounts");

    public void Dispose() => _dir.Dispose();

    private ModelArtifact StoredArtifact(string snapshotName, params Descriptor[] layers)
    {
        var snapshot = Directory.CreateDirectory(_dir.File(snapshotName)).FullName;
        return new ModelArtifact("localhost:5000/models/tiny:v1", Manifest(layers), null, ModelStore.StrategyName, snapshot, _dir.Path);
    }

    [Fact]
    public void A_stored_artifact_becomes_a_read_only_bind_of_its_snapshot()
    {
        var artifact = StoredArtifact("snap", Layer(LayerKind.Weight, LayerPacking.Raw, 42, "model.gguf"), Layer(LayerKind.Doc, LayerPacking.Raw, 4, "README.md"));

        var mount = BindMountBuilder.Build(artifact, "/models/");

        Assert.Equal("localhost:5000/models/tiny:v1", mount.Reference);
        Assert.Equal("HttpBind", mount.Strategy);
        Assert.Equal("podman", mount.Engine);
        Assert.Equal("bind", mount.Type);
        Assert.Equal(artifact.Path, mount.Source);
        Assert.Equal("/models", mount.Destination);
        Assert.True(mount.ReadOnly);
        Assert.Null(mount.SubPath);
        Assert.Equal($"--mount=type=bind,src={artifact.Path},destination=/models,ro", mount.Argument);
        Assert.Equal("/models/model.gguf", mount.EntryPath);
        Assert.Equal(mount.Argument, mount.ToString());
    }

    [Fact]
    public void The_default_destination_is_mnt_models()
    {
        var mount = BindMountBuilder.Build(StoredArtifact("snap", Layer(LayerKind.Weight, LayerPacking.Raw, 1, "w.bin")));

        Assert.Equal("/mnt/models", mount.Destination);
        Assert.Equal("/mnt/models/w.bin", mount.EntryPath);
    }

    [Theory]
    [InlineData("Layout")]
    [InlineData("Remote")]
    public void Artifacts_outside_the_store_are_refused(string strategy)
    {
        var artifact = new ModelArtifact("localhost:5000/models/tiny:v1", Manifest(Layer(LayerKind.Weight, LayerPacking.Raw, 1, "w.bin")), null, strategy, strategy == "Remote" ? null : _dir.Path);

        var ex = Assert.Throws<ModelPackException>(() => BindMountBuilder.Build(artifact));

        Assert.Equal(ErrorIds.ModelArtifactNotInStore, ex.ErrorId);
        Assert.Equal(ErrorKind.InvalidArgument, ex.Kind);
        Assert.Equal("localhost:5000/models/tiny:v1", ex.Target);
        Assert.Contains("Save-ModelArtifact", ex.Message);
    }

    [Fact]
    public void A_missing_snapshot_is_PathNotFound()
    {
        var artifact = StoredArtifact("gone", Layer(LayerKind.Weight, LayerPacking.Raw, 1, "w.bin"));
        Directory.Delete(artifact.Path!);

        var ex = Assert.Throws<ModelPackException>(() => BindMountBuilder.Build(artifact));

        Assert.Equal(ErrorIds.PathNotFound, ex.ErrorId);
        Assert.Equal(artifact.Path, ex.Target);
    }

    [Fact]
    public void A_snapshot_path_with_commas_or_quotes_is_written_as_a_quoted_field_and_one_with_a_control_character_cannot_be_mounted()
    {
        var odd = StoredArtifact("store,with \"quotes\"", Layer(LayerKind.Weight, LayerPacking.Raw, 1, "w.bin"));
        var control = StoredArtifact("store\nwith-a-newline", Layer(LayerKind.Weight, LayerPacking.Raw, 1, "w.bin"));

        var mount = BindMountBuilder.Build(odd);
        var ex = Assert.Throws<ModelPackException>(() => BindMountBuilder.Build(control));

        Assert.Equal($"--mount=type=bind,\"src={odd.Path!.Replace("\"", "\"\"", StringComparison.Ordinal)}\",destination=/mnt/models,ro", mount.Argument);
        Assert.Equal(odd.Path, mount.Source);
        Assert.Equal(ErrorIds.UnmountablePath, ex.ErrorId);
        Assert.Equal(control.Path, ex.Target);
        Assert.Contains("MODELPACK_STORE", ex.Message);
    }

    [Fact]
    public void A_bad_destination_is_refused_before_anything_else()
    {
        var artifact = StoredArtifact("snap", Layer(LayerKind.Weight, LayerPacking.Raw, 1, "w.bin"));

        var ex = Assert.Throws<ModelPackException>(() => BindMountBuilder.Build(artifact, "models"));

        Assert.Equal(ErrorIds.InvalidMountDestination, ex.ErrorId);
    }

    [Fact]
    public void A_model_without_weights_has_no_entry_path()
    {
        var mount = BindMountBuilder.Build(StoredArtifact("snap", Layer(LayerKind.Doc, LayerPacking.Raw, 1, "README.md")));

        Assert.Null(mount.EntryPath);
    }
}
