using System;
using System.Collections.Generic;
using System.IO;
using System.Text;
using System.Text.Json;
using System.Threading;
using System.Threading.Tasks;
using ModelPack.Core.Engines;
using ModelPack.Core.Images;
using ModelPack.Core.Registry;
using ModelPack.Core.Spec;
using ModelPack.Core.Store;
using ModelPack.Core.Strategies;
using ModelPack.Core.Tests.Support;

namespace ModelPack.Core.Tests.Strategies;

/// <summary>The tests of the real podman 5.7.1 and 5.8.2 share one registry and one store per podman version; they run one at a time.</summary>
[CollectionDefinition(Name)]
public sealed class RealPodman5Collection : ICollectionFixture<RealPodman5Fixture>
{
    public const string Name = "Real podman 5.7 and 5.8";
}

/// <summary>
/// One real registry with a small set of models pushed once, and for each podman version a
/// <see cref="PodmanSandbox"/> (its own storage, registries.conf marking the registry insecure, a busybox image)
/// with the module's probe of it and a ModelPack store of its own. Everything is made on first use, so a run
/// where the tools are absent (and the tests skip) starts nothing.
/// </summary>
/// <remarks>
/// The models: <see cref="Plain"/> (weights, a config, a file in a folder); <see cref="Duplicates"/> (two empty
/// files, so two layers share one digest); <see cref="PrettyRef"/> (<see cref="Plain"/>'s manifest pretty-printed, so
/// its digest is not that of podman's re-serialisation); <see cref="TarRef"/> (a tar layer); <see cref="ForeignRef"/>
/// (an artifact that is no model, with a created annotation podman cannot parse); <see cref="UnlabelledImageRef"/>
/// (a model image without labels: files under /models, nothing says which is the weight file).
/// </remarks>
public sealed class RealPodman5Fixture : IAsyncLifetime, IDisposable
{
    private readonly SemaphoreSlim gate = new(1, 1);
    private readonly Dictionary<string, (PodmanSandbox Sandbox, EngineInfo Engine)> podmans = new(StringComparer.Ordinal);
    private TempDirectory? home;
    private RegistryProcess? registry;
    private RegistryProcess? protectedRegistry;

    public const string User = "podman-user";
    public const string Password = "Pa55-for-podman-only";

    public static readonly TestArtifact Plain = TestArtifact.FromFiles(
        "plain",
        ("model.gguf", LayerKind.Weight, TestArtifact.Bytes(501, 40_000)),
        ("config.json", LayerKind.WeightConfig, Encoding.UTF8.GetBytes("{\"format\":\"gguf\"}")),
        ("docs/README.md", LayerKind.Doc, Encoding.UTF8.GetBytes("# plain\n")));

    public static readonly TestArtifact Duplicates = TestArtifact.FromFiles(
        "duplicates",
        ("model.gguf", LayerKind.Weight, TestArtifact.Bytes(502, 20_000)),
        ("empty-a.txt", LayerKind.Doc, Array.Empty<byte>()),
        ("empty-b.txt", LayerKind.Doc, Array.Empty<byte>()));

    /// <summary>The weights of the unlabelled model image, at /models/weights/model.safetensors.</summary>
    public static readonly byte[] ImageWeights = TestArtifact.Bytes(503, 30_000);

    public string Registry => registry?.HostPort ?? throw new InvalidOperationException("Call EnsureAsync first.");

    /// <summary>A registry that wants <see cref="User"/> and <see cref="Password"/> (Basic), holding <see cref="Plain"/> as models/plain:1.</summary>
    public string ProtectedRegistry => protectedRegistry?.HostPort ?? throw new InvalidOperationException("Call EnsureAsync first.");

    /// <summary>A model whose file path would leave the model directory: podman pulls it, ModelPack does not list it.</summary>
    public string EscapingRef => Registry + "/models/escaping:1";

    public string PlainRef => Registry + "/models/plain:1";

    public string DuplicatesRef => Registry + "/models/duplicates:1";

    /// <summary>Plain's layers under a pretty-printed manifest, whose digest is <see cref="PrettyDigest"/>.</summary>
    public string PrettyRef => Registry + "/models/pretty:1";

    public string PrettyDigest { get; private set; } = string.Empty;

    public string TarRef => Registry + "/models/with-tar:1";

    public ModelManifest TarManifest { get; private set; } = null!;

    public string ForeignRef => Registry + "/files/bad-created:1";

    public string UnlabelledImageRef => Registry + "/images/unlabelled:1";

    public string UnlabelledImageDigest { get; private set; } = string.Empty;

    public TestClientSetup Setup => new(home!.Combine("client-home"));

    public Task InitializeAsync() => Task.CompletedTask;

