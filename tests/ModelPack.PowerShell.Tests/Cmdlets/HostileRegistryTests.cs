using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Management.Automation;
using System.Net;
using System.Text;
using System.Threading.Tasks;
using ModelPack.Core.Registry;
using ModelPack.Core.Spec;
using ModelPack.Core.Tests.Support;
using ModelPack.PowerShell.Tests.Support;

namespace ModelPack.PowerShell.Tests.Cmdlets;

/// <summary>
/// Each class of hostile input the cmdlets meet, as the ErrorRecord a user sees: its ErrorId, category and
/// TargetObject, written as a non-terminating error for that reference only, while the other references of the
/// same command go on (<c>Save-ModelArtifact bad, good</c> saves the good one). Content the real registry stores
/// is pushed there; what it cannot do (mislabelled Content-Types, silence, echoed passwords) a
/// <see cref="HostileRegistry"/> does. Limits and the transfer rate come from a config file, as users set them.
/// </summary>
public sealed class HostileRegistryTests : StoreTestBase
{
    public HostileRegistryTests(StoreRegistryFixture fixture)
        : base(fixture)
    {
    }

    [Fact]
    public async Task Undecodable_JSON_in_a_manifest_or_config_is_a_ModelSpecViolation_for_that_reference_only()
    {
        var good = await PushAsync(TinyModel(40), "json-good");
        var badManifest = await PushRawAsync("json-manifest", weights => ModelJson(weights, filepath: "w\\ud800.bin"));
        var badConfig = await PushRawAsync("json-config", weights => ModelJson(weights, name: "\\ud800"));

        var save = Ps.Run("param($r) Save-ModelArtifact $r -PassThru", Args(("r", new[] { badManifest, good, badConfig })));
        var remote = Ps.Run("param($r) Get-ModelArtifact -Remote $r", Args(("r", new[] { badManifest, good, badConfig })));

        foreach (var r in new[] { save, remote })
        {
            Assert.Null(r.Terminating);
            Assert.Equal(good, OnlyOne<ModelArtifact>(r.Output).Reference);
            Assert.Equal(2, r.Errors.Count);
            AssertError(r.Errors[0], "ModelSpecViolation", ErrorCategory.InvalidData, badManifest);
            Assert.Contains("$.layers[0].annotations[\"org.cncf.model.filepath\"]", r.Errors[0].Exception.Message, StringComparison.Ordinal);
            AssertError(r.Errors[1], "ModelSpecViolation", ErrorCategory.InvalidData, badConfig);
            Assert.Contains("$.descriptor.name", r.Errors[1].Exception.Message, StringComparison.Ordinal);
        }

        Assert.Single(Ps.RunOk("Get-ModelArtifact"));
    }

    [Fact]
    public void A_layout_with_an_undecodable_or_oversized_manifest_lists_the_others_and_reports_each()
    {
        using var layout = new TestLayout();
        layout.AddModel("good:1", "good", ("w.gguf", "weight", new byte[] { 1, 2, 3 }));
        layout.AddManifest("bad-json:1", Encoding.UTF8.GetBytes("{\"schemaVersion\":2,\"mediaType\":\"application/vnd.oci.image.manifest.v1+json\",\"annotations\":{\"x\":\"\\udc00\"}}"));
        layout.AddManifest("bad-size:1", Encoding.UTF8.GetBytes("{\"schemaVersion\":2,\"mediaType\":\"application/vnd.oci.image.manifest.v1+json\",\"config\":{\"mediaType\":\"" + MediaTypes.ModelConfig + "\",\"digest\":\"sha256:" + new string('a', 64) + "\",\"size\":9223372036854775807},\"layers\":[]}"));

        var r = Ps.Run("param($p) Get-ModelArtifact -Path $p", Args(("p", layout.Root)));
        var tested = Ps.Run("param($p) Test-ModelArtifact -Path $p", Args(("p", layout.Root)));

        Assert.Null(r.Terminating);
        Assert.Equal("good:1", OnlyOne<ModelArtifact>(r.Output).Reference);
        Assert.Equal(2, r.Errors.Count);
        AssertError(r.Errors.Single(e => Equals(e.TargetObject, "bad-json:1")), "ModelSpecViolation", ErrorCategory.InvalidData, "bad-json:1");
        Assert.Contains("$.config.size", r.Errors.Single(e => Equals(e.TargetObject, "bad-size:1")).Exception.Message, StringComparison.Ordinal);
        Assert.Empty(tested.AllErrors);
        Assert.Equal(3, tested.Output.Count);
        Assert.Contains(tested.Output.Select(o => (ModelValidationResult)o.BaseObject), v => v.Target == "bad-json:1" && !v.IsValid && v.Violations.Single().Path == "$.annotations.x");
    }

