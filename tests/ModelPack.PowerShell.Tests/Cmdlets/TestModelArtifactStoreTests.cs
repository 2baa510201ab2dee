using System;
using System.IO;
using System.Linq;
using System.Management.Automation;
using ModelPack.Core.Tests.Packing;
using ModelPack.PowerShell.Tests.Support;

namespace ModelPack.PowerShell.Tests.Cmdlets;

/// <summary>Test-ModelArtifact on artifacts in the local store: blobs and snapshot re-verified, and -Repair from the registry.</summary>
public sealed class TestModelArtifactStoreTests : StoreTestBase, IDisposable
{
    private readonly ModelFolder _folder = ModelFolder.Sample();

    public TestModelArtifactStoreTests(StoreRegistryFixture fixture)
        : base(fixture)
    {
    }

    [Fact]
    public void A_flipped_byte_in_a_stored_blob_is_found_and_Repair_downloads_it_again_from_the_registry()
    {
        var reference = $"{Fixture.Registry.HostPort}/{Fixture.NewRepository("repair")}:1";
        var artifact = OnlyOne<ModelArtifact>(Ps.RunOk("param($p, $r) New-ModelArtifact $p $r | Publish-ModelArtifact -PassThru | Out-Null; Get-ModelArtifact $r", Args(("p", _folder.Path), ("r", reference))));
        var weight = artifact.Files.First(f => f.Path == "model-00001-of-00002.safetensors");
        var original = File.ReadAllBytes(_folder.Full(weight.Path));
        var intact = OnlyOne<ModelValidationResult>(Ps.RunOk("param($r) Test-ModelArtifact -Reference $r", Args(("r", reference))));
        Damage(weight.Digest);

        var damaged = OnlyOne<ModelValidationResult>(Ps.RunOk("param($r) Get-ModelArtifact $r | Test-ModelArtifact", Args(("r", reference))));
        var quiet = Ps.RunOk("Test-ModelArtifact -Reference * -Quiet").Single().BaseObject;
        var whatIf = OnlyOne<ModelValidationResult>(Ps.RunOk("param($r) Test-ModelArtifact -Reference $r -Repair -WhatIf", Args(("r", reference))));
        var stillDamaged = File.ReadAllBytes(BlobPath(weight.Digest));
        var repair = Ps.Run("param($r) Test-ModelArtifact -Reference $r -Repair -Verbose", Args(("r", reference)));

        Assert.True(intact.IsValid, string.Join("; ", intact.Violations));
        Assert.Equal(reference, intact.Target);
        Assert.False(damaged.IsValid);
        Assert.Contains(damaged.Violations, v => v.Path == "$.layers[0]" && v.Message.Contains("corrupt", StringComparison.Ordinal));
        Assert.Contains(damaged.Violations, v => v.Path == "snapshot/" + weight.Path);
        Assert.Equal(false, quiet);
        Assert.False(whatIf.IsValid);
        Assert.Contains($"What if: Performing the operation \"Repair model artifact", Ps.Host.Text, StringComparison.Ordinal);
        Assert.NotEqual(original, stillDamaged);

        Assert.Empty(repair.AllErrors);
        var after = OnlyOne<ModelValidationResult>(repair.Output);
        Assert.True(after.IsValid, string.Join("; ", after.Violations));
        Assert.Contains(repair.Verbose, v => v.StartsWith("Downloaded 1 blob(s) again and rebuilt the snapshot", StringComparison.Ordinal));
        Assert.Equal(original, File.ReadAllBytes(BlobPath(weight.Digest)));
        Assert.Equal(original, File.ReadAllBytes(Path.Combine(artifact.Path!, weight.Path)));
        Assert.Equal(true, Ps.RunOk("param($r) Test-ModelArtifact -Reference $r -Quiet", Args(("r", reference))).Single().BaseObject);
    }

    [Fact]
    public void Repair_without_a_registry_copy_or_of_a_layout_artifact_is_an_error_and_changes_nothing()
    {
        var reference = $"{Fixture.Registry.HostPort}/{Fixture.NewRepository("unpublished")}:1";
        var artifact = OnlyOne<ModelArtifact>(Ps.RunOk("param($p, $r) New-ModelArtifact $p $r", Args(("p", _folder.Path), ("r", reference))));
        Damage(artifact.Files[0].Digest);
        var damaged = File.ReadAllBytes(BlobPath(artifact.Files[0].Digest));
        using var layout = new TestLayout();
        layout.AddModel("tiny:1.0", "tiny", ("tiny.gguf", "weight", new byte[] { 1, 2, 3 }));

        var unpublished = Ps.Run("param($r) Test-ModelArtifact -Reference $r -Repair", Args(("r", reference)));
        var fromLayout = Ps.Run("param($l) Get-ModelArtifact -Path $l | Test-ModelArtifact -Repair", Args(("l", layout.Root)));

        var notFound = Assert.Single(unpublished.AllErrors);
        Assert.StartsWith("BlobNotFound,", notFound.FullyQualifiedErrorId, StringComparison.Ordinal); // the registry never had it
        Assert.Equal(ErrorCategory.ObjectNotFound, notFound.CategoryInfo.Category);
        Assert.Equal(damaged, File.ReadAllBytes(BlobPath(artifact.Files[0].Digest)));
        var notPossible = Assert.Single(fromLayout.AllErrors);
        Assert.StartsWith("RepairNotPossible,", notPossible.FullyQualifiedErrorId, StringComparison.Ordinal);
        Assert.Equal(ErrorCategory.InvalidOperation, notPossible.CategoryInfo.Category);
        Assert.Equal("tiny:1.0", notPossible.TargetObject);
    }

    [Fact]
    public void Repair_is_only_offered_for_artifacts_and_references_and_a_plain_reference_the_store_lacks_is_not_found()
    {
        var onPath = Ps.Run("param($p) Test-ModelArtifact -Path $p -Repair", Args(("p", _folder.Path)));
        var missing = Ps.Run("Test-ModelArtifact -Reference localhost:5000/models/absent:1");

        Assert.Contains(onPath.AllErrors, e => e.FullyQualifiedErrorId.StartsWith("AmbiguousParameterSet", StringComparison.Ordinal) || e.FullyQualifiedErrorId.StartsWith("NamedParameterNotFound", StringComparison.Ordinal)); // -Repair is not in the Path set
        Assert.StartsWith("ModelArtifactNotFound,", Assert.Single(missing.AllErrors).FullyQualifiedErrorId, StringComparison.Ordinal);
    }

    public new void Dispose()
    {
        _folder.Dispose();
        base.Dispose();
    }

    private string BlobPath(string digest) => Path.Combine(Store.StoreRoot, "blobs", "sha256", digest["sha256:".Length..]);

    /// <summary>Flips one byte of a stored blob in place (a raw layer's snapshot file is the same inode, so it changes too).</summary>
    private void Damage(string digest)
    {
        var path = BlobPath(digest);
        File.SetAttributes(path, FileAttributes.Normal);
        using var stream = new FileStream(path, FileMode.Open, FileAccess.ReadWrite);
        var first = stream.ReadByte();
        stream.Position = 0;
        stream.WriteByte((byte)(first ^ 0xFF));
    }
}
