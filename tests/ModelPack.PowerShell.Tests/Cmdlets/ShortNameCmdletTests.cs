using System.Collections.Generic;
using System.Linq;
using System.Management.Automation;
using System.Threading.Tasks;
using ModelPack.PowerShell.Tests.Support;

namespace ModelPack.PowerShell.Tests.Cmdlets;

/// <summary>Short names through the cmdlets, with a registries.conf of the test's own (CONTAINERS_REGISTRIES_CONF).</summary>
public sealed class ShortNameCmdletTests : StoreTestBase
{
    public ShortNameCmdletTests(StoreRegistryFixture fixture)
        : base(fixture)
    {
    }

    [Fact]
    public void Enforcing_mode_asks_with_ShouldContinue_for_each_candidate_and_declining_all_is_ShortNameAmbiguous()
    {
        using var store = Session($"unqualified-search-registries = [\"{Fixture.Protected.HostPort}\", \"{Fixture.Host}\"]\nshort-name-mode = \"enforcing\"\n");
        store.PowerShell.Host.PromptChoice = 1; // No

        var result = store.PowerShell.Run("Save-ModelArtifact models/tiny:v1");

        var error = Assert.Single(result.Errors);
        Assert.Equal("ShortNameAmbiguous,ModelPack.Cmdlets.SaveModelArtifactCommand", error.FullyQualifiedErrorId);
        Assert.Equal(ErrorCategory.InvalidOperation, error.CategoryInfo.Category);
        Assert.Equal("models/tiny:v1", error.TargetObject);
        Assert.Contains("No candidate was chosen for short name 'models/tiny'", error.Exception.Message);
        Assert.Equal(2, store.PowerShell.Host.PromptCount);
        Assert.Contains($"Pull '{Fixture.Protected.HostPort}/models/tiny:v1' for the short name 'models/tiny'?", store.PowerShell.Host.Text);
        Assert.Contains($"Pull '{Fixture.Host}/models/tiny:v1' for the short name 'models/tiny'?", store.PowerShell.Host.Text);
    }

    [Fact]
    public async Task Permissive_mode_saves_from_the_first_search_registry_that_has_it_and_stores_the_full_name()
    {
        var model = TinyModel(41);
        var reference = await PushAsync(model, "short");
        var shortName = reference.Substring(reference.IndexOf('/') + 1);
        // The first registry asks for credentials this session has not got: that candidate is passed over.
        using var store = Session($"unqualified-search-registries = [\"{Fixture.Protected.HostPort}\", \"{Fixture.Host}\"]\n");

        var result = store.PowerShell.Run("param($r) Save-ModelArtifact $r -PassThru -Verbose", Args(("r", shortName)));

        Assert.Empty(result.Errors);
        var artifact = Assert.IsType<ModelArtifact>(Assert.Single(result.Output).BaseObject);
        Assert.Equal(reference, artifact.Reference);
        Assert.Equal(model.Digest, artifact.Digest);
        Assert.Contains(result.Verbose, v => v.StartsWith($"Candidate '{Fixture.Protected.HostPort}/{shortName}' of short name", System.StringComparison.Ordinal));
        Assert.Contains($"Short name '{RepositoryOf(reference)}' resolved to '{reference}', the first candidate whose registry has it.", result.Verbose);
        Assert.Equal(0, store.PowerShell.Host.PromptCount);
    }

    [Fact]
    public async Task An_alias_serves_Get_ModelArtifact_Remote_and_Save_without_any_search()
    {
        var model = TinyModel(42);
        var reference = await PushAsync(model, "aliased");
        using var store = Session($"unqualified-search-registries = [\"{Fixture.Protected.HostPort}\"]\nshort-name-mode = \"enforcing\"\n[aliases]\n\"my-model\" = \"{Fixture.Host}/{RepositoryOf(reference)}\"\n");

        var remote = store.PowerShell.RunOk("Get-ModelArtifact -Remote my-model:v1");
        var saved = store.PowerShell.RunOk("Save-ModelArtifact 'oci://my-model:v1' -PassThru");

        Assert.Equal(reference, Assert.IsType<ModelArtifact>(Assert.Single(remote).BaseObject).Reference);
        Assert.Equal(reference, Assert.IsType<ModelArtifact>(Assert.Single(saved).BaseObject).Reference);
        Assert.Equal(0, store.PowerShell.Host.PromptCount);

        // The store finds it again by the short name, through the same alias (no request).
        Assert.Equal(reference, Assert.IsType<ModelArtifact>(Assert.Single(store.PowerShell.RunOk("Get-ModelArtifact my-model:v1")).BaseObject).Reference);
        Assert.Equal(reference, Assert.IsType<ModelMount>(Assert.Single(store.PowerShell.RunOk("Get-ModelMount my-model:v1")).BaseObject).Reference);
        store.PowerShell.RunOk("Remove-ModelArtifact my-model:v1 -Force");
        Assert.Empty(store.PowerShell.RunOk("Get-ModelArtifact"));
    }

    /// <summary>A session of its own whose registries.conf is <paramref name="conf"/> (kept in the base store's temp dir).</summary>
    private StoreSession Session(string conf)
    {
        var path = Store.TempFile("registries.conf");
        System.IO.File.WriteAllText(path, conf);
        return new StoreSession(new Dictionary<string, string?> { ["CONTAINERS_REGISTRIES_CONF"] = path });
    }
}