    [Fact]
    public async Task A_store_entry_another_tool_wrote_undecodably_does_not_stop_Repair_of_the_others()
    {
        var good = await PushAsync(TinyModel(41), "json-repair");
        var saved = OnlyOne<ModelArtifact>(Ps.RunOk("param($r) Save-ModelArtifact $r -PassThru", Args(("r", good))));
        var store = Core.Layout.OciLayout.Open(Store.StoreRoot);
        var bad = Encoding.UTF8.GetBytes(Encoding.UTF8.GetString(saved.Manifest.ToBytes()).Replace("tiny-41", "\\ud800", StringComparison.Ordinal));
        store.SetReference("elsewhere/bad:v1", new Descriptor(MediaTypes.OciManifest, store.WriteBlob(bad), bad.Length));
        File.Delete(Path.Combine(saved.Path!, "tokenizer.json"));

        var r = Ps.Run("Test-ModelArtifact -Reference * -Repair");

        Assert.Empty(r.AllErrors);
        Assert.True(OnlyOne<ModelValidationResult>(r.Output).IsValid);
        Assert.Contains(r.Warnings, w => w.Contains("'elsewhere/bad:v1'", StringComparison.Ordinal) && w.Contains("lone UTF-16 surrogate", StringComparison.Ordinal));
        Assert.True(File.Exists(Path.Combine(saved.Path!, "tokenizer.json")));
    }

    [Fact]
    public async Task Sizes_near_2_63_are_refused_before_download_and_never_listed_negative()
    {
        var good = await PushAsync(TinyModel(42), "size-good");
        var overflow = await PushRawAsync("size-max", weights => ModelJson(weights, size: long.MaxValue));
        var huge = await PushRawAsync("size-huge", weights => ModelJson(weights, size: 1L << 62));

        var save = Ps.Run("param($r) Save-ModelArtifact $r -PassThru", Args(("r", new[] { overflow, huge, good })));
        var remote = Ps.Run("param($r) Get-ModelArtifact -Remote $r", Args(("r", new[] { overflow, good })));

        Assert.Null(save.Terminating);
        Assert.Equal(good, OnlyOne<ModelArtifact>(save.Output).Reference);
        AssertError(save.Errors[0], "ModelSpecViolation", ErrorCategory.InvalidData, overflow);
        Assert.Contains("$.layers[0].size", save.Errors[0].Exception.Message, StringComparison.Ordinal);
        AssertError(save.Errors[1], "InsufficientFreeSpace", ErrorCategory.ResourceUnavailable, huge);
        Assert.Equal(0, Fixture.BlobGets(RepositoryOf(overflow)) + Fixture.BlobGets(RepositoryOf(huge)));
        AssertError(Assert.Single(remote.Errors), "ModelSpecViolation", ErrorCategory.InvalidData, overflow);
        Assert.True(OnlyOne<ModelArtifact>(remote.Output).Size > 0);
    }

