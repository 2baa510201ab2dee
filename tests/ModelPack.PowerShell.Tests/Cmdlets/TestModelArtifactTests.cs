using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Management.Automation;
using System.Text;
using ModelPack.PowerShell.Tests.Support;

namespace ModelPack.PowerShell.Tests.Cmdlets;

// The cmdlets read MODELPACK_* process variables, which the store tests set: never at the same time.
[Collection(StoreCollection.Name)]
public sealed class TestModelArtifactTests : System.IDisposable
{
    private readonly TestLayout _layout = new();
    private readonly PowerShellSession _ps = new();
    private readonly string _dir;

    public TestModelArtifactTests()
    {
        _layout.AddModel("tiny:1.0", "tiny", ("tiny.gguf", "weight", new byte[] { 1, 2, 3, 4 }));
        _layout.AddModel("empty-name:1.0", "x", ("a.bin", "weight", new byte[] { 5 }));
        _dir = Path.Combine(_layout.Root, "files");
        Directory.CreateDirectory(_dir);
    }

    [Fact]
    public void Pipeline_from_Get_ModelArtifact_validates_and_rehashes_every_blob()
    {
        var r = _ps.RunOk("param($p) Get-ModelArtifact -Path $p | Where-Object { $_.Size -gt 0 } | Test-ModelArtifact", new() { ["p"] = _layout.Root });

        Assert.Equal(2, r.Count);
        Assert.All(r, o => Assert.True(((ModelValidationResult)o.BaseObject).IsValid, string.Join("; ", ((ModelValidationResult)o.BaseObject).Violations)));

        var tiny = (ModelArtifact)_ps.RunOk("param($p) Get-ModelArtifact -Path $p -Reference tiny*", new() { ["p"] = _layout.Root }).Single().BaseObject;
        File.WriteAllBytes(_layout.BlobPath(tiny.Files[0].Digest), new byte[] { 1, 2, 3, 5 });
        var after = _ps.RunOk("param($p) Get-ModelArtifact -Path $p | Test-ModelArtifact", new() { ["p"] = _layout.Root })
            .Select(o => (ModelValidationResult)o.BaseObject).ToList();

        var bad = Assert.Single(after, x => !x.IsValid);
        Assert.Equal("tiny:1.0", bad.Target);
        var v = Assert.Single(bad.Violations);
        Assert.Equal("$.layers[0]", v.Path);
        Assert.Contains("corrupt", v.Message);
    }

    [Fact]
    public void Manifest_file_with_many_problems_reports_each_with_its_path()
    {
        var file = Path.Combine(_dir, "manifest.json");
        File.WriteAllText(file, "{\"schemaVersion\":2,\"mediaType\":\"application/vnd.oci.image.manifest.v1+json\",\"artifactType\":\"application/vnd.cncf.model.manifest.v1+json\"," +
            "\"config\":{\"mediaType\":\"application/vnd.cncf.model.config.v1+json\",\"digest\":\"sha256:ABC\",\"size\":-1},\"layers\":[" +
            "{\"mediaType\":\"application/vnd.cnai.model.weight.v1.raw\",\"digest\":\"sha256:" + new string('a', 64) + "\",\"size\":1,\"annotations\":{\"org.cncf.model.filepath\":\"../etc/passwd\"}}]}");

        var result = (ModelValidationResult)_ps.RunOk("param($f) Test-ModelArtifact -Path $f", new() { ["f"] = file }).Single().BaseObject;

        Assert.False(result.IsValid);
        Assert.Equal("Manifest", result.Kind);
        var paths = result.Violations.Select(v => v.Path).ToList();
        Assert.Contains("$.config.digest", paths);
        Assert.Contains("$.config.size", paths);
        Assert.Contains("$.layers[0].mediaType", paths);
        Assert.Contains(paths, p => p.StartsWith("$.layers[0].annotations", System.StringComparison.Ordinal));
    }

    [Fact]
    public void Config_file_is_recognised_and_Quiet_returns_a_bool()
    {
        var good = Path.Combine(_dir, "good-config.json");
        File.WriteAllText(good, "{\"descriptor\":{\"name\":\"m\"},\"config\":{},\"modelfs\":{\"type\":\"layers\",\"diffIds\":[\"sha256:" + new string('b', 64) + "\"]}}");
        var bad = Path.Combine(_dir, "bad-config.json");
        File.WriteAllText(bad, "{\"descriptor\":{\"name\":\"m\"},\"config\":{\"precision\":16},\"modelfs\":{\"type\":\"layers\",\"diffIds\":[\"sha256:" + new string('b', 64) + "\"]}}");

        var results = _ps.RunOk("param($g, $b) Test-ModelArtifact -Path $g, $b", new() { ["g"] = good, ["b"] = bad }).Select(o => (ModelValidationResult)o.BaseObject).ToList();
        Assert.Equal(new[] { "Config", "Config" }, results.Select(r => r.Kind));
        Assert.True(results[0].IsValid);
        Assert.False(results[1].IsValid);
        Assert.Contains(results[1].Violations, v => v.Path == "$.config.precision");

        var quiet = _ps.RunOk("param($g, $b) Test-ModelArtifact -Path $g -Quiet; Test-ModelArtifact -Path $b -Quiet", new() { ["g"] = good, ["b"] = bad });
        Assert.Equal(new object[] { true, false }, quiet.Select(o => o.BaseObject));
    }

    [Fact]
    public void Missing_file_is_a_non_terminating_PathNotFound_and_the_rest_still_run()
    {
        var good = Path.Combine(_dir, "c.json");
        File.WriteAllText(good, "{\"descriptor\":{\"name\":\"m\"},\"config\":{},\"modelfs\":{\"type\":\"layers\",\"diffIds\":[\"sha256:" + new string('b', 64) + "\"]}}");
        var missing = Path.Combine(_dir, "missing.json");

        var r = _ps.Run("param($m, $g) Test-ModelArtifact -Path $m, $g", new() { ["m"] = missing, ["g"] = good });

        var error = Assert.Single(r.Errors);
        Assert.StartsWith("PathNotFound", error.FullyQualifiedErrorId);
        Assert.Equal(ErrorCategory.ObjectNotFound, error.CategoryInfo.Category);
        Assert.Equal(missing, error.TargetObject);
        Assert.True(((ModelValidationResult)Assert.Single(r.Output).BaseObject).IsValid);
    }

    [Fact]
    public void File_objects_bind_by_FullName_to_LiteralPath()
    {
        var good = Path.Combine(_dir, "piped.json");
        File.WriteAllText(good, "{\"descriptor\":{\"name\":\"m\"},\"config\":{},\"modelfs\":{\"type\":\"layers\",\"diffIds\":[\"sha256:" + new string('b', 64) + "\"]}}");

        var r = _ps.RunOk("param($f) [System.IO.FileInfo]::new($f) | Test-ModelArtifact", new() { ["f"] = good });

        var result = (ModelValidationResult)Assert.Single(r).BaseObject;
        Assert.Equal(good, result.Target);
        Assert.True(result.IsValid);
    }

    public void Dispose()
    {
        _ps.Dispose();
        _layout.Dispose();
    }
}
