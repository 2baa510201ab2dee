using System;
using System.Collections.Generic;
using System.Linq;
using System.Management.Automation;
using System.Threading.Tasks;
using ModelPack.Core.Spec;
using ModelPack.Core.Tests.Support;
using ModelPack.PowerShell.Tests.Support;

namespace ModelPack.PowerShell.Tests.Cmdlets;

/// <summary>A fresh store per test, the shared registries, and small models to push.</summary>
[Collection(StoreCollection.Name)]
public abstract class StoreTestBase : IDisposable
{
    protected StoreTestBase(StoreRegistryFixture fixture)
    {
        Fixture = fixture;
        Store = new StoreSession();
    }

    protected StoreRegistryFixture Fixture { get; }

    protected StoreSession Store { get; }

    protected PowerShellSession Ps => Store.PowerShell;

    /// <summary>A weight file, a tokenizer and a nested doc; distinct bytes per seed.</summary>
    protected static TestArtifact TinyModel(int seed, int weightSize = 200_000) => TestArtifact.FromFiles(
        "tiny-" + seed,
        ("model.safetensors", LayerKind.Weight, TestArtifact.Bytes(seed, weightSize)),
        ("tokenizer.json", LayerKind.WeightConfig, TestArtifact.Bytes(seed + 1000, 300)),
        ("docs/README.md", LayerKind.Doc, TestArtifact.Bytes(seed + 2000, 100)));

    /// <summary>Pushes a model to the plain registry and returns the reference the cmdlets pull (through the recording front).</summary>
    protected async Task<string> PushAsync(TestArtifact model, string stem, string tag = "v1", string? repository = null)
    {
        repository ??= Fixture.NewRepository(stem);
        await Fixture.PushAsync(model, repository, tag);
        return $"{Fixture.Host}/{repository}:{tag}";
    }

    protected static Dictionary<string, object?> Args(params (string Name, object? Value)[] values) =>
        values.ToDictionary(v => v.Name, v => v.Value);

    protected static T OnlyOne<T>(List<PSObject> output) => Assert.IsType<T>(Assert.Single(output).BaseObject);

    protected static string RepositoryOf(string reference)
    {
        var afterHost = reference.Substring(reference.IndexOf('/') + 1);
        return afterHost.Substring(0, afterHost.LastIndexOf(':'));
    }

    public void Dispose()
    {
        Store.Dispose();
        GC.SuppressFinalize(this);
    }
}