    [ToolFact(TestTools.DockerRegistry, TestTools.TmpfsMount)]
    public async Task A_model_bigger_than_the_store_file_system_is_InsufficientFreeSpace_before_download()
    {
        using var small = new SmallFileSystem(sizeMiB: 4);
        var big = await PushAsync(TinyModel(43, weightSize: 6 * 1024 * 1024), "space-big");
        var good = await PushAsync(TinyModel(44), "space-good");

        var r = Ps.Run("param($s, $r) $env:MODELPACK_STORE = $s; Save-ModelArtifact $r -PassThru", Args(("s", small.Combine("store")), ("r", new[] { big, good })));

        AssertError(Assert.Single(r.Errors), "InsufficientFreeSpace", ErrorCategory.ResourceUnavailable, big);
        Assert.Contains(small.Combine("store"), r.Errors[0].Exception.Message, StringComparison.Ordinal);
        Assert.Equal(good, OnlyOne<ModelArtifact>(r.Output).Reference);
        Assert.Equal(0, Fixture.BlobGets(RepositoryOf(big)));
    }

    [Fact]
    public async Task Archives_that_end_early_or_expand_past_the_configured_limits_fail_that_reference_and_leave_no_snapshot()
    {
        var files = new Dictionary<string, byte[]> { ["docs/a.txt"] = TestArtifact.Bytes(45, 3000), ["docs/b.txt"] = TestArtifact.Bytes(46, 4000) };
        var cut = await PushLayerAsync("cut", LayerPacking.TarGzip, HostileArchives.Gzip(s => s.Write(HostileArchives.CutInsideLastEntry(files))));
        var bomb = await PushLayerAsync("bomb", LayerPacking.TarZstd, HostileArchives.ZeroBomb(LayerPacking.TarZstd, 32L << 20));
        var many = await PushLayerAsync("many", LayerPacking.TarGzip, HostileArchives.ManyEntries(60));
        var good = await PushAsync(TinyModel(47), "archive-good");
        WriteConfig("{ \"maxCompressionRatio\": 10, \"maxLayerEntries\": 50 }");

        var r = Ps.Run("param($r) Save-ModelArtifact $r -PassThru", Args(("r", new[] { cut.Reference, bomb.Reference, many.Reference, good })));

        Assert.Null(r.Terminating);
        Assert.Equal(good, OnlyOne<ModelArtifact>(r.Output).Reference);
        Assert.Equal(3, r.Errors.Count);
        AssertError(r.Errors[0], "InvalidLayerArchive", ErrorCategory.InvalidData, cut.Layer);
        AssertError(r.Errors[1], "CompressionRatioExceeded", ErrorCategory.InvalidData, bomb.Layer);
        AssertError(r.Errors[2], "TooManyLayerEntries", ErrorCategory.InvalidData, many.Layer);
        Assert.Single(Directory.GetDirectories(Path.Combine(Store.StoreRoot, "snapshots")));
    }

    [Fact]
    public async Task Repair_rebuilds_a_snapshot_under_the_configured_limits()
    {
        var many = await PushLayerAsync("repair-many", LayerPacking.TarGzip, HostileArchives.ManyEntries(60));
        var saved = OnlyOne<ModelArtifact>(Ps.RunOk("param($r) Save-ModelArtifact $r -PassThru", Args(("r", many.Reference))));
        File.Delete(Path.Combine(saved.Path!, "many", "f7"));
        WriteConfig("{ \"maxLayerEntries\": 50 }");

        var r = Ps.Run("param($r) Test-ModelArtifact -Reference $r -Repair", Args(("r", many.Reference)));

        Assert.Null(r.Terminating);
        AssertError(Assert.Single(r.Errors), "TooManyLayerEntries", ErrorCategory.InvalidData, many.Layer);
    }

