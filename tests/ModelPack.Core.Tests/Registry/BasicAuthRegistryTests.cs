using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Net;
using System.Net.Http;
using System.Net.Http.Headers;
using System.Text;
using System.Threading.Tasks;
using ModelPack.Core.Errors;
using ModelPack.Core.Registry;
using ModelPack.Core.Store;
using ModelPack.Core.Transfer;
using ModelPack.Core.Tests.Support;

namespace ModelPack.Core.Tests.Registry;

/// <summary>One real registry with htpasswd (Basic) auth and models/basic:v1 in it, shared by a test class.</summary>
public sealed class BasicAuthRegistryFixture : IAsyncLifetime
{
    public const string User = "alice";
    public const string Password = "Pa55-w0rd-alice";

    public BasicAuthRegistryFixture()
    {
        Registry = RegistryProcess.Start(new RegistryProcessOptions { BasicUsers = new Dictionary<string, string> { [User] = Password } });
        Home = new TempDirectory("modelpack-home");
    }

    public RegistryProcess Registry { get; }

    public TempDirectory Home { get; }

    public async Task InitializeAsync()
    {
        var setup = new TestClientSetup(Home.Path);
        using var client = setup.Client(o => o.Credentials[Registry.HostPort] = new RegistryCredential(User, Password));
        await TestArtifact.Create("basic").PushAsync(client, Registry.HostPort, "models/basic", "v1");
    }

    public Task DisposeAsync()
    {
        Registry.Dispose();
        Home.Dispose();
        return Task.CompletedTask;
    }
}

/// <summary>Basic auth, credential files and helpers, and redirects against a real htpasswd registry.</summary>
public sealed class BasicAuthRegistryTests : IClassFixture<BasicAuthRegistryFixture>, IDisposable
{
    private const string User = BasicAuthRegistryFixture.User;
    private const string Password = BasicAuthRegistryFixture.Password;
    private readonly BasicAuthRegistryFixture _fixture;
    private readonly TempDirectory _home = new("modelpack-home");
    private readonly TestClientSetup _setup;

    public BasicAuthRegistryTests(BasicAuthRegistryFixture fixture)
    {
        _fixture = fixture;
        _setup = new TestClientSetup(_home.Path);
    }

    private string Registry => _fixture.Registry.HostPort;

    private static string BasicValue(string user, string password) => Convert.ToBase64String(Encoding.UTF8.GetBytes(user + ":" + password));

    public void Dispose() => _home.Dispose();

    [Fact]
    public async Task The_right_password_pushes_and_pulls_and_is_never_logged()
    {
        var artifact = TestArtifact.Create("basic-ok");
        using var client = _setup.Client(o => o.Credentials[Registry] = new RegistryCredential(User, Password));
        await artifact.PushAsync(client, Registry, "models/basic-ok", "v1");

        var resolved = await client.Repository(Registry, "models/basic-ok").ResolveManifestAsync("v1");
        var (downloaded, _) = await TestTransfer.DownloadAsync(client, Registry, "models/basic-ok", artifact.Layers[0].Descriptor);

        Assert.Equal(artifact.Manifest.Digest, resolved.Digest);
        Assert.Equal(artifact.Layers[0].Bytes, downloaded);
        Assert.Contains("(authorized)", _setup.LogText);
        Assert.DoesNotContain(Password, _setup.LogText);
        Assert.DoesNotContain(BasicValue(User, Password), _setup.LogText);
    }

    [Fact]
    public async Task A_wrong_password_is_RegistryAuthenticationFailed_without_the_password()
    {
        const string wrong = "Wr0ng-but-secret";
        using var client = _setup.Client(o => o.Credentials[Registry] = new RegistryCredential(User, wrong));

        var ex = await Assert.ThrowsAsync<RegistryException>(() => client.Repository(Registry, "models/basic").GetManifestAsync("v1"));

        Assert.Equal(ErrorIds.RegistryAuthenticationFailed, ex.ErrorId);
        Assert.Equal(ErrorKind.AuthenticationError, ex.Kind);
        Assert.Equal(HttpStatusCode.Unauthorized, ex.StatusCode);
        Assert.Contains("UNAUTHORIZED", ex.ErrorCodes);
        Assert.Contains("user 'alice'", ex.Message);
        foreach (var text in new[] { ex.Message, ex.ToString(), _setup.LogText, ex.Target?.ToString() ?? string.Empty, ex.Url ?? string.Empty })
        {
            Assert.DoesNotContain(wrong, text);
            Assert.DoesNotContain(BasicValue(User, wrong), text);
        }
    }

