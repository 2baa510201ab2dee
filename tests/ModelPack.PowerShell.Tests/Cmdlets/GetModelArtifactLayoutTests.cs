using System.Collections.Generic;
using System.Linq;
using System.Management.Automation;
using System.Text;
using ModelPack.PowerShell.Tests.Support;

namespace ModelPack.PowerShell.Tests.Cmdlets;

// The cmdlets read MODELPACK_* process variables, which the store tests set: never at the same time.
[Collection(StoreCollection.Name)]
public sealed class GetModelArtifactLayoutTests : System.IDisposable
{
    private readonly TestLayout _layout = new();
    private readonly PowerShellSession _ps = new();

    public GetModelArtifactLayoutTests()
    {
        _layout.AddModel("tiny:1.0", "tiny", ("tiny.gguf", "weight", new byte[] { 1, 2, 3, 4 }), ("README.md", "doc", Encoding.UTF8.GetBytes("# tiny")));
        _layout.AddModel("other:2.0", "other", ("weights/model.safetensors", "weight", new byte[] { 9, 9 }));
        _layout.AddImage("busybox:latest");
    }

    private Dictionary<string, object?> P => new() { ["p"] = _layout.Root };

    [Fact]
    public void Emits_one_typed_artifact_per_model_and_skips_images_verbosely()
    {
        var r = _ps.Run("param($p) Get-ModelArtifact -Path $p -Verbose", P);

        Assert.Empty(r.Errors);
        var artifacts = r.Output.Select(o => Assert.IsType<ModelArtifact>(o.BaseObject)).ToList();
        Assert.Equal(new[] { "tiny:1.0", "other:2.0" }, artifacts.Select(a => a.Reference));
        Assert.Contains(r.Verbose, v => v.Contains("busybox:latest") && v.Contains("not a ModelPack model"));
        var tiny = artifacts[0];
        Assert.Equal("tiny", tiny.Name);
        Assert.Equal("Layout", tiny.Strategy);
        Assert.Equal(new[] { "tiny.gguf", "README.md" }, tiny.Files.Select(f => f.Path));
        Assert.Equal(ModelPack.Core.Spec.LayerKind.Weight, tiny.Files[0].Kind);
        Assert.Equal(4, tiny.Files[0].Size);
        Assert.StartsWith("sha256:", tiny.Digest);
        Assert.True(tiny.Size > 10);
    }

    [Fact]
    public void Reference_takes_wildcards_and_reports_missing_names()
    {
        var r = _ps.Run("param($p) Get-ModelArtifact -Path $p -Reference 'ti*', 'nothere:1'", P);

        Assert.Equal("tiny:1.0", Assert.Single(r.Output).Properties["Reference"].Value);
        var error = Assert.Single(r.Errors);
        Assert.Equal("ModelArtifactNotFound,ModelPack.Cmdlets.GetModelArtifactCommand", error.FullyQualifiedErrorId);
        Assert.Equal(ErrorCategory.ObjectNotFound, error.CategoryInfo.Category);
        Assert.Equal("nothere:1", error.TargetObject);
    }

    [Fact]
    public void Not_a_layout_is_a_terminating_OciLayoutNotFound()
    {
        var missing = System.IO.Path.Combine(_layout.Root, "nope");
        var r = _ps.Run("param($p) Get-ModelArtifact -Path $p", new() { ["p"] = missing });

        var error = Assert.Single(r.AllErrors);
        Assert.StartsWith("OciLayoutNotFound", error.FullyQualifiedErrorId);
        Assert.Equal(ErrorCategory.ObjectNotFound, error.CategoryInfo.Category);
        Assert.Equal(missing, error.TargetObject);
        Assert.DoesNotContain("   at ", error.Exception.Message);
    }

    [Fact]
    public void Corrupt_config_blob_is_a_DigestMismatch_for_that_artifact_only()
    {
        var tiny = _ps.RunOk("param($p) Get-ModelArtifact -Path $p -Reference tiny*", P).Single().BaseObject as ModelArtifact;
        var configPath = _layout.BlobPath(tiny!.Manifest.Config!.Digest);
        var bytes = System.IO.File.ReadAllBytes(configPath);
        bytes[^2] ^= 0x20;
        System.IO.File.WriteAllBytes(configPath, bytes);

        var r = _ps.Run("param($p) Get-ModelArtifact -Path $p", P);

        Assert.Equal("other:2.0", Assert.Single(r.Output).Properties["Reference"].Value);
        var error = Assert.Single(r.Errors);
        Assert.StartsWith("DigestMismatch", error.FullyQualifiedErrorId);
        Assert.Equal(ErrorCategory.InvalidData, error.CategoryInfo.Category);
    }

    public void Dispose()
    {
        _ps.Dispose();
        _layout.Dispose();
    }
}