    [Fact]
    public async Task Save_Path_exports_links_as_links_and_the_temp_cleaner_does_not_follow_them()
    {
        var tar = ArtifactBuilder.TarBytes(new Dictionary<string, byte[]> { ["docs/notes.txt"] = "notes"u8.ToArray() }, new Dictionary<string, string> { ["docs/d"] = ".", ["w/a"] = ".", ["w/b"] = "." });
        var linked = await PushLayerAsync("links", LayerPacking.Tar, tar);
        Ps.RunOk("param($r) Save-ModelArtifact $r", Args(("r", await PushAsync(TinyModel(55), "links-first"))));
        var interrupted = Path.Combine(Store.StoreRoot, "snapshots", ".tmp-" + new string('b', 64) + "-0123456789ab");
        Directory.CreateDirectory(Path.Combine(interrupted, "w"));
        File.CreateSymbolicLink(Path.Combine(interrupted, "w", "a"), ".");
        File.CreateSymbolicLink(Path.Combine(interrupted, "w", "b"), ".");
        Directory.SetLastWriteTimeUtc(Path.Combine(interrupted, "w"), DateTime.UtcNow.AddHours(-2));
        Directory.SetLastWriteTimeUtc(interrupted, DateTime.UtcNow.AddHours(-2));

        var r = Ps.Run("param($r, $p) Save-ModelArtifact $r -Path $p -PassThru", Args(("r", linked.Reference), ("p", Store.ExportRoot)));

        Assert.Empty(r.AllErrors);
        Assert.Equal("notes", File.ReadAllText(Path.Combine(Store.ExportRoot, "docs", "notes.txt")));
        Assert.Equal(".", new FileInfo(Path.Combine(Store.ExportRoot, "docs", "d")).LinkTarget);
        Assert.Equal(".", new FileInfo(Path.Combine(Store.ExportRoot, "w", "a")).LinkTarget);
        Assert.False(Directory.Exists(interrupted));
    }

    [Fact]
    public async Task A_registry_that_drips_or_never_answers_is_RegistryTooSlow_within_the_configured_window()
    {
        var model = TinyModel(48, weightSize: 1024 * 1024);
        var repository = Fixture.NewRepository("drip");
        await Fixture.PushAsync(model, repository, "v1");
        var weight = model.Layers[0].Descriptor.Digest;
        using var dripping = new FaultProxy(Fixture.Registry.HostPort, p => p.IsBlobGet(weight) ? Fault.Drip(64, TimeSpan.FromMilliseconds(100)) : Fault.None);
        using var silent = new HostileRegistry();
        silent.Ping.NeverAnswer = true;
        var good = await PushAsync(TinyModel(49), "drip-good");
        WriteConfig("{ \"transferRateWindow\": 1, \"minTransferRate\": 2048 }");
        var drip = $"{dripping.HostPort}/{repository}:v1";
        var never = silent.Reference("models/silent", "v1");

        var save = Ps.Run("param($r) Save-ModelArtifact $r -PassThru", Args(("r", new[] { drip, never, good })));
        var remote = Ps.Run("param($r) Get-ModelArtifact -Remote $r", Args(("r", new[] { never, good })));

        Assert.Null(save.Terminating);
        Assert.Equal(good, OnlyOne<ModelArtifact>(save.Output).Reference);
        AssertError(save.Errors[0], "RegistryTooSlow", ErrorCategory.OperationTimeout, dripping.HostPort);
        Assert.Contains("minimum transfer rate of 2048 bytes/s", save.Errors[0].Exception.Message, StringComparison.Ordinal);
        AssertError(save.Errors[1], "RegistryTooSlow", ErrorCategory.OperationTimeout, silent.HostPort);
        Assert.Single(dripping.BlobGets(weight));
        AssertError(Assert.Single(remote.Errors), "RegistryTooSlow", ErrorCategory.OperationTimeout, silent.HostPort);
        Assert.Equal(good, OnlyOne<ModelArtifact>(remote.Output).Reference);
    }

