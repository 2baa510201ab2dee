using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Management.Automation;
using System.Management.Automation.Runspaces;
using System.Threading.Tasks;
using ModelPack.Core.Packing;
using ModelPack.Core.Spec;
using ModelPack.Core.Store;
using ModelPack.Core.Tests.Packing;
using ModelPack.PowerShell.Tests.Support;

namespace ModelPack.PowerShell.Tests.Cmdlets;

/// <summary>New-ModelArtifact on real folders: what it stores, reproducibility, -WhatIf, -Force, and hostile input refused with the store untouched.</summary>
public sealed class NewModelArtifactTests : StoreTestBase, IDisposable
{
    private const string Pack = "param($p, $r) New-ModelArtifact -Path $p -Reference $r";

    private readonly ModelFolder _folder = ModelFolder.Sample();

    public NewModelArtifactTests(StoreRegistryFixture fixture)
        : base(fixture)
    {
    }

    [Fact]
    public void Packs_every_file_with_its_kind_into_the_store_and_emits_the_artifact()
    {
        var r = Ps.Run(
            "param($p, $r) New-ModelArtifact -Path $p -Reference $r -Name sample -Family demo -ParamSize 1M -License Apache-2.0 -Author a, b -Dataset data -Verbose",
            Args(("p", _folder.Path), ("r", "localhost:5000/models/sample:1")));

        Assert.Empty(r.AllErrors);
        var artifact = OnlyOne<ModelArtifact>(r.Output);
        Assert.Equal("localhost:5000/models/sample:1", artifact.Reference);
        Assert.Equal("HttpBind", artifact.Strategy);
        Assert.Equal(Store.SnapshotOf(artifact.Digest), artifact.Path);
        Assert.Equal("sample", artifact.Config!.Descriptor.Name);
        Assert.Equal(new[] { "Apache-2.0" }, artifact.Config.Descriptor.Licenses);
        Assert.Equal(new[] { "a", "b" }, artifact.Config.Descriptor.Authors);
        Assert.Equal("safetensors", artifact.Config.Config.Format);
        Assert.Equal(artifact.Files.Select(f => f.Digest), artifact.Config.ModelFs.DiffIds);

        var kinds = artifact.Files.ToDictionary(f => f.Path, f => f.Kind);
        Assert.Equal(16, kinds.Count); // every file but the hidden .gitattributes
        Assert.Equal(LayerKind.Weight, kinds["model-00001-of-00002.safetensors"]);
        Assert.Equal(LayerKind.WeightConfig, kinds["tokenizer.json"]);
        Assert.Equal(LayerKind.Doc, kinds["README.md"]);
        Assert.Equal(LayerKind.Code, kinds["scripts/run.py"]);
        Assert.Equal(LayerKind.Dataset, kinds["data/train/part-0.jsonl"]);
        Assert.Equal(LayerKind.Doc, kinds["notes.xyz"]);
        Assert.All(artifact.Files, f => Assert.Equal(LayerPacking.Raw, f.Packing));
        Assert.All(artifact.Files, f => Assert.Equal(Path.GetFileName(f.Path), f.Layer.Annotations[AnnotationKeys.Title]));
        Assert.All(artifact.Files, f => Assert.Contains("\"size\":" + new FileInfo(_folder.Full(f.Path)).Length, f.Layer.Annotations[AnnotationKeys.FileMetadata]));
        Assert.Equal("true", artifact.Files.Single(f => f.Path == "notes.xyz").Layer.Annotations[AnnotationKeys.MediaTypeUntested]);
        foreach (var file in artifact.Files)
        {
            Assert.Equal(File.ReadAllBytes(_folder.Full(file.Path)), File.ReadAllBytes(Path.Combine(artifact.Path!, file.Path)));
        }

        Assert.Contains(r.Warnings, w => w.Contains("notes.xyz", StringComparison.Ordinal) && w.Contains("-KindOverride", StringComparison.Ordinal));
        Assert.Contains(r.Verbose, v => v.Contains("Skipping '.gitattributes'", StringComparison.Ordinal));
        var listed = OnlyOne<ModelArtifact>(Ps.RunOk("Get-ModelArtifact 'localhost:5000/models/sample:1'"));
        Assert.Equal(artifact.Digest, listed.Digest);
    }

