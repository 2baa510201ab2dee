using System.IO;
using System.Linq;
using System.Management.Automation;
using System.Threading.Tasks;
using ModelPack.Core.Spec;
using ModelPack.Core.Tests.Support;
using ModelPack.PowerShell.Tests.Support;

namespace ModelPack.PowerShell.Tests.Cmdlets;

public sealed class RemoveModelArtifactTests : StoreTestBase
{
    public RemoveModelArtifactTests(StoreRegistryFixture fixture)
        : base(fixture)
    {
    }

    /// <summary>Two tags whose manifests share the weight layer but not the tokenizer.</summary>
    private async Task<(string V1, string V2, TestArtifact M1, TestArtifact M2)> SaveTwoSharingAWeightAsync()
    {
        var shared = TestArtifact.Bytes(100, 50_000);
        var m1 = TestArtifact.FromFiles("one", ("model.safetensors", LayerKind.Weight, shared), ("tokenizer.json", LayerKind.WeightConfig, TestArtifact.Bytes(101, 200)));
        var m2 = TestArtifact.FromFiles("two", ("model.safetensors", LayerKind.Weight, shared), ("tokenizer.json", LayerKind.WeightConfig, TestArtifact.Bytes(102, 200)));
        var repository = Fixture.NewRepository("shared");
        var v1 = await PushAsync(m1, "shared", "v1", repository);
        var v2 = await PushAsync(m2, "shared", "v2", repository);
        Ps.RunOk("param($a, $b) Save-ModelArtifact $a, $b", Args(("a", v1), ("b", v2)));
        return (v1, v2, m1, m2);
    }

    [Fact]
    public async Task Removing_by_name_keeps_blobs_another_artifact_uses_and_the_pipeline_removes_the_rest()
    {
        var (v1, v2, m1, m2) = await SaveTwoSharingAWeightAsync();
        var sharedDigest = m1.Layers[0].Descriptor.Digest;

        var removed = OnlyOne<ModelArtifact>(Ps.RunOk("param($r) Remove-ModelArtifact $r -Force -PassThru", Args(("r", v1))));

        Assert.Equal(v1, removed.Reference);
        Assert.True(Store.HasBlob(sharedDigest));
        Assert.False(Store.HasBlob(m1.Layers[1].Descriptor.Digest));
        Assert.False(Store.HasBlob(m1.Digest));
        Assert.False(Directory.Exists(Store.SnapshotOf(m1.Digest)));
        Assert.True(Directory.Exists(Store.SnapshotOf(m2.Digest)));
        Assert.Equal([v2], Ps.RunOk("Get-ModelArtifact").Select(o => ((ModelArtifact)o.BaseObject).Reference));

        Ps.RunOk("param($r) Get-ModelArtifact $r | Remove-ModelArtifact -Force", Args(("r", v2)));

        Assert.Empty(Ps.RunOk("Get-ModelArtifact"));
        Assert.False(Store.HasBlob(sharedDigest));
        Assert.Empty(Directory.GetFiles(Path.Combine(Store.StoreRoot, "blobs"), "*", SearchOption.AllDirectories));
        Assert.Empty(Directory.GetDirectories(Path.Combine(Store.StoreRoot, "snapshots")));
    }

    [Fact]
    public async Task WhatIf_describes_the_removal_and_changes_nothing_even_with_Force()
    {
        var (v1, _, m1, _) = await SaveTwoSharingAWeightAsync();
        var before = Store.Contents();
        Ps.Host.Clear();

        var r = Ps.Run("param($r) Remove-ModelArtifact $r -Force -WhatIf", Args(("r", v1)));

        Assert.Empty(r.AllErrors);
        Assert.Contains($"What if: Performing the operation \"Remove model artifact\" on target \"{v1} ({m1.Digest}", Ps.Host.Text);
        Assert.Equal(0, Ps.Host.PromptCount);
        Assert.Equal(before, Store.Contents());
    }

    [Fact]
    public async Task Without_Force_the_user_is_asked_and_No_keeps_the_artifact()
    {
        var (v1, _, _, _) = await SaveTwoSharingAWeightAsync();
        var before = Store.Contents();
        Ps.Host.PromptChoice = 2; // [N] No

        var r = Ps.Run("param($r) Remove-ModelArtifact $r", Args(("r", v1)));

        Assert.Empty(r.AllErrors);
        Assert.Equal(1, Ps.Host.PromptCount);
        Assert.Equal(before, Store.Contents());

        Ps.RunOk("param($r) Remove-ModelArtifact $r -Force", Args(("r", v1)));
        Assert.Equal(1, Ps.Host.PromptCount);
        Assert.NotEqual(before, Store.Contents());
    }

    [Fact]
    public async Task Wildcards_remove_every_match()
    {
        var (v1, v2, _, _) = await SaveTwoSharingAWeightAsync();

        var removed = Ps.RunOk("param($p) Remove-ModelArtifact $p -Force -PassThru", Args(("p", v1[..v1.LastIndexOf(':')] + ":*")));

        Assert.Equal([v1, v2], removed.Select(o => ((ModelArtifact)o.BaseObject).Reference).Order());
        Assert.Empty(Ps.RunOk("Get-ModelArtifact"));
    }

    [Fact]
    public void A_reference_not_in_the_store_is_a_non_terminating_ModelArtifactNotFound()
    {
        var missing = $"{Fixture.Host}/models/not-saved:v1";

        var r = Ps.Run("param($r) Remove-ModelArtifact $r, 'Bad Ref!' -Force; 'after'", Args(("r", missing)));

        Assert.Equal("after", r.Output.Last().BaseObject);
        Assert.Equal(2, r.Errors.Count);
        Assert.Equal("ModelArtifactNotFound,ModelPack.Cmdlets.RemoveModelArtifactCommand", r.Errors[0].FullyQualifiedErrorId);
        Assert.Equal(ErrorCategory.ObjectNotFound, r.Errors[0].CategoryInfo.Category);
        Assert.Equal(missing, r.Errors[0].TargetObject);
        Assert.StartsWith("InvalidModelReference,", r.Errors[1].FullyQualifiedErrorId);
    }

    [Fact]
    public void Artifacts_outside_the_store_are_refused_with_a_clear_error()
    {
        using var layout = new TestLayout();
        layout.AddModel("tiny:1.0", "tiny", ("tiny.gguf", "weight", new byte[] { 1, 2, 3 }));

        var r = Ps.Run("param($p) Get-ModelArtifact -Path $p | Remove-ModelArtifact -Force", Args(("p", layout.Root)));

        var error = Assert.Single(r.Errors);
        Assert.StartsWith("ModelArtifactNotInStore,", error.FullyQualifiedErrorId);
        Assert.Contains("HttpBind", error.Exception.Message);
        Assert.True(File.Exists(Path.Combine(layout.Root, "index.json")));
        Assert.Single(Ps.RunOk("param($p) Get-ModelArtifact -Path $p", Args(("p", layout.Root))));
    }
}
