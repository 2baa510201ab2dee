using System;
using System.Diagnostics;
using System.IO;
using System.Linq;
using System.Management.Automation;
using System.Net;
using System.Threading;
using System.Threading.Tasks;
using ModelPack.Core.Spec;
using ModelPack.PowerShell.Tests.Support;
using ModelPack.Core.Tests.Support;

namespace ModelPack.PowerShell.Tests.Cmdlets;

public sealed class SaveModelArtifactTests : StoreTestBase
{
    public SaveModelArtifactTests(StoreRegistryFixture fixture)
        : base(fixture)
    {
    }

    [Fact]
    public async Task Remote_artifact_piped_to_Save_and_Get_ModelMount_gives_the_bind_mount_of_the_verified_files()
    {
        var model = TinyModel(1);
        var reference = await PushAsync(model, "pipeline");

        var mount = OnlyOne<ModelMount>(Ps.RunOk("param($r) Get-ModelArtifact -Remote $r | Save-ModelArtifact -PassThru | Get-ModelMount", Args(("r", reference))));

        var snapshot = Store.SnapshotOf(model.Digest);
        Assert.Equal(reference, mount.Reference);
        Assert.Equal("HttpBind", mount.Strategy);
        Assert.Equal("bind", mount.Type);
        Assert.Equal(snapshot, mount.Source);
        Assert.Equal("/mnt/models", mount.Destination);
        Assert.True(mount.ReadOnly);
        Assert.Equal($"--mount=type=bind,src={snapshot},destination=/mnt/models,ro", mount.Argument);
        Assert.Equal("/mnt/models/model.safetensors", mount.EntryPath);
        foreach (var (descriptor, bytes) in model.Layers)
        {
            Assert.Equal(bytes, File.ReadAllBytes(Path.Combine(snapshot, descriptor.Filepath!)));
        }
    }

    [Fact]
    public async Task What_Save_stores_is_read_back_by_skopeo_byte_for_byte()
    {
        var model = TinyModel(14);
        var reference = await PushAsync(model, "skopeo");
        Ps.RunOk("param($r) Save-ModelArtifact $r", Args(("r", reference)));
        var output = Path.Combine(Directory.CreateDirectory(Store.ExportRoot).FullName, "skopeo-dir");

        var start = new ProcessStartInfo("skopeo") { RedirectStandardError = true, RedirectStandardOutput = true };
        foreach (var argument in new[] { "copy", $"oci:{Store.StoreRoot}:{reference}", "dir:" + output })
        {
            start.ArgumentList.Add(argument);
        }

        using (var skopeo = Process.Start(start)!)
        {
            var stderr = skopeo.StandardError.ReadToEndAsync();
            await skopeo.StandardOutput.ReadToEndAsync();
            await skopeo.WaitForExitAsync();
            Assert.True(skopeo.ExitCode == 0, await stderr);
        }

        Assert.Equal(model.Manifest.ToBytes(), File.ReadAllBytes(Path.Combine(output, "manifest.json")));
        Assert.Equal(model.Config, File.ReadAllBytes(Path.Combine(output, model.ConfigDescriptor.Digest["sha256:".Length..])));
        foreach (var (descriptor, bytes) in model.Layers)
        {
            Assert.Equal(bytes, File.ReadAllBytes(Path.Combine(output, descriptor.Digest["sha256:".Length..])));
        }
    }

