using System;
using System.IO;
using System.Linq;
using System.Management.Automation;
using System.Threading.Tasks;
using ModelPack.Core.Tests.Packing;
using ModelPack.Core.Tests.Support;
using ModelPack.PowerShell.Tests.Support;

namespace ModelPack.PowerShell.Tests.Cmdlets;

/// <summary>Publish-ModelArtifact against real docker-registry processes, read back by real skopeo.</summary>
public sealed class PublishModelArtifactTests : StoreTestBase, IDisposable
{
    private readonly ModelFolder _folder = ModelFolder.Sample();

    public PublishModelArtifactTests(StoreRegistryFixture fixture)
        : base(fixture)
    {
    }

    private string Registry => Fixture.Registry.HostPort;

    [Fact]
    public async Task A_published_artifact_is_what_skopeo_reads_byte_for_byte_and_copies_into_a_valid_layout()
    {
        var reference = $"{Registry}/{Fixture.NewRepository("skopeo")}:1";
        var local = PackAs(reference);

        var r = Ps.Run("param($r) Publish-ModelArtifact $r -PassThru -Verbose", Args(("r", reference)));

        Assert.Empty(r.AllErrors);
        var remote = OnlyOne<ModelArtifact>(r.Output);
        Assert.Equal("Remote", remote.Strategy);
        Assert.Equal(reference, remote.Reference);
        Assert.Equal(local.Digest, remote.Digest);
        Assert.Contains(r.Verbose, v => v.Contains($"{local.Files.Count + 1} blob(s) uploaded (", StringComparison.Ordinal) && v.Contains("0 mounted from another repository, 0 already present", StringComparison.Ordinal));

        var raw = await Tool.RunAsync("skopeo", ["inspect", "--raw", "--tls-verify=false", "docker://" + reference]);
        Assert.True(raw.Succeeded, raw.Stderr);
        Assert.Equal(BlobOf(local.Digest), raw.Stdout);

        using var copyDir = new TempDirectory("modelpack-ps-skopeo");
        var layout = copyDir.File("layout");
        var copy = await Tool.RunAsync("skopeo", ["copy", "--preserve-digests", "--src-tls-verify=false", "docker://" + reference, $"oci:{layout}:sample"]);
        Assert.True(copy.Succeeded, copy.Stderr);
        foreach (var digest in local.Files.Select(f => f.Digest).Append(local.Manifest.Config!.Digest).Append(local.Digest))
        {
            Assert.Equal(BlobOf(digest), File.ReadAllBytes(Path.Combine(layout, "blobs", "sha256", digest["sha256:".Length..])));
        }

        var validation = OnlyOne<ModelValidationResult>(Ps.RunOk("param($l) Test-ModelArtifact -Path $l", Args(("l", layout))));
        Assert.True(validation.IsValid, string.Join("; ", validation.Violations));
        Assert.Equal(local.Digest, validation.Digest);
        Assert.Equal("sample", validation.Target);
    }

    [Fact]
    public void Progress_has_a_parent_per_artifact_and_a_child_per_blob_with_how_it_got_there()
    {
        var reference = $"{Registry}/{Fixture.NewRepository("progress")}:1";
        var local = PackAs(reference);

        var r = Ps.Run("param($r) Get-ModelArtifact $r | Publish-ModelArtifact", Args(("r", reference)));

        Assert.Empty(r.AllErrors);
        var parent = r.Progress.First();
        Assert.Equal("Publish-ModelArtifact " + reference, parent.Activity);
        Assert.Equal("Checking what the registry already has", parent.StatusDescription);
        var done = r.Progress.Where(p => p.ParentActivityId == parent.ActivityId && p.RecordType == ProgressRecordType.Completed).ToList();
        Assert.Equal(local.Files.Count + 1, done.Select(p => p.Activity).Distinct().Count());
        Assert.Contains(done, p => p.StatusDescription == "config: " + ProgressSize(local.Manifest.Config!.Size) + ", uploaded");
        Assert.Contains(done, p => p.Activity == "Blob " + local.Files[0].Digest[7..19] && p.StatusDescription.StartsWith(local.Files[0].Path + ": ", StringComparison.Ordinal));
        Assert.Equal(ProgressRecordType.Completed, r.Progress.Last(p => p.ActivityId == parent.ActivityId).RecordType);
    }

