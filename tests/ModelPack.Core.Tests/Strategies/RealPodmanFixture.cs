using System;
using System.Collections.Generic;
using System.IO;
using System.Threading;
using System.Threading.Tasks;
using ModelPack.Core.Configuration;
using ModelPack.Core.Engines;
using ModelPack.Core.Images;
using ModelPack.Core.Registry;
using ModelPack.Core.Spec;
using ModelPack.Core.Store;
using ModelPack.Core.Strategies;
using ModelPack.Core.Tests.Support;

namespace ModelPack.Core.Tests.Strategies;

/// <summary>
/// The real podman 4.3.1 (apt podman, runc), isolated: its own storage (vfs driver, so nothing stays mounted)
/// under a temp dir through CONTAINERS_STORAGE_CONF, and a registries.conf marking the test's real
/// docker-registry insecure through CONTAINERS_REGISTRIES_CONF. Both variables go to every podman the module
/// runs (through <see cref="StrategyContext"/>) and to the test's own <c>podman run</c>. Two images are built by
/// hand from busybox-static and pushed: a model image (files under /models, model labels) and a plain busybox
/// image that the containers run. Disposal removes containers and images and deletes the storage.
/// </summary>
public sealed class RealPodmanFixture : IAsyncLifetime, IDisposable
{
    public const string PodmanPath = "/usr/bin/podman";
    private const string BusyboxPath = "/bin/busybox";

    private readonly TempDirectory dir = new("modelpack-podman");
    private RegistryProcess? registry;
    private bool disposed;

    public RealPodmanFixture()
    {
        Weights = new byte[200_000];
        new Random(42).NextBytes(Weights);
    }

    public IReadOnlyDictionary<string, string?> Environment { get; private set; } = new Dictionary<string, string?>();

    public EngineInfo Engine { get; private set; } = EngineInfo.None("not probed yet");

    public string Registry => registry!.HostPort;

    public string ModelImageRef => Registry + "/models/tiny-image:1.0";

    public string ModelImageDigest { get; private set; } = string.Empty;

    public string RunnerImageRef => Registry + "/tools/busybox:1";

    /// <summary>A model image without labels: nothing but the files under /models says which is the weight file.</summary>
    public string UnlabelledImageRef => Registry + "/models/unlabelled-image:1";

    public byte[] Weights { get; }

    public TestClientSetup Setup => new(dir.Combine("home"));

    public string StorePath => dir.Combine("modelpack-store");

    public async Task InitializeAsync()
    {
        Assert.True(File.Exists(PodmanPath), "podman is not installed: apt-get install -y podman runc");
        Assert.True(File.Exists(BusyboxPath), "busybox-static is not installed: apt-get install -y busybox-static");
        registry = RegistryProcess.Start();
        var storage = dir.Write("storage.conf", $"[storage]\ndriver = \"vfs\"\ngraphroot = \"{dir.Combine("graphroot")}\"\nrunroot = \"{dir.Combine("runroot")}\"\n");
        var registries = dir.Write("registries.conf", $"unqualified-search-registries = []\n\n[[registry]]\nlocation = \"{Registry}\"\ninsecure = true\n");
        Environment = new Dictionary<string, string?>
        {
            ["CONTAINERS_STORAGE_CONF"] = storage,
            ["CONTAINERS_REGISTRIES_CONF"] = registries,
        };

        var busybox = File.ReadAllBytes(BusyboxPath);
        void BaseLayer(System.Formats.Tar.TarWriter w)
        {
            ImageBuilder.Directory(w, "bin/");
            ImageBuilder.File(w, "bin/busybox", busybox, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute | UnixFileMode.GroupRead | UnixFileMode.GroupExecute | UnixFileMode.OtherRead | UnixFileMode.OtherExecute);
        }

        using var client = Setup.Client();
        ModelImageDigest = await new ImageBuilder()
            .Label(ModelImage.ModelLabel, "true")
            .Label(ModelImage.EntryPathLabel, "model.gguf")
            .Layer(LayerPacking.Tar, BaseLayer)
            .Layer(LayerPacking.TarGzip, w =>
            {
                ImageBuilder.Directory(w, "models/");
                ImageBuilder.File(w, "models/model.gguf", Weights);
                ImageBuilder.File(w, "models/config.json", "{\"format\":\"gguf\"}");
            })
            .PushAsync(client, Registry, "models/tiny-image", "1.0");
        await new ImageBuilder().Layer(LayerPacking.Tar, BaseLayer).PushAsync(client, Registry, "tools/busybox", "1");
        await new ImageBuilder()
            .Layer(LayerPacking.TarGzip, w =>
            {
                ImageBuilder.Directory(w, "models/");
                ImageBuilder.Directory(w, "models/weights/");
                ImageBuilder.File(w, "models/weights/model.safetensors", Weights);
                ImageBuilder.File(w, "models/config.json", "{\"format\":\"safetensors\"}");
            })
            .PushAsync(client, Registry, "models/unlabelled-image", "1");

        Engine = await new EngineProbe(ProcessRunner.Instance, new EngineProbeCache(), environment: Environment)
            .ProbeAsync(new EngineLocation(EngineKind.Podman, PodmanPath, SettingSource.Default, "found on PATH"), refresh: true);
        var pulled = await PodmanAsync("pull", "--quiet", RunnerImageRef);
        Assert.True(pulled.Succeeded, "podman pull of the runner image failed: " + pulled.Stderr);
    }

    public StrategyContext Context(Action<string>? log = null) =>
        new(Engine, () => ModelStore.Open(StorePath), ProcessRunner.Instance, Environment) { Log = log };

    /// <summary>Runs the isolated podman with these arguments.</summary>
    public Task<ProcessResult> PodmanAsync(params string[] args) =>
        ProcessRunner.Instance.RunAsync(PodmanPath, args, null, new Dictionary<string, string?>(Environment), TimeSpan.FromSeconds(60), CancellationToken.None);

    /// <summary>
    /// <c>podman run --rm --runtime runc --network none --ulimit ... MOUNT RUNNER /bin/busybox COMMAND...</c>, with the
    /// mount argument exactly as the strategy gave it.
    /// </summary>
    public Task<ProcessResult> RunWithMountAsync(string mountArgument, params string[] command)
    {
        var args = new List<string> { "run", "--rm", "--pull=never", "--runtime", "runc", "--network", "none", "--ulimit", "nofile=1024:1024", "--ulimit", "nproc=1024:1024", mountArgument, RunnerImageRef, "/bin/busybox" };
        args.AddRange(command);
        return PodmanAsync(args.ToArray());
    }

    public async Task DisposeAsync()
    {
        try
        {
            await PodmanAsync("rm", "--all", "--force");
            await PodmanAsync("rmi", "--all", "--force");
        }
        finally
        {
            Dispose();
        }
    }

    public void Dispose()
    {
        if (!disposed)
        {
            disposed = true;
            registry?.Dispose();
            dir.Dispose();
        }
    }
}