    [Fact]
    public async Task No_credentials_is_RegistryAuthenticationFailed_that_says_how_to_log_in()
    {
        using var client = _setup.Client();

        var ex = await Assert.ThrowsAsync<RegistryException>(() => client.Repository(Registry, "models/basic").GetManifestAsync("v1"));

        Assert.Equal(ErrorIds.RegistryAuthenticationFailed, ex.ErrorId);
        Assert.Contains("no credentials were found", ex.Message);
        Assert.Contains("podman login " + Registry, ex.Message);
    }

    [Fact]
    public async Task Credentials_come_from_REGISTRY_AUTH_FILE_most_specific_key_first()
    {
        var artifact = TestArtifact.Create("authfile");
        using (var pusher = _setup.Client(o => o.Credentials[Registry] = new RegistryCredential(User, Password)))
        {
            await artifact.PushAsync(pusher, Registry, "models/authfile", "v1");
        }

        var authFile = _home.Write("custom/auth.json", $$"""
            { "auths": {
                "{{Registry}}": { "auth": "{{BasicValue(User, "host-level-wrong")}}" },
                "{{Registry}}/models": { "auth": "{{BasicValue(User, Password)}}" }
            } }
            """);
        _setup.Variables["REGISTRY_AUTH_FILE"] = authFile;
        using var client = _setup.Client();

        var info = await client.Repository(Registry, "models/authfile").HeadManifestAsync("v1");
        Assert.Equal(artifact.Manifest.Digest, info.Digest);
        Assert.Contains($"entry '{Registry}/models' of '{authFile}'", _setup.LogText);

        // Outside the namespace only the host-level entry applies, and it is wrong.
        var ex = await Assert.ThrowsAsync<RegistryException>(() => client.Repository(Registry, "other/thing").HeadManifestAsync("v1"));
        Assert.Equal(ErrorIds.RegistryAuthenticationFailed, ex.ErrorId);
        Assert.DoesNotContain("host-level-wrong", ex.Message + _setup.LogText);
    }

    [Fact]
    public async Task Credentials_come_from_the_docker_config_in_the_home_directory()
    {
        _home.Write(".docker/config.json", $$"""{ "auths": { "http://{{Registry}}/v2/": { "auth": "{{BasicValue(User, Password)}}" } } }""");
        using var client = _setup.Client();

        await client.PingAsync(Registry);
        var info = await client.Repository(Registry, "models/basic").HeadManifestAsync("v1");

        Assert.StartsWith("sha256:", info.Digest, StringComparison.Ordinal);
        Assert.Contains(Path.Combine(_home.Path, ".docker", "config.json"), _setup.LogText);
    }

    [Fact]
    public async Task Credentials_come_from_a_credential_helper_on_PATH()
    {
        var (bin, received) = WriteHelper("test", User, Password);
        _home.Write("dockercfg/config.json", $$"""{ "credHelpers": { "{{Registry}}": "test" } }""");
        _setup.Variables["DOCKER_CONFIG"] = _home.File("dockercfg");
        _setup.Variables["PATH"] = bin + ":/usr/bin:/bin";
        using var client = _setup.Client();

        var info = await client.Repository(Registry, "models/basic").HeadManifestAsync("v1");

        Assert.StartsWith("sha256:", info.Digest, StringComparison.Ordinal);
        Assert.Equal(Registry, File.ReadAllText(received).Trim());
        Assert.Contains("credential helper 'docker-credential-test'", _setup.LogText);
        Assert.DoesNotContain(Password, _setup.LogText);
    }

    [Fact]
    public async Task Credentials_come_from_the_default_credsStore_when_auths_only_has_a_placeholder()
    {
        var (bin, received) = WriteHelper("store", User, Password);
        _home.Write("dockercfg/config.json", $$"""{ "auths": { "{{Registry}}": {} }, "credsStore": "store" }""");
        _setup.Variables["DOCKER_CONFIG"] = _home.File("dockercfg");
        _setup.Variables["PATH"] = bin + ":/usr/bin:/bin";
        using var client = _setup.Client();

        Assert.StartsWith("sha256:", (await client.Repository(Registry, "models/basic").HeadManifestAsync("v1")).Digest, StringComparison.Ordinal);
        Assert.Equal(Registry, File.ReadAllText(received).Trim());
    }

    [Fact]
    public async Task A_helper_without_credentials_leaves_the_request_anonymous()
    {
        var bin = _home.File("bin-empty");
        _home.WriteExecutable("bin-empty/docker-credential-empty", "#!/bin/sh\ncat >/dev/null\necho 'credentials not found in native keychain'\nexit 1\n");
        _home.Write("dockercfg/config.json", $$"""{ "credHelpers": { "{{Registry}}": "empty" } }""");
        _setup.Variables["DOCKER_CONFIG"] = _home.File("dockercfg");
        _setup.Variables["PATH"] = bin + ":/usr/bin:/bin";
        using var client = _setup.Client();

        var ex = await Assert.ThrowsAsync<RegistryException>(() => client.Repository(Registry, "models/basic").HeadManifestAsync("v1"));

        Assert.Equal(ErrorIds.RegistryAuthenticationFailed, ex.ErrorId);
        Assert.Contains("has no credentials for", _setup.LogText);
    }

