using System.IO;
using System.Linq;
using System.Management.Automation;
using System.Threading.Tasks;
using ModelPack.PowerShell.Tests.Support;

namespace ModelPack.PowerShell.Tests.Cmdlets;

/// <summary>Save-ModelArtifact -Include/-Exclude/-Kind, and what the other cmdlets make of a partial model.</summary>
public sealed class PartialSaveTests : StoreTestBase
{
    public PartialSaveTests(StoreRegistryFixture fixture)
        : base(fixture)
    {
    }

    [Fact]
    public async Task A_partial_save_is_listed_verified_and_mounted_as_partial_and_a_full_save_completes_it()
    {
        var model = TinyModel(301);
        var reference = await PushAsync(model, "partial");

        var saved = OnlyOne<ModelArtifact>(Ps.RunOk("param($r) Save-ModelArtifact $r -Kind WeightConfig, Doc -PassThru", Args(("r", reference))));
        var listed = OnlyOne<ModelArtifact>(Ps.RunOk("param($r) Get-ModelArtifact $r", Args(("r", reference))));
        var tested = OnlyOne<ModelValidationResult>(Ps.RunOk("param($r) Test-ModelArtifact -Reference $r", Args(("r", reference))));
        var mount = Ps.Run("param($r) Get-ModelMount $r", Args(("r", reference)));

        Assert.True(saved.Partial);
        Assert.True(listed.Partial);
        Assert.Equal(new[] { true, false, false }, listed.Files.Select(f => f.Skipped));
        Assert.False(Store.HasBlob(model.Layers[0].Descriptor.Digest));
        Assert.True(tested.IsValid);
        Assert.Equal(new[] { "model.safetensors" }, tested.NotDownloaded);
        Assert.Empty(mount.AllErrors);
        Assert.Contains(mount.Warnings, w => w.Contains("is partial: the mount holds 2 of its 3 files", System.StringComparison.Ordinal));
        Assert.Null(OnlyOne<ModelMount>(mount.Output).EntryPath); // the weight was not downloaded

        var full = Ps.Run("param($r) Save-ModelArtifact $r -PassThru -Verbose", Args(("r", reference)));

        var complete = OnlyOne<ModelArtifact>(full.Output);
        Assert.False(complete.Partial);
        Assert.Contains(full.Verbose, v => v.Contains("1 blob(s)", System.StringComparison.Ordinal));
        Assert.True(Store.HasBlob(model.Layers[0].Descriptor.Digest));
        Assert.Empty(Ps.Run("param($r) Get-ModelMount $r", Args(("r", reference))).Warnings);
    }

    [Fact]
    public async Task Include_and_Exclude_globs_choose_files_by_path()
    {
        var model = TinyModel(302);
        var reference = await PushAsync(model, "globs");

        var saved = OnlyOne<ModelArtifact>(Ps.RunOk("param($r) Save-ModelArtifact $r -Include '*.json', 'docs/**' -Exclude 'docs/README.md' -PassThru", Args(("r", reference))));

        Assert.Equal(new[] { 1 }, saved.PresentLayers);
        Assert.True(File.Exists(Path.Combine(saved.Path!, "tokenizer.json")));
        Assert.False(Directory.Exists(Path.Combine(saved.Path!, "docs")));
    }

    [Fact]
    public async Task A_filter_that_takes_no_file_is_an_error_naming_the_reference()
    {
        var reference = await PushAsync(TinyModel(303), "nothing");

        var result = Ps.Run("param($r) Save-ModelArtifact $r -Include '*.onnx'", Args(("r", reference)));

        var error = Assert.Single(result.AllErrors);
        Assert.Equal("NoLayersSelected,ModelPack.Cmdlets.SaveModelArtifactCommand", error.FullyQualifiedErrorId);
        Assert.Equal(ErrorCategory.ObjectNotFound, error.CategoryInfo.Category);
        Assert.Equal(reference, error.TargetObject);
        Assert.Empty(Ps.RunOk("Get-ModelArtifact"));
    }

    [Fact]
    public void An_unusable_glob_is_refused_before_any_registry_request()
    {
        var result = Ps.Run("Save-ModelArtifact localhost:1/never/asked:v1 -Include 'docs/[ab].md'");

        var error = Assert.Single(result.AllErrors);
        Assert.Equal("InvalidLayerFilter,ModelPack.Cmdlets.SaveModelArtifactCommand", error.FullyQualifiedErrorId);
        Assert.Equal(ErrorCategory.InvalidArgument, error.CategoryInfo.Category);
        Assert.Equal("docs/[ab].md", error.TargetObject);
    }

    [Fact]
    public async Task A_filter_with_a_podman_strategy_is_refused_and_Auto_saves_with_HttpBind()
    {
        Assert.True(File.Exists("/usr/bin/podman"), "podman is not installed: apt-get install -y podman runc");
        var reference = await PushAsync(TinyModel(304), "strategy");

        var forced = Ps.Run("param($r) $env:MODELPACK_ENGINE = '/usr/bin/podman'; Save-ModelArtifact $r -Strategy PodmanImage -Kind Doc", Args(("r", reference)));
        var auto = Ps.Run("param($r) $env:MODELPACK_ENGINE = '/usr/bin/podman'; Save-ModelArtifact $r -Kind Doc -PassThru -Verbose", Args(("r", reference)));

        var error = Assert.Single(forced.AllErrors);
        Assert.Equal("PartialPullNeedsHttpBind,ModelPack.Cmdlets.SaveModelArtifactCommand", error.FullyQualifiedErrorId);
        Assert.Equal(ErrorCategory.InvalidArgument, error.CategoryInfo.Category);
        Assert.Equal("PodmanImage", error.TargetObject);
        Assert.Contains("-Strategy HttpBind", error.Exception.Message, System.StringComparison.Ordinal);
        Assert.Equal("HttpBind", OnlyOne<ModelArtifact>(auto.Output).Strategy);
        Assert.Contains(auto.Verbose, v => v.Contains("-Kind download only some files", System.StringComparison.Ordinal));
    }
}