    [Fact]
    public void Progress_has_one_parent_for_the_artifact_and_a_child_per_file_each_completed()
    {
        var r = Ps.Run(Pack, Args(("p", _folder.Path), ("r", "localhost:5000/models/progress:1")));

        Assert.Empty(r.AllErrors);
        var parent = r.Progress.First();
        Assert.Equal("New-ModelArtifact localhost:5000/models/progress:1", parent.Activity); // the parent comes first
        Assert.Equal(-1, parent.ParentActivityId);
        var children = r.Progress.Where(p => p.ParentActivityId == parent.ActivityId).ToList();
        var completedFiles = children.Where(c => c.RecordType == ProgressRecordType.Completed).Select(c => c.Activity).ToList();
        Assert.Equal(16, completedFiles.Distinct().Count());
        Assert.Contains("Packing model-00001-of-00002.safetensors", completedFiles);
        Assert.Contains(children, c => c.StatusDescription.StartsWith("Weight: ", StringComparison.Ordinal) && c.StatusDescription.Contains("of 195.3 KB", StringComparison.Ordinal));
        Assert.Contains(r.Progress, p => p.ActivityId == parent.ActivityId && p.StatusDescription.StartsWith("16 of 16 files", StringComparison.Ordinal));
        Assert.Equal(ProgressRecordType.Completed, r.Progress.Last(p => p.ActivityId == parent.ActivityId).RecordType);
    }

    [Fact]
    public void The_same_folder_packs_to_the_same_digest_and_one_changed_byte_changes_exactly_one_layer()
    {
        var first = OnlyOne<ModelArtifact>(Ps.RunOk(Pack, Args(("p", _folder.Path), ("r", "localhost:5000/models/repro:1"))));
        var again = OnlyOne<ModelArtifact>(Ps.RunOk("param($p, $r) [System.IO.DirectoryInfo]::new($p) | New-ModelArtifact -Reference $r", Args(("p", _folder.Path), ("r", "localhost:5000/models/repro:2"))));
        _folder.FlipByte("README.md");
        var changed = OnlyOne<ModelArtifact>(Ps.RunOk(Pack, Args(("p", _folder.Path), ("r", "localhost:5000/models/repro:3"))));

        Assert.Equal(first.Digest, again.Digest);
        Assert.Equal(first.Manifest.ToBytes(), again.Manifest.ToBytes());
        Assert.NotEqual(first.Digest, changed.Digest);
        var differing = first.Files.Zip(changed.Files).Where(p => p.First.Digest != p.Second.Digest).ToList();
        var (before, after) = Assert.Single(differing);
        Assert.Equal("README.md", before.Path);
        Assert.Equal("README.md", after.Path);
        Assert.Equal(first.Files.Select(f => f.Path), changed.Files.Select(f => f.Path));
    }

    [Fact]
    public void WhatIf_lists_the_layers_and_the_files_left_out_and_creates_nothing()
    {
        var r = Ps.Run(Pack + " -WhatIf", Args(("p", _folder.Path), ("r", "localhost:5000/models/whatif:1")));

        Assert.Empty(r.AllErrors);
        Assert.Empty(r.Output);
        var text = Ps.Host.Text;
        Assert.Contains($"What if: Pack 16 files (", text);
        Assert.Contains($"from '{_folder.Path}' into 'localhost:5000/models/whatif:1' as 16 layers (format inferred: safetensors):", text);
        Assert.Matches(@"  Weight\s+Raw\s+195\.3 KB  model-00001-of-00002\.safetensors", text);
        Assert.Matches(@"  Doc\s+Raw\s+13 B  notes\.xyz \(unclassified\)", text);
        Assert.Contains("left out: .gitattributes: hidden", text);
        Assert.False(Directory.Exists(Store.StoreRoot), "-WhatIf created the store");
    }

