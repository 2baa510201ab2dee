using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text;
using System.Threading;
using System.Threading.Tasks;
using ModelPack.Core.References;
using ModelPack.Core.Registry;
using ModelPack.Core.Spec;
using ModelPack.Core.Store;
using ModelPack.Core.Tests.Registry;
using ModelPack.Core.Tests.Support;
using ModelPack.Core.Transfer;

namespace ModelPack.Core.Tests.Hostile;

/// <summary>
/// Pulls of hostile content into a fresh store: pushed byte for byte to the shared real registry (which stores
/// whatever it is given) and pulled through a recording proxy, so a test can tell that nothing was downloaded.
/// Manifests are written by hand here, as a hostile publisher would, not by the module's own writer.
/// </summary>
public abstract class HostileStoreTestBase : IClassFixture<PlainRegistryFixture>, IDisposable
{
    private static int _repositories;

    protected HostileStoreTestBase(PlainRegistryFixture fixture)
    {
        Fixture = fixture;
        Setup = new TestClientSetup(fixture.Home.Path);
        Root = new TempDirectory("modelpack-hostile");
        Store = ModelStore.Open(Root.File("store"));
        Proxy = new FaultProxy(fixture.Registry.HostPort);
    }

    protected PlainRegistryFixture Fixture { get; }

    protected TestClientSetup Setup { get; }

    protected TempDirectory Root { get; }

    protected ModelStore Store { get; set; }

    /// <summary>Forwards to the real registry and records every request (no faults unless a test makes its own proxy).</summary>
    protected FaultProxy Proxy { get; }

    protected string Registry => Fixture.Registry.HostPort;

    protected static string NewRepository(string stem) => $"hostile/{stem}-{Interlocked.Increment(ref _repositories)}";

    /// <summary>Uploads blobs to the real registry; returns their descriptors' digests in order.</summary>
    protected async Task PushBlobsAsync(string repository, params byte[][] blobs)
    {
        using var client = Setup.Client();
        foreach (var blob in blobs)
        {
            using var stream = new MemoryStream(blob);
            await TestTransfer.UploadAsync(client, Registry, repository, Digest.Sha256(blob).ToString(), blob.Length, stream);
        }
    }

    /// <summary>Pushes a manifest's exact bytes under tag v1 and returns the reference to pull it through <see cref="Proxy"/>.</summary>
    protected async Task<ModelReference> PushManifestAsync(string repository, byte[] manifest)
    {
        using var client = Setup.Client();
        await client.Repository(Registry, repository).PutManifestAsync("v1", manifest, MediaTypes.OciManifest);
        return ModelReference.Parse($"{Proxy.HostPort}/{repository}:v1");
    }

    /// <summary>Pushes <paramref name="model"/> (its blobs and manifest) and returns the reference through the proxy.</summary>
    protected async Task<ModelReference> PushAsync(string repository, TestArtifact model)
    {
        using var client = Setup.Client();
        await model.PushAsync(client, Registry, repository, "v1");
        return ModelReference.Parse($"{Proxy.HostPort}/{repository}:v1");
    }

    protected Task<PullResult> PullAsync(ModelReference reference, RegistryClient? client = null) =>
        PullWithAsync(client, reference);

    /// <summary>Blob files, snapshot directories (temporary ones included) and index.json: "nothing changed in the store" compares these.</summary>
    protected string Contents()
    {
        var blobs = Directory.GetFiles(Path.Combine(Store.Root, "blobs"), "*", SearchOption.AllDirectories).Select(Path.GetFileName).Order(StringComparer.Ordinal);
        var snapshots = Directory.GetDirectories(Store.SnapshotsDirectory).Select(Path.GetFileName).Order(StringComparer.Ordinal);
        return "blobs: " + string.Join(",", blobs) + "\nsnapshots: " + string.Join(",", snapshots) + "\nindex: " + File.ReadAllText(Path.Combine(Store.Root, "index.json"));
    }

    /// <summary>A ModelPack manifest written by hand: <paramref name="layers"/> are raw JSON descriptor objects.</summary>
    protected static byte[] Manifest(byte[] config, params string[] layers) =>
        Encoding.UTF8.GetBytes(
            "{\"schemaVersion\":2,\"mediaType\":\"" + MediaTypes.OciManifest + "\",\"artifactType\":\"" + MediaTypes.ModelArtifact + "\"," +
            "\"config\":{\"mediaType\":\"" + MediaTypes.ModelConfig + "\",\"digest\":\"" + Digest.Sha256(config) + "\",\"size\":" + config.Length + "}," +
            "\"layers\":[" + string.Join(",", layers) + "]}");

    /// <summary>A layer descriptor as raw JSON; <paramref name="annotations"/> is a JSON object's text (or null for none).</summary>
    protected static string Layer(byte[] blob, LayerPacking packing = LayerPacking.Raw, string? annotations = null, long? size = null) =>
        "{\"mediaType\":\"" + LayerMediaType.Format(LayerKind.Weight, packing) + "\",\"digest\":\"" + Digest.Sha256(blob) + "\",\"size\":" + (size ?? blob.Length) +
        (annotations is null ? string.Empty : ",\"annotations\":" + annotations) + "}";

    /// <summary>The annotations of a layer at <paramref name="filepath"/>, as JSON text (the path is written as given: escapes stay escapes).</summary>
    protected static string At(string filepath) => "{\"" + AnnotationKeys.Filepath + "\":\"" + filepath + "\"}";

    /// <summary>A valid model config naming <paramref name="layers"/> as its diffIds.</summary>
    protected static byte[] Config(params byte[][] layers) =>
        Encoding.UTF8.GetBytes("{\"descriptor\":{\"name\":\"hostile\"},\"config\":{\"format\":\"gguf\"},\"modelfs\":{\"type\":\"layers\",\"diffIds\":[" +
            string.Join(",", layers.Select(l => "\"" + Digest.Sha256(l) + "\"")) + "]}}");

    public void Dispose()
    {
        Proxy.Dispose();
        Root.Dispose();
        GC.SuppressFinalize(this);
    }

    private async Task<PullResult> PullWithAsync(RegistryClient? client, ModelReference reference)
    {
        if (client is not null)
        {
            return await Store.PullAsync(client, reference, new PullOptions());
        }

        using var own = Setup.Client();
        return await Store.PullAsync(own, reference, new PullOptions());
    }
}