    [Fact]
    public async Task A_blob_redirect_to_another_host_gets_no_Authorization_and_still_verifies()
    {
        var artifact = TestArtifact.Create("redirect");
        using (var pusher = _setup.Client(o => o.Credentials[Registry] = new RegistryCredential(User, Password)))
        {
            await artifact.PushAsync(pusher, Registry, "models/redirect", "v1");
        }

        var (layer, bytes) = artifact.Layers[0];
        const string signature = "sig-0123456789abcdef";
        using var storage = new MiniHttpServer((request, response) => response.SendAsync(200, bytes, new[] { new KeyValuePair<string, string>("Content-Type", "application/octet-stream") }));
        using var upstream = new HttpClient();
        using var front = new MiniHttpServer((request, response) =>
            request.Method == "GET" && request.Path.EndsWith("/blobs/" + layer.Digest, StringComparison.Ordinal)
                ? response.SendAsync(307, null, new[] { new KeyValuePair<string, string>("Location", $"{storage.BaseUrl}/blobs/{layer.Digest}?X-Signature={signature}") })
                : MiniHttpServer.ForwardAsync(upstream, "http://" + Registry, request, response));
        using var client = _setup.Client(o => o.Credentials[front.HostPort] = new RegistryCredential(User, Password));

        var (downloaded, result) = await TestTransfer.DownloadAsync(client, front.HostPort, "models/redirect", layer);

        Assert.Equal(BlobCopyOutcome.Transferred, result.Outcome);
        Assert.Equal(bytes, downloaded);
        var blobRequest = Assert.Single(front.Requests, r => r.Path.Contains("/blobs/", StringComparison.Ordinal));
        Assert.Equal("Basic " + BasicValue(User, Password), blobRequest.Header("Authorization"));
        var stored = Assert.Single(storage.Requests);
        Assert.Null(stored.Header("Authorization"));
        Assert.Equal(signature, stored.QueryValue("X-Signature"));
        Assert.Contains("(another host: no Authorization sent)", _setup.LogText);
        Assert.DoesNotContain(signature, _setup.LogText);
    }

    [Fact]
    public async Task A_redirect_that_serves_wrong_bytes_is_a_DigestMismatch()
    {
        var artifact = TestArtifact.Create("redirect-bad");
        using (var pusher = _setup.Client(o => o.Credentials[Registry] = new RegistryCredential(User, Password)))
        {
            await artifact.PushAsync(pusher, Registry, "models/redirect-bad", "v1");
        }

        var (layer, bytes) = artifact.Layers[0];
        var tampered = (byte[])bytes.Clone();
        tampered[0] ^= 0x55;
        using var storage = new MiniHttpServer((request, response) => response.SendAsync(200, tampered));
        using var upstream = new HttpClient();
        using var front = new MiniHttpServer((request, response) =>
            request.Method == "GET" && request.Path.Contains("/blobs/", StringComparison.Ordinal)
                ? response.SendAsync(307, null, new[] { new KeyValuePair<string, string>("Location", $"{storage.BaseUrl}/x") })
                : MiniHttpServer.ForwardAsync(upstream, "http://" + Registry, request, response));
        using var client = _setup.Client(o => o.Credentials[front.HostPort] = new RegistryCredential(User, Password));
        using var temp = new TempDirectory("modelpack-redirect-bad");
        var store = ModelStore.Open(temp.File("store"));

        var ex = await Assert.ThrowsAnyAsync<ModelPackException>(() => TestTransfer.DownloadAsync(client, front.HostPort, "models/redirect-bad", layer, store));

        Assert.Equal(ErrorIds.DigestMismatch, ex.ErrorId);
        Assert.Empty(Directory.GetFiles(store.TempDirectory, "*.partial"));
        Assert.False(store.Layout.HasBlob(layer.Digest));
    }

    private (string Bin, string ReceivedFile) WriteHelper(string name, string user, string password)
    {
        var bin = _home.File("bin-" + name);
        var received = Path.Combine(bin, "received.txt");
        _home.WriteExecutable("bin-" + name + "/docker-credential-" + name,
            "#!/bin/sh\n" +
            "[ \"$1\" = get ] || exit 2\n" +
            $"cat > '{received}'\n" +
            $"printf '{{\"ServerURL\":\"%s\",\"Username\":\"{user}\",\"Secret\":\"{password}\"}}' \"$(cat '{received}')\"\n");
        return (bin, received);
    }
}
