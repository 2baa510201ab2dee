using System;
using System.IO;
using System.Linq;
using System.Threading.Tasks;
using ModelPack.Core.Errors;
using ModelPack.Core.References;
using ModelPack.Core.Store;
using ModelPack.Core.Tests.Support;
using ModelPack.Core.Transfer;

namespace ModelPack.Core.Tests.Registry;

/// <summary>
/// registries.conf mirrors and locations against real registries: the "location" is a plain docker-registry, the
/// mirror a second docker-registry in proxy mode (a pull-through cache of the first, as Harbor or a distribution
/// cache is set up). registries.conf is written by each test and named with CONTAINERS_REGISTRIES_CONF.
/// </summary>
public sealed class MirrorTests : IClassFixture<PlainRegistryFixture>, IDisposable
{
    private readonly PlainRegistryFixture _fixture;
    private readonly TempDirectory _dir = new("modelpack-mirrors");
    private readonly TestClientSetup _setup;
    private readonly ModelStore _store;

    public MirrorTests(PlainRegistryFixture fixture)
    {
        _fixture = fixture;
        _setup = new TestClientSetup(_dir.File("home"));
        _store = ModelStore.Open(_dir.File("store"));
    }

    private string Location => _fixture.Registry.HostPort;

    public void Dispose() => _dir.Dispose();

    [Fact]
    public async Task A_pull_through_cache_mirror_serves_the_pull_and_the_verbose_log_names_it()
    {
        var artifact = await PushAsync("cached");
        using var mirror = StartMirror();
        UseConf($"[[registry]]\nlocation = \"{Location}\"\n\n[[registry.mirror]]\nlocation = \"{mirror.HostPort}\"\n");
        using var client = _setup.Client();

        var result = await _store.PullAsync(client, Reference("cached"));

        Assert.Equal(artifact.Digest, result.Artifact.Digest);
        Assert.Equal(Location + "/models/cached:1", result.Artifact.Reference);
        Assert.Contains($"is pulled from '{Location}/models/cached', mirrors '{mirror.HostPort}/models/cached' first", _setup.LogText);
        Assert.Contains($"came from mirror '{mirror.HostPort}/models/cached'", _setup.LogText);
        Assert.DoesNotContain("the registry itself", _setup.LogText);
        Assert.True(await CachedBlobsAsync(mirror, 3), "the proxy registry cached what it served");
    }

    [Fact]
    public async Task A_mirror_killed_mid_blob_hands_the_rest_of_the_blob_to_the_location()
    {
        var artifact = await PushAsync("killed", layerSize: 24 * 1024 * 1024);
        var weights = artifact.Layers[0].Descriptor;
        using var mirror = StartMirror();
        UseConf($"[[registry]]\nlocation = \"{Location}\"\n\n[[registry.mirror]]\nlocation = \"{mirror.HostPort}\"\n");
        using var client = _setup.Client();
        var killed = false;
        var progress = new CallbackProgress(p =>
        {
            if (!killed && p.LayerDigest == weights.Digest && p.BytesDone > 0)
            {
                killed = true;
                mirror.Kill(); // while the transfer thread waits here: the rest of the body never comes
            }
        });

        var result = await _store.PullAsync(client, Reference("killed"), new PullOptions { Progress = progress, Concurrency = 1 });

        Assert.True(killed);
        Assert.Equal(artifact.Digest, result.Artifact.Digest);
        Assert.Equal(artifact.Layers[0].Bytes, File.ReadAllBytes(Path.Combine(result.Artifact.Path!, "model.safetensors")));
        var log = _setup.LogText;
        Assert.Contains($"Mirror '{mirror.HostPort}/models/killed' did not serve the rest of blob {weights.Digest}", log);
        Assert.Matches($"Blob {weights.Digest} \\(from byte [1-9][0-9]*\\) came from '{Location}/models/killed', the registry itself", log);
        Assert.Contains($"Mirror registry '{mirror.HostPort}' could not be reached", log);
        Assert.Empty(_setup.RetryTimer.Delays);
    }

