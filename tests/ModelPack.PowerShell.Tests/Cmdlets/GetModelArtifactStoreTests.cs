using System;
using System.IO;
using System.Linq;
using System.Management.Automation;
using System.Threading.Tasks;
using ModelPack.PowerShell.Tests.Support;

namespace ModelPack.PowerShell.Tests.Cmdlets;

public sealed class GetModelArtifactStoreTests : StoreTestBase
{
    public GetModelArtifactStoreTests(StoreRegistryFixture fixture)
        : base(fixture)
    {
    }

    private async Task<(string A, string B)> SaveTwoAsync()
    {
        var a = await PushAsync(TinyModel(30), "list-a");
        var b = await PushAsync(TinyModel(31), "list-b", "v2");
        Ps.RunOk("param($a, $b) Save-ModelArtifact $a, $b", Args(("a", a), ("b", b)));
        return (a, b);
    }

    private static string[] References(System.Collections.Generic.List<PSObject> output) =>
        output.Select(o => ((ModelArtifact)o.BaseObject).Reference).Order(StringComparer.Ordinal).ToArray();

    [Fact]
    public void An_absent_store_lists_nothing_and_is_not_created()
    {
        var r = Ps.Run("Get-ModelArtifact -Verbose");

        Assert.Empty(r.AllErrors);
        Assert.Empty(r.Output);
        Assert.Contains(r.Verbose, v => v.Contains("does not exist yet", StringComparison.Ordinal));
        Assert.False(Directory.Exists(Store.StoreRoot));
    }

    [Fact]
    public async Task Lists_the_store_with_wildcards_on_the_full_reference_and_exact_names()
    {
        var (a, b) = await SaveTwoAsync();

        Assert.Equal([a, b], References(Ps.RunOk("Get-ModelArtifact")));
        Assert.Equal([a, b], References(Ps.RunOk("param($p) Get-ModelArtifact $p", Args(("p", Fixture.Host + "/models/*")))));
        Assert.Equal([b], References(Ps.RunOk("Get-ModelArtifact '127.0.0.1:*:v2'")));
        Assert.Equal([a], References(Ps.RunOk("param($r) $r | Get-ModelArtifact", Args(("r", a)))));
        var stored = (ModelArtifact)Ps.RunOk("param($r) Get-ModelArtifact $r", Args(("r", a))).Single().BaseObject;
        Assert.Equal("HttpBind", stored.Strategy);
        Assert.Equal(Store.SnapshotOf(stored.Digest), stored.Path);
        Assert.Equal(Store.StoreRoot, stored.StorePath);
        Assert.Equal([a], References(Ps.RunOk("param($d) Get-ModelArtifact $d", Args(("d", stored.Digest)))));
    }

    [Fact]
    public async Task Without_MODELPACK_STORE_the_config_file_store_is_used()
    {
        var reference = await PushAsync(TinyModel(32), "config-store");
        var configured = Path.Combine(Store.ExportRoot, "configured-store");
        Directory.CreateDirectory(Store.ExportRoot);
        var config = Path.Combine(Store.ExportRoot, "config.json");
        File.WriteAllText(config, "{ \"store\": " + System.Text.Json.JsonSerializer.Serialize(configured) + " }");

        var stored = OnlyOne<ModelArtifact>(Ps.RunOk(
            "param($c, $r) $env:MODELPACK_STORE = $null; $env:MODELPACK_CONFIG = $c; Save-ModelArtifact $r; Get-ModelArtifact",
            Args(("c", config), ("r", reference))));

        Assert.Equal(configured, stored.StorePath);
        Assert.StartsWith(configured, stored.Path, StringComparison.Ordinal);
        Assert.False(Directory.Exists(Store.StoreRoot));
    }

    [Fact]
    public async Task A_missing_name_is_an_error_but_a_pattern_matching_nothing_is_not()
    {
        await SaveTwoAsync();
        var missing = Fixture.Host + "/models/absent:v1";

        var r = Ps.Run("param($m) Get-ModelArtifact $m, 'nothing-like-this*'", Args(("m", missing)));

        Assert.Empty(r.Output);
        var error = Assert.Single(r.Errors);
        Assert.Equal("ModelArtifactNotFound,ModelPack.Cmdlets.GetModelArtifactCommand", error.FullyQualifiedErrorId);
        Assert.Equal(missing, error.TargetObject);
    }

    [Fact]
    public async Task Entries_without_a_snapshot_are_skipped_with_a_verbose_message()
    {
        var (a, b) = await SaveTwoAsync();
        var stored = (ModelArtifact)Ps.RunOk("param($r) Get-ModelArtifact $r", Args(("r", a))).Single().BaseObject;
        Directory.Delete(stored.Path!, recursive: true);

        var r = Ps.Run("Get-ModelArtifact -Verbose");

        Assert.Equal([b], References(r.Output));
        Assert.Contains(r.Verbose, v => v.Contains(a, StringComparison.Ordinal) && v.Contains("snapshot is missing", StringComparison.Ordinal));
    }

    [Fact]
    public void Remote_refuses_wildcards_and_invalid_references()
    {
        var r = Ps.Run("Get-ModelArtifact -Remote 'localhost:5000/models/*', 'UPPER/case:v1'");

        Assert.Equal(2, r.Errors.Count);
        Assert.All(r.Errors, e => Assert.StartsWith("InvalidModelReference,", e.FullyQualifiedErrorId));
        Assert.All(r.Errors, e => Assert.Equal(ErrorCategory.InvalidArgument, e.CategoryInfo.Category));
        Assert.Equal("localhost:5000/models/*", r.Errors[0].TargetObject);
        Assert.Contains("wildcard", r.Errors[0].Exception.Message);
    }

    [Fact]
    public void Remote_404_is_ObjectNotFound()
    {
        var reference = $"{Fixture.Host}/models/nowhere:v1";

        var r = Ps.Run("param($r) Get-ModelArtifact -Remote $r", Args(("r", reference)));

        var error = Assert.Single(r.Errors);
        Assert.Equal(ErrorCategory.ObjectNotFound, error.CategoryInfo.Category);
        Assert.StartsWith("ModelArtifactNotFound,", error.FullyQualifiedErrorId);
    }

}