    [Fact]
    public async Task Repair_from_a_registry_that_drips_is_RegistryTooSlow()
    {
        var model = TinyModel(50, weightSize: 512 * 1024);
        var repository = Fixture.NewRepository("drip-repair");
        await Fixture.PushAsync(model, repository, "v1");
        var weight = model.Layers[0].Descriptor.Digest;
        var drip = false;
        using var proxy = new FaultProxy(Fixture.Registry.HostPort, p => drip && p.IsBlobGet(weight) ? Fault.Drip(64, TimeSpan.FromMilliseconds(100)) : Fault.None);
        var reference = $"{proxy.HostPort}/{repository}:v1";
        var saved = OnlyOne<ModelArtifact>(Ps.RunOk("param($r) Save-ModelArtifact $r -PassThru", Args(("r", reference))));
        var blob = Path.Combine(Store.StoreRoot, "blobs", "sha256", weight["sha256:".Length..]);
        File.SetAttributes(blob, FileAttributes.Normal);
        File.WriteAllBytes(blob, new byte[model.Layers[0].Bytes.Length]);
        WriteConfig("{ \"transferRateWindow\": 1 }");
        drip = true;

        var r = Ps.Run("param($r) Test-ModelArtifact -Reference $r -Repair", Args(("r", saved.Reference)));

        Assert.Null(r.Terminating);
        AssertError(Assert.Single(r.Errors), "RegistryTooSlow", ErrorCategory.OperationTimeout, proxy.HostPort);
    }