    /// <summary>Starts the registry and pushes the models, once.</summary>
    public async Task EnsureAsync()
    {
        await gate.WaitAsync();
        try
        {
            if (registry is not null)
            {
                return;
            }

            home = new TempDirectory("modelpack-podman5");
            registry = RegistryProcess.Start();
            using var client = Setup.Client();
            await Plain.PushAsync(client, Registry, "models/plain", "1");
            await TestArtifact.FromFiles("escaping", ("../escape.gguf", LayerKind.Weight, TestArtifact.Bytes(506, 100))).PushAsync(client, Registry, "models/escaping", "1");
            protectedRegistry = RegistryProcess.Start(new RegistryProcessOptions { BasicUsers = new Dictionary<string, string> { [User] = Password } });
            using (var authorised = Setup.Client(o => o.Credentials[ProtectedRegistry] = new RegistryCredential(User, Password)))
            {
                await Plain.PushAsync(authorised, ProtectedRegistry, "models/plain", "1");
            }
            await Duplicates.PushAsync(client, Registry, "models/duplicates", "1");

            // The same blobs under a manifest whose bytes are not podman's serialisation of it.
            await Plain.PushAsync(client, Registry, "models/pretty", "compact");
            var pretty = Indented(Plain.ManifestBytes);
            PrettyDigest = Digest.Sha256(pretty).ToString();
            await client.Repository(Registry, "models/pretty").PutManifestAsync("1", pretty, MediaTypes.OciManifest);

            TarManifest = await new ArtifactBuilder("with-tar")
                .Raw("model.gguf", TestArtifact.Bytes(504, 10_000))
                .Tar("docs", LayerPacking.Tar, new Dictionary<string, byte[]> { ["docs/a.md"] = Encoding.UTF8.GetBytes("# a") })
                .PushAsync(client, Registry, "models/with-tar", "1");

            await PushForeignAsync(client);
            UnlabelledImageDigest = await new ImageBuilder()
                .Layer(LayerPacking.TarGzip, w =>
                {
                    ImageBuilder.Directory(w, "models/");
                    ImageBuilder.Directory(w, "models/weights/");
                    ImageBuilder.File(w, "models/weights/model.safetensors", ImageWeights);
                    ImageBuilder.File(w, "models/config.json", "{\"architectures\":[\"tiny\"]}");
                    ImageBuilder.File(w, "models/README.md", "# a model image without labels\n");
                })
                .PushAsync(client, Registry, "images/unlabelled", "1");
        }
        finally
        {
            gate.Release();
        }
    }

    /// <summary>The sandbox of one podman version (busybox imported) and the module's probe of it.</summary>
    public async Task<(PodmanSandbox Sandbox, EngineInfo Engine)> PodmanAsync(string tool)
    {
        await EnsureAsync();
        await gate.WaitAsync();
        try
        {
            if (!podmans.TryGetValue(tool, out var entry))
            {
                var sandbox = new PodmanSandbox(tool, Registry);
                await sandbox.ImportBusyboxAsync();
                entry = (sandbox, await sandbox.ProbeAsync());
                podmans[tool] = entry;
            }

            return entry;
        }
        finally
        {
            gate.Release();
        }
    }

    /// <summary>The strategies' shared state for one podman version: its probe, its environment, its own ModelPack store.</summary>
    public async Task<StrategyContext> ContextAsync(string tool, Action<string>? log = null)
    {
        var (sandbox, engine) = await PodmanAsync(tool);
        return new StrategyContext(engine, () => ModelStore.Open(sandbox.File("modelpack-store")), ProcessRunner.Instance, sandbox.Environment) { Log = log, Warn = log };
    }

    public Task DisposeAsync()
    {
        Dispose();
        return Task.CompletedTask;
    }

    public void Dispose()
    {
        foreach (var (sandbox, _) in podmans.Values)
        {
            sandbox.Dispose();
        }

        podmans.Clear();
        registry?.Dispose();
        protectedRegistry?.Dispose();
        home?.Dispose();
        (registry, protectedRegistry, home) = (null, null, null);
    }

    /// <summary>The manifest re-written with indentation: same content, other bytes, other digest.</summary>
    public static byte[] Indented(byte[] json)
    {
        using var doc = JsonDocument.Parse(json);
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer, new JsonWriterOptions { Indented = true }))
        {
            doc.RootElement.WriteTo(writer);
        }

        return buffer.ToArray();
    }

    /// <summary>What another tool might push: a plain file artifact whose created annotation is not RFC 3339.</summary>
    private async Task PushForeignAsync(RegistryClient client)
    {
        var text = Encoding.UTF8.GetBytes("notes");
        var empty = Encoding.UTF8.GetBytes("{}");
        foreach (var blob in new[] { text, empty })
        {
            using var stream = new MemoryStream(blob);
            await TestTransfer.UploadAsync(client, Registry, "files/bad-created", Digest.Sha256(blob).ToString(), blob.Length, stream);
        }

        var manifest = Encoding.UTF8.GetBytes(
            "{\"schemaVersion\":2,\"mediaType\":\"application/vnd.oci.image.manifest.v1+json\",\"artifactType\":\"text/plain\"," +
            "\"config\":{\"mediaType\":\"application/vnd.oci.empty.v1+json\",\"digest\":\"" + Digest.Sha256(empty) + "\",\"size\":2}," +
            "\"layers\":[{\"mediaType\":\"text/plain\",\"digest\":\"" + Digest.Sha256(text) + "\",\"size\":" + text.Length + ",\"annotations\":{\"org.opencontainers.image.title\":\"notes.txt\"}}]," +
            "\"annotations\":{\"org.opencontainers.image.created\":\"2024-01-01 10:00\"}}");
        await client.Repository(Registry, "files/bad-created").PutManifestAsync("1", manifest, MediaTypes.OciManifest);
    }
}