    [Fact]
    public void An_existing_reference_is_refused_without_Force_and_replaced_with_it()
    {
        var original = OnlyOne<ModelArtifact>(Ps.RunOk(Pack, Args(("p", _folder.Path), ("r", "localhost:5000/models/force:1"))));
        var readmeBefore = original.Files.Single(f => f.Path == "README.md").Digest;
        _folder.FlipByte("README.md");
        var before = Store.Contents();

        var refused = Ps.Run(Pack, Args(("p", _folder.Path), ("r", "localhost:5000/models/force:1")));

        var error = Assert.Single(refused.AllErrors);
        Assert.StartsWith("ModelArtifactExists,", error.FullyQualifiedErrorId, StringComparison.Ordinal);
        Assert.Equal(ErrorCategory.ResourceExists, error.CategoryInfo.Category);
        Assert.Equal("localhost:5000/models/force:1", error.TargetObject);
        Assert.Contains(original.Digest, error.Exception.Message, StringComparison.Ordinal);
        Assert.Equal(before, Store.Contents());

        var replaced = OnlyOne<ModelArtifact>(Ps.RunOk(Pack + " -Force", Args(("p", _folder.Path), ("r", "localhost:5000/models/force:1"))));

        Assert.NotEqual(original.Digest, replaced.Digest);
        Assert.Equal(replaced.Digest, OnlyOne<ModelArtifact>(Ps.RunOk("Get-ModelArtifact 'localhost:5000/models/force:1'")).Digest);
        Assert.False(Store.HasBlob(readmeBefore), "the replaced artifact's own blob was not collected");
        Assert.False(Directory.Exists(Store.SnapshotOf(original.Digest)));
        Assert.True(Store.HasBlob(original.Files[0].Digest)); // shared with the new artifact
    }

    [Fact]
    public void Kind_overrides_and_tar_packing_change_media_types_but_weights_stay_raw()
    {
        var artifact = OnlyOne<ModelArtifact>(Ps.RunOk(
            "param($p, $r) New-ModelArtifact -Path $p -Reference $r -KindOverride @{ '*.xyz' = 'weight.config'; 'data/**' = 'Dataset' } -Packing TarGzip -Unclassified Error",
            Args(("p", _folder.Path), ("r", "localhost:5000/models/tar:1"))));

        var byPath = artifact.Files.ToDictionary(f => f.Path);
        Assert.Equal("application/vnd.cncf.model.weight.config.v1.tar+gzip", byPath["notes.xyz"].MediaType);
        Assert.False(byPath["notes.xyz"].Layer.Annotations.ContainsKey(AnnotationKeys.MediaTypeUntested));
        Assert.Equal("application/vnd.cncf.model.doc.v1.tar+gzip", byPath["README.md"].MediaType);
        Assert.Equal("README.md.tar.gz", byPath["README.md"].Layer.Annotations[AnnotationKeys.Title]);
        Assert.Equal("application/vnd.cncf.model.weight.v1.raw", byPath["model-00001-of-00002.safetensors"].MediaType);
        Assert.Equal(LayerKind.Dataset, byPath["data/eval.csv"].Kind);
        Assert.Equal(File.ReadAllBytes(_folder.Full("notes.xyz")), File.ReadAllBytes(Path.Combine(artifact.Path!, "notes.xyz")));
        Assert.Equal(File.ReadAllBytes(_folder.Full("scripts/setup.sh")), File.ReadAllBytes(Path.Combine(artifact.Path!, "scripts", "setup.sh")));
    }

    [Fact]
    public void Unclassified_Error_and_a_bad_kind_are_reported_before_the_store_exists()
    {
        var unclassified = Ps.Run(Pack + " -Unclassified Error", Args(("p", _folder.Path), ("r", "localhost:5000/models/strict:1")));
        var badKind = Ps.Run(Pack + " -KindOverride @{ '*.xyz' = 'Banana' }", Args(("p", _folder.Path), ("r", "localhost:5000/models/strict:1")));

        var error = Assert.Single(unclassified.AllErrors);
        Assert.StartsWith("UnclassifiedModelFile,", error.FullyQualifiedErrorId, StringComparison.Ordinal);
        Assert.Equal(ErrorCategory.InvalidArgument, error.CategoryInfo.Category);
        Assert.Contains("notes.xyz", error.Exception.Message, StringComparison.Ordinal);
        Assert.Contains("data/eval.csv", error.Exception.Message, StringComparison.Ordinal);
        var invalid = Assert.Single(badKind.AllErrors);
        Assert.StartsWith("InvalidPackOption,", invalid.FullyQualifiedErrorId, StringComparison.Ordinal);
        Assert.Equal("Banana", invalid.TargetObject);
        Assert.Contains("Weight, WeightConfig, Doc, Code, Dataset", invalid.Exception.Message, StringComparison.Ordinal);
        Assert.False(Directory.Exists(Store.StoreRoot));
    }