    [Fact]
    public async Task Wrong_bytes_from_a_mirror_are_refused_and_the_location_serves_the_blob()
    {
        var artifact = await PushAsync("altered");
        var weights = artifact.Layers[0].Descriptor;
        // A fake mirror: a fault proxy in front of the real location that flips one byte of the weights. A real
        // registry verifies what it stores and cannot be made to serve wrong bytes for a digest.
        using var wrong = new FaultProxy(Location, r => r.IsBlobGet(weights.Digest) ? Fault.Corrupt(1000) : Fault.None);
        UseConf($"[[registry]]\nlocation = \"{Location}\"\n\n[[registry.mirror]]\nlocation = \"{wrong.HostPort}\"\n");
        using var client = _setup.Client();

        var result = await _store.PullAsync(client, Reference("altered"));

        Assert.Equal(artifact.Digest, result.Artifact.Digest);
        Assert.Equal(artifact.Layers[0].Bytes, File.ReadAllBytes(Path.Combine(result.Artifact.Path!, "model.safetensors")));
        Assert.Single(wrong.BlobGets(weights.Digest));
        var log = _setup.LogText;
        Assert.Contains($"Mirror '{wrong.HostPort}/models/altered' sent bytes of {weights.Digest} that do not verify", log);
        Assert.Contains($"Blob {weights.Digest} came from '{Location}/models/altered', the registry itself", log);
        Assert.Contains($"came from mirror '{wrong.HostPort}/models/altered'", log); // the manifest and the other blobs
    }

    [Fact]
    public async Task Wrong_bytes_from_a_mirror_in_the_parts_of_a_ranged_download_are_refused_and_the_location_serves_the_blob()
    {
        var artifact = await PushAsync("altered-parts", layerSize: 6 * 1024 * 1024);
        var weights = artifact.Layers[0].Descriptor;
        // A fake mirror, as above: it flips byte 1000 of every part of the weights it serves.
        using var wrong = new FaultProxy(Location, r => r.IsBlobGet(weights.Digest) ? Fault.Corrupt(1000) : Fault.None);
        UseConf($"[[registry]]\nlocation = \"{Location}\"\n\n[[registry.mirror]]\nlocation = \"{wrong.HostPort}\"\n");
        using var client = _setup.Client();

        var result = await _store.PullAsync(client, Reference("altered-parts"), new PullOptions { ConnectionsPerBlob = 3, PartSize = 1024 * 1024 });

        Assert.Equal(artifact.Digest, result.Artifact.Digest);
        Assert.Equal(artifact.Layers[0].Bytes, File.ReadAllBytes(Path.Combine(result.Artifact.Path!, "model.safetensors")));
        Assert.True(wrong.BlobGets(weights.Digest).Count(r => r.Range is not null) > 1, string.Join("\n", wrong.Requests));
        var log = _setup.LogText;
        Assert.Contains($"Mirror '{wrong.HostPort}/models/altered-parts' sent bytes of {weights.Digest} that do not verify", log);
        Assert.Contains($"came from '{Location}/models/altered-parts', the registry itself", log);
        Assert.Empty(Directory.GetFiles(_store.TempDirectory, "*.parts"));
    }

    [Fact]
    public async Task A_mirror_that_needs_credentials_gets_those_of_its_own_host_and_is_passed_over_without_them()
    {
        await PushAsync("private");
        using var mirror = StartMirror(new RegistryProcessOptions { BasicUsers = new System.Collections.Generic.Dictionary<string, string> { ["cache"] = "cache-pass" } });
        UseConf($"[[registry]]\nlocation = \"{Location}\"\n\n[[registry.mirror]]\nlocation = \"{mirror.HostPort}\"\n");
        using (var anonymous = _setup.Client())
        {
            await _store.PullAsync(anonymous, Reference("private"));
        }

        Assert.Contains($"Mirror '{mirror.HostPort}/models/private' did not serve", _setup.LogText);
        Assert.Equal(0, CachedBlobs(mirror));

        var auth = Convert.ToBase64String(System.Text.Encoding.UTF8.GetBytes("cache:cache-pass"));
        _setup.Variables["REGISTRY_AUTH_FILE"] = _dir.Write("auth.json", $$"""{ "auths": { "{{mirror.HostPort}}": { "auth": "{{auth}}" } } }""");
        _setup.Log.Clear();
        using var client = _setup.Client();

        await _store.PullAsync(client, Reference("private"), new PullOptions { Force = true });

        Assert.Contains($"came from mirror '{mirror.HostPort}/models/private'", _setup.LogText);
        Assert.DoesNotContain("did not serve", _setup.LogText);
        Assert.True(await CachedBlobsAsync(mirror, 3), "the proxy registry cached what it served");
    }

    [Fact]
    public async Task A_digest_only_mirror_serves_pulls_by_digest_and_not_by_tag()
    {
        var artifact = await PushAsync("pinned");
        using var mirror = StartMirror();
        UseConf($"[[registry]]\nlocation = \"{Location}\"\n\n[[registry.mirror]]\nlocation = \"{mirror.HostPort}\"\npull-from-mirror = \"digest-only\"\n");
        using var client = _setup.Client();

        await _store.PullAsync(client, Reference("pinned"));

        Assert.Equal(0, CachedBlobs(mirror));
        Assert.DoesNotContain(mirror.HostPort, _setup.LogText);

        var byDigest = await _store.PullAsync(client, ModelReference.Parse($"{Location}/models/pinned@{artifact.Digest}"), new PullOptions { Force = true });

        Assert.Equal(artifact.Digest, byDigest.Artifact.Digest);
        Assert.Contains($"came from mirror '{mirror.HostPort}/models/pinned'", _setup.LogText);
        Assert.True(await CachedBlobsAsync(mirror, 3), "the proxy registry cached what it served");
    }