    [Fact]
    public async Task A_stored_model_whose_manifest_was_deleted_is_a_warning_not_a_stop_and_Save_brings_it_back()
    {
        var damaged = TinyModel(71);
        var intact = TinyModel(72);
        var damagedRef = await PushAsync(damaged, "damaged");
        var intactRef = await PushAsync(intact, "intact");
        Ps.RunOk("param($a, $b) Save-ModelArtifact $a, $b", Args(("a", damagedRef), ("b", intactRef)));
        File.Delete(Path.Combine(Store.StoreRoot, "blobs", "sha256", damaged.Digest["sha256:".Length..]));

        var listed = Ps.Run("Get-ModelArtifact");

        Assert.Empty(listed.AllErrors);
        Assert.Equal(intactRef, OnlyOne<ModelArtifact>(listed.Output).Reference);
        Assert.Contains(listed.Warnings, w => w.Contains($"'{damagedRef}'", StringComparison.Ordinal) && w.Contains("is damaged", StringComparison.Ordinal));

        Ps.RunOk("param($r) Save-ModelArtifact $r", Args(("r", damagedRef)));
        var again = Ps.Run("Get-ModelArtifact");
        Assert.Empty(again.Warnings);
        Assert.Equal(new[] { damagedRef, intactRef }.Order(StringComparer.Ordinal), again.Output.Select(o => ((ModelArtifact)o.BaseObject).Reference).Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task Remote_reads_manifest_and_config_without_downloading_layers()
    {
        var model = TinyModel(2);
        var reference = await PushAsync(model, "remote");

        var artifact = OnlyOne<ModelArtifact>(Ps.RunOk("param($r) Get-ModelArtifact -Remote $r", Args(("r", reference))));

        Assert.Equal("Remote", artifact.Strategy);
        Assert.Equal(model.Digest, artifact.Digest);
        Assert.Equal("tiny-2", artifact.Name);
        Assert.Null(artifact.Path);
        Assert.Equal(["model.safetensors", "tokenizer.json", "docs/README.md"], artifact.Files.Select(f => f.Path));
        Assert.Equal(1, Fixture.BlobGets(RepositoryOf(reference))); // the config only
        Assert.Equal("(no store)", Store.Contents());
    }

    [Fact]
    public async Task Strings_piped_to_Save_give_one_mount_argument_each()
    {
        var a = await PushAsync(TinyModel(3), "piped-a");
        var b = await PushAsync(TinyModel(4), "piped-b");

        var arguments = Ps.RunOk("param($a, $b) $a, $b | Save-ModelArtifact -PassThru | Get-ModelMount -As Argument", Args(("a", a), ("b", b)))
            .Select(o => Assert.IsType<string>(o.BaseObject)).ToList();

        Assert.Equal(
            [
                $"--mount=type=bind,src={Store.SnapshotOf(TinyModel(3).Digest)},destination=/mnt/models,ro",
                $"--mount=type=bind,src={Store.SnapshotOf(TinyModel(4).Digest)},destination=/mnt/models,ro",
            ],
            arguments);
    }

    [Fact]
    public async Task WhatIf_describes_the_download_and_changes_nothing()
    {
        var reference = await PushAsync(TinyModel(5), "whatif");
        Ps.Host.Clear();

        var r = Ps.Run("param($r) Save-ModelArtifact $r -PassThru -WhatIf", Args(("r", reference)));

        Assert.Empty(r.AllErrors);
        Assert.Empty(r.Output);
        Assert.Contains($"What if: Performing the operation \"Download model artifact\" on target \"{reference}\".", Ps.Host.Text);
        Assert.Equal(0, Fixture.BlobGets(RepositoryOf(reference)));
        Assert.Equal("(no store)", Store.Contents());
    }

    [Fact]
    public async Task Progress_has_a_parent_per_artifact_and_a_child_per_layer_and_completes_them()
    {
        var model = TinyModel(6);
        var reference = await PushAsync(model, "progress");

        var r = Ps.Run("param($r) Save-ModelArtifact $r", Args(("r", reference)));

        Assert.Empty(r.AllErrors);
        var parentRecords = r.Progress.Where(p => p.Activity == "Save-ModelArtifact " + reference).ToList();
        Assert.NotEmpty(parentRecords);
        var parentId = parentRecords[0].ActivityId;
        Assert.All(parentRecords, p => Assert.Equal(-1, p.ParentActivityId));
        Assert.Equal(ProgressRecordType.Completed, parentRecords[^1].RecordType);
        Assert.Equal(parentRecords.Count - 1, parentRecords.Count(p => p.RecordType == ProgressRecordType.Processing));

        var children = r.Progress.Where(p => p.ParentActivityId == parentId).GroupBy(p => p.ActivityId).ToList();
        Assert.Equal(model.Layers.Count, children.Count);
        foreach (var (descriptor, _) in model.Layers)
        {
            var child = Assert.Single(children, c => c.All(p => p.Activity == descriptor.Filepath));
            Assert.Contains(child, p => p.RecordType == ProgressRecordType.Processing && p.StatusDescription.Contains(" of ", StringComparison.Ordinal));
            Assert.Equal(ProgressRecordType.Completed, child.Last().RecordType);
            Assert.Equal(100, child.Last().PercentComplete);
            Assert.NotEqual(parentId, child.Key);
        }

        // Children finish before their parent.
        var lastChild = r.Progress.FindLastIndex(p => p.ParentActivityId == parentId);
        Assert.True(lastChild < r.Progress.FindLastIndex(p => p.ActivityId == parentId));
    }

    [Fact]
    public async Task Saving_what_is_stored_and_unchanged_downloads_no_blob_and_Force_downloads_again()
    {
        var model = TinyModel(7);
        var reference = await PushAsync(model, "uptodate");
        var repository = RepositoryOf(reference);
        Ps.RunOk("param($r) Save-ModelArtifact $r", Args(("r", reference)));
        var afterFirst = Fixture.BlobGets(repository);
        Assert.Equal(1 + model.Layers.Count, afterFirst);

        var again = Ps.Run("param($r) Save-ModelArtifact $r -PassThru -Verbose", Args(("r", reference)));

        Assert.Empty(again.AllErrors);
        Assert.Equal(afterFirst, Fixture.BlobGets(repository));
        Assert.Contains(again.Verbose, v => v.Contains("is up to date", StringComparison.Ordinal) && v.Contains(model.Digest, StringComparison.Ordinal));
        Assert.Equal(model.Digest, OnlyOne<ModelArtifact>(again.Output).Digest);

        Ps.RunOk("param($r) Save-ModelArtifact $r -Force", Args(("r", reference)));
        Assert.Equal(afterFirst * 2, Fixture.BlobGets(repository));
    }

    [Fact]
    public async Task Path_exports_the_files_and_refuses_to_overwrite_without_Force()
    {
        var model = TinyModel(8);
        var reference = await PushAsync(model, "export");
        var export = Store.ExportRoot;

        Ps.RunOk("param($r, $p) Save-ModelArtifact $r -Path $p", Args(("r", reference), ("p", export)));

        foreach (var (descriptor, bytes) in model.Layers)
        {
            Assert.Equal(bytes, File.ReadAllBytes(Path.Combine(export, descriptor.Filepath!)));
        }

        var conflict = Ps.Run("param($r, $p) Save-ModelArtifact $r -Path $p", Args(("r", reference), ("p", export)));
        var error = Assert.Single(conflict.Errors);
        Assert.StartsWith("PathConflict,", error.FullyQualifiedErrorId);
        Assert.Contains("-Force", error.Exception.Message);

        File.WriteAllText(Path.Combine(export, "tokenizer.json"), "edited");
        Ps.RunOk("param($r, $p) Save-ModelArtifact $r -Path $p -Force", Args(("r", reference), ("p", export)));
        Assert.Equal(model.Layers[1].Bytes, File.ReadAllBytes(Path.Combine(export, "tokenizer.json")));
    }

    [Fact]
    public async Task An_invalid_reference_is_reported_and_the_other_references_are_still_saved()
    {
        var good = await PushAsync(TinyModel(9), "mixed");

        var r = Ps.Run("param($g) 'Not A Reference!', $g | Save-ModelArtifact -PassThru", Args(("g", good)));

        Assert.Equal(good, OnlyOne<ModelArtifact>(r.Output).Reference);
        var error = Assert.Single(r.Errors);
        Assert.Equal("InvalidModelReference,ModelPack.Cmdlets.SaveModelArtifactCommand", error.FullyQualifiedErrorId);
        Assert.Equal(ErrorCategory.InvalidArgument, error.CategoryInfo.Category);
        Assert.Equal("Not A Reference!", error.TargetObject);
    }

    [Fact]
    public void A_missing_artifact_is_ObjectNotFound()
    {
        var reference = $"{Fixture.Host}/{Fixture.NewRepository("missing")}:v1";

        var r = Ps.Run("param($r) Save-ModelArtifact $r", Args(("r", reference)));

        var error = Assert.Single(r.Errors);
        Assert.Equal(ErrorCategory.ObjectNotFound, error.CategoryInfo.Category);
        Assert.StartsWith("ModelArtifactNotFound,", error.FullyQualifiedErrorId);
        Assert.Equal(reference, error.TargetObject);
    }

    [Fact]
    public async Task An_escaping_filepath_is_refused_before_anything_is_stored()
    {
        Ps.RunOk("param($r) Save-ModelArtifact $r", Args(("r", await PushAsync(TinyModel(10), "before-escape"))));
        var before = Store.Contents();
        var hostile = TestArtifact.FromFiles("escape", ("../x", LayerKind.Weight, TestArtifact.Bytes(11, 1000)));
        var reference = await PushAsync(hostile, "escape");

        var r = Ps.Run("param($r) Save-ModelArtifact $r", Args(("r", reference)));

        var error = Assert.Single(r.Errors);
        Assert.True(error.FullyQualifiedErrorId.StartsWith("ModelSpecViolation,", StringComparison.Ordinal) || error.FullyQualifiedErrorId.StartsWith("UnsafeLayerPath,", StringComparison.Ordinal), error.FullyQualifiedErrorId);
        Assert.Contains("../x", error.Exception.Message);
        Assert.Equal(before, Store.Contents());
        Assert.Equal(0, Fixture.BlobGets(RepositoryOf(reference)));
    }

    [Fact]
    public async Task A_wrong_credential_is_an_AuthenticationError_that_never_shows_the_password()
    {
        const string wrong = "Wr0ng-Pa55-never-shown";
        var model = TinyModel(12);
        await Fixture.PushProtectedAsync(model, "models/secret", "v1");
        var reference = $"{Fixture.Protected.HostPort}/models/secret:v1";
        Ps.Host.Clear();

        var r = Ps.Run("param($r, $c) Save-ModelArtifact $r -Credential $c -Verbose", Args(("r", reference), ("c", Credential(StoreRegistryFixture.User, wrong))));

        var error = Assert.Single(r.Errors);
        Assert.StartsWith("RegistryAuthenticationFailed,", error.FullyQualifiedErrorId);
        Assert.Equal(ErrorCategory.AuthenticationError, error.CategoryInfo.Category);
        Assert.DoesNotContain(wrong, error.ToString());
        Assert.DoesNotContain(wrong, error.Exception.ToString());
        Assert.DoesNotContain(wrong, error.TargetObject?.ToString() ?? string.Empty);
        Assert.DoesNotContain(r.Verbose, v => v.Contains(wrong, StringComparison.Ordinal));
        Assert.DoesNotContain(wrong, Ps.Host.Text);
        Assert.Empty(Ps.RunOk("Get-ModelArtifact"));

        var right = Ps.RunOk("param($r, $c) Save-ModelArtifact $r -Credential $c -PassThru", Args(("r", reference), ("c", Credential(StoreRegistryFixture.User, StoreRegistryFixture.Password))));
        Assert.Equal(model.Digest, OnlyOne<ModelArtifact>(right).Digest);
    }

    [Fact]
    public async Task Stopping_the_pipeline_cancels_a_stalled_download_promptly()
    {
        var reference = await PushAsync(TinyModel(13), "stalled");
        var repository = RepositoryOf(reference);
        using var stall = new CancellationTokenSource();
        Fixture.StallBlobs = stall.Token;
        try
        {
            using var ps = System.Management.Automation.PowerShell.Create();
            ps.Runspace = Ps.Runspace;
            ps.AddScript("param($r) Save-ModelArtifact $r").AddParameter("r", reference);
            var invocation = ps.BeginInvoke();
            var deadline = Stopwatch.StartNew();
            while (Fixture.Front.Requests.All(q => !q.Path.StartsWith($"/v2/{repository}/blobs/", StringComparison.Ordinal)) && deadline.Elapsed < TimeSpan.FromSeconds(15))
            {
                await Task.Delay(20);
            }

            Assert.False(invocation.IsCompleted);
            var stopping = Stopwatch.StartNew();
            ps.Stop();

            Assert.True(stopping.Elapsed < TimeSpan.FromSeconds(5), $"Stop took {stopping.Elapsed}");
            Assert.Equal(PSInvocationState.Stopped, ps.InvocationStateInfo.State);
        }
        finally
        {
            Fixture.StallBlobs = null;
            await stall.CancelAsync();
        }

        Assert.Empty(Ps.RunOk("Get-ModelArtifact"));
    }

    private static PSCredential Credential(string user, string password) =>
        new(user, new NetworkCredential(string.Empty, password).SecurePassword);
}