    [Fact]
    public void A_link_out_of_the_folder_is_LinkOutsideModel_and_the_store_is_untouched() =>
        AssertRefused(f => f.Symlink("weights/extra.gguf", "/etc/hostname"), "LinkOutsideModel", ErrorCategory.SecurityError, "weights/extra.gguf");

    [Fact]
    public void Names_that_collide_ignoring_case_are_ModelFileNameCollision_and_the_store_is_untouched() =>
        AssertRefused(f => f.Write("readme.md", "# lower\n"), "ModelFileNameCollision", ErrorCategory.InvalidArgument, "readme.md");

    [Fact]
    public void An_empty_weight_file_is_EmptyWeightFile_and_the_store_is_untouched() =>
        AssertRefused(f => f.Write("shard-3.safetensors", Array.Empty<byte>()), "EmptyWeightFile", ErrorCategory.InvalidData, "shard-3.safetensors");

    [Fact]
    [System.Runtime.Versioning.SupportedOSPlatform("linux")]
    public void An_unreadable_file_is_UnreadableModelFile_and_the_store_is_untouched()
    {
        File.SetUnixFileMode(_folder.Full("config.json"), UnixFileMode.None);

        // Root reads mode 000 files; the pipeline runs on a thread without CAP_DAC_OVERRIDE so the permission bites.
        using var session = new PowerShellSession(threadOptions: PSThreadOptions.UseCurrentThread);
        AssertRefused(
            _ => { },
            "UnreadableModelFile",
            ErrorCategory.PermissionDenied,
            "config.json",
            (script, args) => WithoutFileOverride.Run(() => session.Run(script, args)));
    }

    [Fact]
    [System.Runtime.Versioning.SupportedOSPlatform("linux")]
    public async Task A_named_pipe_is_UnsupportedModelFile_at_once_and_the_store_is_untouched()
    {
        // Reading a FIFO waits for a writer: before the fix the command never returned.
        var fifo = _folder.Full("weights/stream.safetensors");
        AssertRefused(
            f => f.MakeFifo("weights/stream.safetensors"),
            "UnsupportedModelFile",
            ErrorCategory.InvalidData,
            "weights/stream.safetensors",
            (script, args) => Promptly.Run(() => Task.FromResult(Ps.Run(script, args)), fifo).GetAwaiter().GetResult());

        var excluded = await Promptly.Run(() => Task.FromResult(Ps.Run(Pack + " -Exclude 'weights/*'", Args(("p", _folder.Path), ("r", "localhost:5000/models/excluded:1")))), fifo);
        Assert.Empty(excluded.AllErrors);
        Assert.DoesNotContain(OnlyOne<ModelArtifact>(excluded.Output).Files, f => f.Path.StartsWith("weights/", StringComparison.Ordinal));
    }

    public new void Dispose()
    {
        _folder.Dispose();
        base.Dispose();
    }

    /// <summary>Packs a good model first (so there is a store to compare), spoils the folder, and checks the refusal.</summary>
    private void AssertRefused(Action<ModelFolder> spoil, string errorId, ErrorCategory category, string target, Func<string, Dictionary<string, object?>, ScriptResult>? run = null)
    {
        Ps.RunOk(Pack, Args(("p", _folder.Path), ("r", "localhost:5000/models/good:1")));
        spoil(_folder);
        var before = StoreState.Capture(ModelStore.Open(Store.StoreRoot));

        var r = (run ?? Ps.Run)(Pack, Args(("p", _folder.Path), ("r", "localhost:5000/models/hostile:1")));

        var error = Assert.Single(r.AllErrors);
        Assert.StartsWith(errorId + ",", error.FullyQualifiedErrorId, StringComparison.Ordinal);
        Assert.Equal(category, error.CategoryInfo.Category);
        Assert.Equal(target, error.TargetObject);
        Assert.Contains("Nothing was written.", error.Exception.Message, StringComparison.Ordinal);
        Assert.Empty(r.Output);
        Assert.Equal(before, StoreState.Capture(ModelStore.Open(Store.StoreRoot)));
        Assert.Empty(Ps.RunOk("Get-ModelArtifact 'localhost:5000/models/hostile:1' -ErrorAction SilentlyContinue"));
    }
}