    [Fact]
    public void Publishing_again_sends_nothing_and_another_repository_mounts_every_blob()
    {
        var repository = Fixture.NewRepository("again");
        var reference = $"{Registry}/{repository}:1";
        var local = PackAs(reference);
        Ps.RunOk("param($r) Publish-ModelArtifact $r", Args(("r", reference)));

        var again = Ps.Run("param($r) Publish-ModelArtifact $r -Verbose", Args(("r", reference)));
        var other = Ps.Run("param($r, $d) Publish-ModelArtifact $r $d -PassThru -Verbose", Args(("r", reference), ("d", $"{Registry}/{repository}-copy")));
        var byProperty = Ps.Run(
            "param($r, $d) [pscustomobject]@{ Reference = $r; Destination = $d } | Publish-ModelArtifact -PassThru",
            Args(("r", reference), ("d", $"{Registry}/{repository}-third:renamed")));

        Assert.Empty(again.AllErrors.Concat(other.AllErrors).Concat(byProperty.AllErrors));
        Assert.Contains(again.Verbose, v => v.Contains($"'{reference}' already names {local.Digest}: nothing was uploaded", StringComparison.Ordinal));
        Assert.DoesNotContain(again.Progress, p => p.StatusDescription.EndsWith(", uploaded", StringComparison.Ordinal));
        var copy = OnlyOne<ModelArtifact>(other.Output);
        Assert.Equal($"{Registry}/{repository}-copy:1", copy.Reference); // the source's tag is kept
        Assert.Equal(local.Digest, copy.Digest);
        Assert.Contains(other.Verbose, v => v.Contains($": 0 blob(s) uploaded (0 bytes), {local.Files.Count + 1} mounted from another repository", StringComparison.Ordinal));
        var third = OnlyOne<ModelArtifact>(byProperty.Output);
        Assert.Equal($"{Registry}/{repository}-third:renamed", third.Reference);
        Assert.Equal(local.Digest, OnlyOne<ModelArtifact>(Ps.RunOk("param($r) Get-ModelArtifact -Remote $r", Args(("r", third.Reference)))).Digest);

        // A remote artifact has no blobs here: its manifest and config are what Test-ModelArtifact can check, and nothing can be repaired.
        var remoteTest = OnlyOne<ModelValidationResult>(Ps.RunOk("param($r) Get-ModelArtifact -Remote $r | Test-ModelArtifact", Args(("r", third.Reference))));
        Assert.True(remoteTest.IsValid, string.Join("; ", remoteTest.Violations));
        Assert.Equal(("Manifest", local.Digest, third.Reference), (remoteTest.Kind, remoteTest.Digest, remoteTest.Target));
        var repairRemote = Ps.Run("param($r) Get-ModelArtifact -Remote $r | Test-ModelArtifact -Repair", Args(("r", third.Reference)));
        Assert.StartsWith("RepairNotPossible,", Assert.Single(repairRemote.AllErrors).FullyQualifiedErrorId, StringComparison.Ordinal);
    }

    [Fact]
    public void An_anonymous_push_is_an_AuthenticationError_and_Credential_is_sent_to_the_destination()
    {
        var reference = $"{Fixture.Protected.HostPort}/{Fixture.NewRepository("auth")}:1";
        var local = PackAs(reference);

        var anonymous = Ps.Run("param($r) Publish-ModelArtifact $r", Args(("r", reference)));
        var credential = new PSCredential(StoreRegistryFixture.User, new System.Net.NetworkCredential(string.Empty, StoreRegistryFixture.Password).SecurePassword);
        var withCredential = Ps.Run("param($r, $c) Publish-ModelArtifact $r -PassThru -Credential $c", Args(("r", reference), ("c", credential)));

        var error = Assert.Single(anonymous.AllErrors);
        Assert.StartsWith("RegistryAuthenticationFailed,", error.FullyQualifiedErrorId, StringComparison.Ordinal);
        Assert.Equal(ErrorCategory.AuthenticationError, error.CategoryInfo.Category);
        Assert.Equal(reference, error.TargetObject);
        Assert.Empty(withCredential.AllErrors);
        Assert.Equal(local.Digest, OnlyOne<ModelArtifact>(withCredential.Output).Digest);
        Assert.DoesNotContain(StoreRegistryFixture.Password, Ps.Host.Text, StringComparison.Ordinal);
    }

    [Fact]
    public void What_is_not_in_the_store_is_ModelArtifactNotInStore_and_WhatIf_sends_nothing()
    {
        var reference = $"{Registry}/{Fixture.NewRepository("whatif")}:1";
        PackAs(reference);
        using var layout = new TestLayout();
        layout.AddModel("tiny:1.0", "tiny", ("tiny.gguf", "weight", new byte[] { 1, 2, 3 }));

        var missing = Ps.Run("param($r) Publish-ModelArtifact $r", Args(("r", $"{Registry}/models/never-packed:1")));
        var fromLayout = Ps.Run("param($l, $d) Get-ModelArtifact -Path $l | Publish-ModelArtifact -Destination $d", Args(("l", layout.Root), ("d", $"{Registry}/models/from-layout:1")));
        var whatIf = Ps.Run("param($r) Publish-ModelArtifact $r -WhatIf", Args(("r", reference)));
        var remote = Ps.Run("param($r) Get-ModelArtifact -Remote $r", Args(("r", reference)));

        var notInStore = Assert.Single(missing.AllErrors);
        Assert.StartsWith("ModelArtifactNotInStore,", notInStore.FullyQualifiedErrorId, StringComparison.Ordinal);
        Assert.Equal(ErrorCategory.ObjectNotFound, notInStore.CategoryInfo.Category);
        var layoutError = Assert.Single(fromLayout.AllErrors);
        Assert.StartsWith("ModelArtifactNotInStore,", layoutError.FullyQualifiedErrorId, StringComparison.Ordinal);
        Assert.Equal(ErrorCategory.InvalidArgument, layoutError.CategoryInfo.Category);
        Assert.Contains("Layout artifact", layoutError.Exception.Message, StringComparison.Ordinal);
        Assert.Empty(whatIf.AllErrors);
        Assert.Contains($"What if: Performing the operation \"Publish model artifact\" on target \"{reference} (sha256:", Ps.Host.Text, StringComparison.Ordinal);
        Assert.StartsWith("ModelArtifactNotFound,", Assert.Single(remote.AllErrors).FullyQualifiedErrorId, StringComparison.Ordinal);
    }

    public new void Dispose()
    {
        _folder.Dispose();
        base.Dispose();
    }

    private static string ProgressSize(long bytes) => bytes < 1024 ? bytes + " B" : (bytes / 1024.0).ToString("N1", System.Globalization.CultureInfo.CurrentCulture) + " KB";

    private ModelArtifact PackAs(string reference) =>
        OnlyOne<ModelArtifact>(Ps.RunOk("param($p, $r) New-ModelArtifact -Path $p -Reference $r -Name sample", Args(("p", _folder.Path), ("r", reference))));

    private byte[] BlobOf(string digest) => File.ReadAllBytes(Path.Combine(Store.StoreRoot, "blobs", "sha256", digest["sha256:".Length..]));
}
