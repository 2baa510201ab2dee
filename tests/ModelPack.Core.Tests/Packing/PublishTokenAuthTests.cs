using System;
using System.IO;
using System.Linq;
using System.Threading.Tasks;
using ModelPack.Core.Errors;
using ModelPack.Core.Packing;
using ModelPack.Core.References;
using ModelPack.Core.Registry;
using ModelPack.Core.Store;
using ModelPack.Core.Tests.Registry;
using ModelPack.Core.Tests.Support;

namespace ModelPack.Core.Tests.Packing;

/// <summary>
/// Publishing to a real registry with token auth (the test token service): alice may pull and push, anonymous
/// users may only pull public/*. Proves the scopes asked for and that a pull token never serves a push.
/// </summary>
public sealed class PublishTokenAuthTests : IClassFixture<TokenRegistryFixture>, IDisposable
{
    private readonly TokenRegistryFixture _fixture;
    private readonly TempDirectory _root = new("modelpack-publish-token");
    private readonly TestClientSetup _setup;
    private readonly ModelStore _store;
    private readonly ModelFolder _folder = ModelFolder.Sample();

    public PublishTokenAuthTests(TokenRegistryFixture fixture)
    {
        _fixture = fixture;
        _setup = new TestClientSetup(_root.Path);
        _store = ModelStore.Open(Path.Combine(_root.Path, "store"));
    }

    private string Registry => _fixture.Registry.HostPort;

    public void Dispose()
    {
        _folder.Dispose();
        _root.Dispose();
    }

    private RegistryClient Alice() => _setup.Client(o => o.Credentials[Registry] = new RegistryCredential(TokenRegistryFixture.User, TokenRegistryFixture.Password));

    private async Task<ModelArtifact> PackAsync(string reference, string seed)
    {
        _folder.Write("seed.txt", seed);
        return (await ModelPacker.PackAsync(new PackRequest(_folder.Path, ModelReference.Parse(Registry + "/" + reference)), _store)).Artifact;
    }

    private string[] ScopesAskedSince(int before) =>
        _fixture.Tokens.Received.Skip(before)
            .Select(r => string.Join(" ", r.Query.Split('&').Where(p => p.StartsWith("scope=", StringComparison.Ordinal)).Select(p => Uri.UnescapeDataString(p.AsSpan(6)))))
            .ToArray();

    [Fact]
    public async Task A_publish_asks_for_one_pull_push_token_and_uses_it_for_every_request()
    {
        var artifact = await PackAsync("models/pushed:1.0", "one token");
        using var client = Alice();
        var before = _fixture.Tokens.Received.Count;

        var result = await ModelPublisher.PublishAsync(_store, artifact, null, client);

        Assert.True(result.ManifestPushed);
        Assert.Equal(new[] { "repository:models/pushed:pull,push" }, ScopesAskedSince(before));
        Assert.Equal(1, client.TokenRequests);
        Assert.StartsWith("Basic ", _fixture.Tokens.Received[^1].Header("Authorization"), StringComparison.Ordinal);
        var remote = await RemoteArtifactReader.GetAsync(client, ModelReference.Parse(Registry + "/models/pushed:1.0"));
        Assert.Equal(artifact.Digest, remote.Digest);
    }

    [Fact]
    public async Task A_publish_that_mounts_asks_for_pull_on_the_source_in_the_same_token()
    {
        var artifact = await PackAsync("models/source:1.0", "mounting");
        using (var first = Alice())
        {
            await ModelPublisher.PublishAsync(_store, artifact, null, first);
        }

        using var client = Alice();
        var before = _fixture.Tokens.Received.Count;

        var result = await ModelPublisher.PublishAsync(_store, artifact, ModelReference.Parse(Registry + "/models/target:1.0"), client);

        Assert.Equal(artifact.Manifest.Layers.Count + 1, result.BlobsMounted);
        Assert.Equal(new[] { "repository:models/target:pull,push repository:models/source:pull" }, ScopesAskedSince(before));
        Assert.Equal(1, client.TokenRequests);
    }

    [Fact]
    public async Task A_token_obtained_for_a_pull_is_not_reused_for_the_push_which_asks_again_with_push_scope()
    {
        var artifact = await PackAsync("models/tokened:2.0", "pull first");
        using var client = Alice();
        var before = _fixture.Tokens.Received.Count;
        await client.Repository(Registry, "models/tokened").HeadManifestAsync("v1");

        var result = await ModelPublisher.PublishAsync(_store, artifact, null, client);

        Assert.True(result.ManifestPushed);
        Assert.Equal(new[] { "repository:models/tokened:pull", "repository:models/tokened:pull,push" }, ScopesAskedSince(before));
    }

    [Fact]
    public async Task Without_credentials_a_push_gets_only_a_pull_token_and_fails_with_RegistryAuthenticationFailed()
    {
        var artifact = await PackAsync("public/open:2.0", "anonymous");
        using var anonymous = _setup.Client();
        await anonymous.Repository(Registry, "public/open").HeadManifestAsync("v1");
        var before = _fixture.Tokens.Received.Count;

        var error = await Assert.ThrowsAsync<RegistryException>(() => ModelPublisher.PublishAsync(_store, artifact, null, anonymous));

        Assert.Equal(ErrorIds.RegistryAuthenticationFailed, error.ErrorId);
        Assert.Equal(ErrorKind.AuthenticationError, error.Kind);
        var asked = ScopesAskedSince(before);
        Assert.NotEmpty(asked);
        Assert.All(asked, scope => Assert.Equal("repository:public/open:pull,push", scope));
        Assert.All(_fixture.Tokens.Received.Skip(before), r => Assert.Null(r.Header("Authorization")));
        using var alice = Alice();
        var missing = await Assert.ThrowsAsync<RegistryException>(() => alice.Repository(Registry, "public/open").HeadManifestAsync("2.0"));
        Assert.Equal(ErrorIds.ModelArtifactNotFound, missing.ErrorId);
        foreach (var layer in artifact.Manifest.Layers.Where(l => l.Filepath == "seed.txt"))
        {
            Assert.Null(await alice.Repository(Registry, "public/open").HeadBlobAsync(layer.Digest));
        }
    }
}
