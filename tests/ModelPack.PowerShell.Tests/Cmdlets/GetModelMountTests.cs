using System.Management.Automation;
using System.Threading.Tasks;
using ModelPack.Core.Spec;
using ModelPack.PowerShell.Tests.Support;
using ModelPack.Core.Tests.Support;

namespace ModelPack.PowerShell.Tests.Cmdlets;

public sealed class GetModelMountTests : StoreTestBase
{
    public GetModelMountTests(StoreRegistryFixture fixture)
        : base(fixture)
    {
    }

    [Fact]
    public async Task By_reference_with_a_destination_and_a_tar_free_entry_path()
    {
        var model = TestArtifact.FromFiles(
            "nested",
            ("weights/part-1.safetensors", LayerKind.Weight, TestArtifact.Bytes(200, 3000)),
            ("weights/part-2.safetensors", LayerKind.Weight, TestArtifact.Bytes(201, 5000)),
            ("data/big.jsonl", LayerKind.Dataset, TestArtifact.Bytes(202, 9000)));
        var reference = await PushAsync(model, "nested");
        Ps.RunOk("param($r) Save-ModelArtifact $r", Args(("r", reference)));

        var mount = OnlyOne<ModelMount>(Ps.RunOk("param($r) Get-ModelMount $r -Destination /srv/model/", Args(("r", reference))));

        Assert.Equal("/srv/model", mount.Destination);
        Assert.Equal("/srv/model/weights/part-2.safetensors", mount.EntryPath);
        Assert.Equal($"--mount=type=bind,src={Store.SnapshotOf(model.Digest)},destination=/srv/model,ro", mount.Argument);
    }

    [Fact]
    public void A_reference_not_in_the_store_says_to_save_it_first()
    {
        var missing = $"{Fixture.Host}/models/never-saved:v1";

        var r = Ps.Run("param($r) Get-ModelMount $r", Args(("r", missing)));

        var error = Assert.Single(r.Errors);
        Assert.Equal("ModelArtifactNotFound,ModelPack.Cmdlets.GetModelMountCommand", error.FullyQualifiedErrorId);
        Assert.Equal(ErrorCategory.ObjectNotFound, error.CategoryInfo.Category);
        Assert.Equal(missing, error.TargetObject);
        Assert.Contains($"Save-ModelArtifact '{missing}'", error.Exception.Message);
    }

    [Theory]
    [InlineData("models")]
    [InlineData("/mnt/models,readonly=false")]
    [InlineData("/mnt/../etc")]
    public async Task An_unusable_destination_stops_the_command_with_InvalidArgument(string destination)
    {
        var reference = await PushAsync(TinyModel(22), "destination");
        Ps.RunOk("param($r) Save-ModelArtifact $r", Args(("r", reference)));

        var r = Ps.Run("param($r, $d) Get-ModelMount $r -Destination $d", Args(("r", reference), ("d", destination)));
        var caught = Ps.RunOk("param($r, $d) try { Get-ModelMount $r -Destination $d } catch { 'caught ' + $_.FullyQualifiedErrorId }", Args(("r", reference), ("d", destination)));

        Assert.Empty(r.Output);
        Assert.Equal("caught InvalidMountDestination,ModelPack.Cmdlets.GetModelMountCommand", Assert.Single(caught).BaseObject);
        var error = Assert.Single(r.AllErrors);
        Assert.StartsWith("InvalidMountDestination,", error.FullyQualifiedErrorId);
        Assert.Equal(ErrorCategory.InvalidArgument, error.CategoryInfo.Category);
        Assert.Equal(destination, error.TargetObject);
    }

    [Fact]
    public void A_layout_artifact_is_not_mountable_by_HttpBind()
    {
        using var layout = new TestLayout();
        layout.AddModel("tiny:1.0", "tiny", ("tiny.gguf", "weight", new byte[] { 1, 2, 3 }));

        var r = Ps.Run("param($p) Get-ModelArtifact -Path $p | Get-ModelMount", Args(("p", layout.Root)));

        var error = Assert.Single(r.Errors);
        Assert.StartsWith("ModelArtifactNotInStore,", error.FullyQualifiedErrorId);
        Assert.Equal("tiny:1.0", error.TargetObject);
    }
}