    [Fact]
    public async Task A_mirror_nobody_answers_at_is_tried_once_and_the_location_serves()
    {
        var artifact = await PushAsync("nobody");
        var closed = ClosedPort();
        UseConf($"[[registry]]\nlocation = \"{Location}\"\n\n[[registry.mirror]]\nlocation = \"{closed}\"\n");
        using var client = _setup.Client();

        var result = await _store.PullAsync(client, Reference("nobody"));

        Assert.Equal(artifact.Digest, result.Artifact.Digest);
        Assert.Contains($"Mirror '{closed}/models/nobody' did not serve", _setup.LogText);
        Assert.Empty(_setup.RetryTimer.Delays);
    }

    [Fact]
    public async Task A_location_moves_a_namespace_and_the_model_keeps_the_name_it_was_pulled_by()
    {
        var artifact = await PushAsync("moved");
        UseConf($"[[registry]]\nprefix = \"models.example/team\"\nlocation = \"{Location}/models\"\n");
        using var client = _setup.Client();

        var result = await _store.PullAsync(client, ModelReference.Parse("models.example/team/moved:1"));

        Assert.Equal(artifact.Digest, result.Artifact.Digest);
        Assert.Equal("models.example/team/moved:1", result.Artifact.Reference);
        Assert.Equal("models.example/team/moved:1", Assert.Single(_store.List()).Reference);
        Assert.Contains($"'models.example/team/moved:1' is pulled from '{Location}/models/moved', no mirrors", _setup.LogText);
    }

    [Fact]
    public async Task A_blocked_registry_refuses_the_pull_before_any_request()
    {
        UseConf($"[[registry]]\nlocation = \"{Location}\"\nblocked = true\n");
        using var client = _setup.Client();

        var ex = await Assert.ThrowsAsync<ModelPackException>(() => _store.PullAsync(client, Reference("anything")));

        Assert.Equal(ErrorIds.RegistryBlocked, ex.ErrorId);
        Assert.Equal(ErrorKind.PermissionDenied, ex.Kind);
        Assert.Equal(Location + "/models/anything:1", ex.Target);
        Assert.DoesNotContain("answers at", _setup.LogText);
    }

    private ModelReference Reference(string name) => ModelReference.Parse($"{Location}/models/{name}:1");

    private async Task<TestArtifact> PushAsync(string name, int layerSize = 300_000)
    {
        var artifact = TestArtifact.Create(name, layerSize);
        using var client = new TestClientSetup(_dir.File("pusher")).Client();
        await artifact.PushAsync(client, Location, "models/" + name, "1");
        return artifact;
    }

    private RegistryProcess StartMirror(RegistryProcessOptions? options = null)
    {
        options ??= new RegistryProcessOptions();
        options.ProxyRemoteUrl = "http://" + Location;
        return RegistryProcess.Start(options);
    }

    private void UseConf(string text) => _setup.Variables["CONTAINERS_REGISTRIES_CONF"] = _dir.Write("registries.conf", text);

    /// <summary>Whether the proxy registry comes to hold <paramref name="count"/> blobs (it stores what it served in the background).</summary>
    private static async Task<bool> CachedBlobsAsync(RegistryProcess mirror, int count)
    {
        for (var i = 0; i < 100 && CachedBlobs(mirror) < count; i++)
        {
            await Task.Delay(100);
        }

        return CachedBlobs(mirror) >= count;
    }

    /// <summary>Blobs the proxy registry keeps in its storage (it caches what it serves).</summary>
    private static int CachedBlobs(RegistryProcess mirror)
    {
        var blobs = Path.Combine(mirror.Directory, "data", "docker", "registry", "v2", "blobs");
        return Directory.Exists(blobs) ? Directory.GetFiles(blobs, "data", SearchOption.AllDirectories).Length : 0;
    }

    private static string ClosedPort()
    {
        var listener = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        listener.Start();
        var port = ((System.Net.IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return "127.0.0.1:" + port;
    }

    private sealed class CallbackProgress : IProgress<PullProgress>
    {
        private readonly Action<PullProgress> _report;

        public CallbackProgress(Action<PullProgress> report) => _report = report;

        public void Report(PullProgress value) => _report(value);
    }
}