    [Fact]
    public async Task Response_headers_over_64_KiB_are_a_RegistryError_that_is_not_retried()
    {
        var repository = Fixture.NewRepository("headers");
        await Fixture.PushAsync(TinyModel(51), repository, "v1");
        using var proxy = new FaultProxy(Fixture.Registry.HostPort, p => p.Path.Contains("/manifests/", StringComparison.Ordinal) ? Fault.Answer(200, ("X-Padding", new string('h', 70 * 1024))) : Fault.None);
        var reference = $"{proxy.HostPort}/{repository}:v1";

        var r = Ps.Run("param($r) Get-ModelArtifact -Remote $r", Args(("r", reference)));

        AssertError(Assert.Single(r.Errors), "RegistryError", ErrorCategory.InvalidData, proxy.HostPort);
        Assert.Contains("64 KiB of headers", r.Errors[0].Exception.Message, StringComparison.Ordinal);
        Assert.Single(proxy.Requests, p => p.Path.Contains("/manifests/", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Unsafe_or_impossible_layer_names_are_refused_before_any_download()
    {
        var title = await PushRawAsync("title", weights => ModelJson(weights, filepath: null, title: "../evil.bin"));
        var nameless = await PushRawAsync("nameless", weights => ModelJson(weights, filepath: null));
        var fileUnderFile = await PushRawAsync("file-under-file", weights => ModelJson(weights, filepath: "tokenizer.json/inner"));
        var tooLong = await PushRawAsync("too-long", weights => ModelJson(weights, filepath: string.Concat(Enumerable.Repeat("a/", 2100)) + "f"));
        var spoofed = await PushRawAsync("spoofed", weights => ModelJson(weights, filepath: "weights\\u202Efni.exe"));
        var good = await PushAsync(TinyModel(52), "names-good");
        var refused = new[] { title, nameless, fileUnderFile, tooLong, spoofed };

        var r = Ps.Run("param($r) Save-ModelArtifact $r -PassThru", Args(("r", refused.Append(good).ToArray())));

        Assert.Null(r.Terminating);
        Assert.Equal(good, OnlyOne<ModelArtifact>(r.Output).Reference);
        Assert.Equal(5, r.Errors.Count);
        AssertError(r.Errors[0], "UnsafeLayerPath", ErrorCategory.SecurityError, "../evil.bin");
        Assert.StartsWith("MissingLayerPath,", r.Errors[1].FullyQualifiedErrorId, StringComparison.Ordinal);
        Assert.Equal(ErrorCategory.InvalidData, r.Errors[1].CategoryInfo.Category);
        AssertError(r.Errors[2], "ModelSpecViolation", ErrorCategory.InvalidData, fileUnderFile);
        AssertError(r.Errors[3], "ModelSpecViolation", ErrorCategory.InvalidData, tooLong);
        AssertError(r.Errors[4], "ModelSpecViolation", ErrorCategory.InvalidData, spoofed);
        Assert.Contains("U+202E", r.Errors[4].Exception.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("\u202E", r.Errors[4].ToString(), StringComparison.Ordinal);
        Assert.Equal(0, refused.Sum(reference => Fixture.BlobGets(RepositoryOf(reference))));
    }

    [Fact]
    public void A_password_the_registry_echoes_in_any_case_or_encoding_is_never_shown()
    {
        const string User = "victim";
        const string Password = "S3cret/Echo-pw";
        using var hostile = new HostileRegistry(User, Password) { EchoPassword = true };
        var reference = hostile.Reference("models/echo", "v1");
        Ps.Host.Clear();

        var save = Ps.Run("param($r, $c) Save-ModelArtifact $r -Credential $c -Verbose", Args(("r", reference), ("c", Credential(User, Password))));
        var remote = Ps.Run("param($r, $c) Get-ModelArtifact -Remote $r -Credential $c -Verbose", Args(("r", reference), ("c", Credential(User, Password))));

        foreach (var r in new[] { save, remote })
        {
            var error = Assert.Single(r.Errors);
            AssertError(error, "RegistryPermissionDenied", ErrorCategory.PermissionDenied, reference);
            var shown = error + " " + error.Exception + " " + string.Join(" ", r.Verbose) + " " + Ps.Host.Text;
            foreach (var form in new[] { Password, Convert.ToBase64String(Encoding.UTF8.GetBytes(Password)), WebUtility.UrlEncode(Password), Convert.ToBase64String(Encoding.UTF8.GetBytes(User + ":" + Password)) })
            {
                Assert.DoesNotContain(form, shown, StringComparison.OrdinalIgnoreCase);
            }
        }
    }

    [Fact]
    public async Task A_manifest_served_with_the_index_Content_Type_says_what_was_served()
    {
        using var hostile = new HostileRegistry();
        hostile.Add("models/mislabelled", "v1", TinyModel(53), MediaTypes.OciIndex);
        var reference = hostile.Reference("models/mislabelled", "v1");
        var good = await PushAsync(TinyModel(54), "mislabel-good");

        var save = Ps.Run("param($r) Save-ModelArtifact $r -PassThru", Args(("r", new[] { reference, good })));
        var remote = Ps.Run("param($r) Get-ModelArtifact -Remote $r", Args(("r", new[] { reference, good })));

        foreach (var r in new[] { save, remote })
        {
            Assert.Equal(good, OnlyOne<ModelArtifact>(r.Output).Reference);
            AssertError(Assert.Single(r.Errors), "ManifestMediaTypeMismatch", ErrorCategory.InvalidData, reference);
            Assert.Contains("served '" + reference + "' as 'application/vnd.oci.image.index.v1+json'", r.Errors[0].Exception.Message, StringComparison.Ordinal);
        }
    }

    private static void AssertError(ErrorRecord error, string errorId, ErrorCategory category, object target)
    {
        Assert.StartsWith(errorId + ",", error.FullyQualifiedErrorId, StringComparison.Ordinal);
        Assert.Equal(category, error.CategoryInfo.Category);
        Assert.Equal(target, error.TargetObject);
    }

    private static PSCredential Credential(string user, string password)
    {
        var secure = new System.Security.SecureString();
        foreach (var c in password)
        {
            secure.AppendChar(c);
        }

        return new PSCredential(user, secure);
    }

    private void WriteConfig(string json)
    {
        var config = Store.TempFile("config.json");
        File.WriteAllText(config, json);
        Environment.SetEnvironmentVariable("MODELPACK_CONFIG", config);
    }

    /// <summary>Pushes a weight blob, its config and a manifest written by <paramref name="manifest"/> (given the weights) to the real registry.</summary>
    private async Task<string> PushRawAsync(string stem, Func<byte[], (byte[] Config, byte[] Manifest)> manifest)
    {
        var repository = Fixture.NewRepository(stem);
        var weights = TestArtifact.Bytes(stem.Length, 2000);
        var (config, bytes) = manifest(weights);
        using var client = new RegistryClient(new RegistryClientOptions { UseCredentialFiles = false, UseRegistriesConf = false });
        foreach (var blob in new[] { weights, config })
        {
            using var stream = new MemoryStream(blob);
            await TestTransfer.UploadAsync(client, Fixture.Registry.HostPort, repository, Digest.Sha256(blob).ToString(), blob.Length, stream);
        }

        await client.Repository(Fixture.Registry.HostPort, repository).PutManifestAsync("v1", bytes, MediaTypes.OciManifest);
        return $"{Fixture.Host}/{repository}:v1";
    }

    /// <summary>A one-layer model written by hand, with the filepath, title, size and model name given verbatim (JSON escapes stay escapes).</summary>
    private static (byte[] Config, byte[] Manifest) ModelJson(byte[] weights, string? filepath = "model.gguf", string? title = null, long? size = null, string name = "hostile")
    {
        var config = Encoding.UTF8.GetBytes("{\"descriptor\":{\"name\":\"" + name + "\"},\"config\":{\"format\":\"gguf\"},\"modelfs\":{\"type\":\"layers\",\"diffIds\":[\"" + Digest.Sha256(weights) + "\"]}}");
        var annotations = new List<string>();
        if (filepath is not null)
        {
            annotations.Add("\"" + AnnotationKeys.Filepath + "\":\"" + filepath + "\"");
        }

        if (title is not null)
        {
            annotations.Add("\"" + AnnotationKeys.Title + "\":\"" + title + "\"");
        }

        var layers = "{\"mediaType\":\"" + LayerMediaType.Format(LayerKind.Weight, LayerPacking.Raw) + "\",\"digest\":\"" + Digest.Sha256(weights) + "\",\"size\":" + (size ?? weights.Length) + ",\"annotations\":{" + string.Join(",", annotations) + "}}";
        if (filepath == "tokenizer.json/inner")
        {
            layers = "{\"mediaType\":\"" + LayerMediaType.Format(LayerKind.WeightConfig, LayerPacking.Raw) + "\",\"digest\":\"" + Digest.Sha256(weights) + "\",\"size\":" + weights.Length + ",\"annotations\":{\"" + AnnotationKeys.Filepath + "\":\"tokenizer.json\"}}," + layers;
        }

        var manifest = Encoding.UTF8.GetBytes(
            "{\"schemaVersion\":2,\"mediaType\":\"" + MediaTypes.OciManifest + "\",\"artifactType\":\"" + MediaTypes.ModelArtifact + "\"," +
            "\"config\":{\"mediaType\":\"" + MediaTypes.ModelConfig + "\",\"digest\":\"" + Digest.Sha256(config) + "\",\"size\":" + config.Length + "},\"layers\":[" + layers + "]}");
        return (config, manifest);
    }

    /// <summary>Pushes a model whose one layer is <paramref name="blob"/> (packed as named) to the real registry.</summary>
    private async Task<(string Reference, string Layer)> PushLayerAsync(string stem, LayerPacking packing, byte[] blob)
    {
        var layer = new Descriptor(LayerMediaType.Format(LayerKind.Doc, packing), Digest.Sha256(blob).ToString(), blob.Length, new Dictionary<string, string> { [AnnotationKeys.Filepath] = "docs" });
        var reference = await PushAsync(TestArtifact.FromLayers(stem, (layer, blob)), stem);
        return (reference, layer.Digest);
    }
}
