using System;
using System.IO;
using System.Linq;
using System.Net;
using System.Text;
using System.Threading.Tasks;
using ModelPack.Core.Errors;
using ModelPack.Core.Registry;
using ModelPack.Core.Tests.Support;

namespace ModelPack.Core.Tests.Registry;

/// <summary>
/// A real registry with token auth and the test token service: alice may pull and push everywhere
/// except secret/*, anonymous users may pull public/*.
/// </summary>
public sealed class TokenRegistryFixture : IAsyncLifetime
{
    public const string User = "alice";
    public const string Password = "t0ken-Pa55-alice";
    public const string IdentityToken = "refresh-6f1c0ffee-identity";

    public TokenRegistryFixture()
    {
        Tokens = new TokenServer();
        Tokens.Users[User] = Password;
        Tokens.RefreshTokens[IdentityToken] = User;
        Tokens.Grant = (user, repository) =>
            repository.StartsWith("secret/", StringComparison.Ordinal) ? Array.Empty<string>()
            : user == User ? new[] { "pull", "push" }
            : repository.StartsWith("public/", StringComparison.Ordinal) ? new[] { "pull" }
            : Array.Empty<string>();
        Registry = RegistryProcess.Start(new RegistryProcessOptions
        {
            TokenRealm = Tokens.Realm,
            TokenService = Tokens.Service,
            TokenIssuer = Tokens.Issuer,
            TokenRootCertificatesPem = Tokens.RootCertificatePem,
        });
        Home = new TempDirectory("modelpack-home");
    }

    public TokenServer Tokens { get; }

    public RegistryProcess Registry { get; }

    public TempDirectory Home { get; }

    public TestArtifact Model { get; } = TestArtifact.Create("token-model");

    public async Task InitializeAsync()
    {
        var setup = new TestClientSetup(Home.Path);
        using var client = setup.Client(o => o.Credentials[Registry.HostPort] = new RegistryCredential(User, Password));
        await Model.PushAsync(client, Registry.HostPort, "models/tokened", "v1");
        await Model.PushAsync(client, Registry.HostPort, "public/open", "v1");
    }

    public Task DisposeAsync()
    {
        Registry.Dispose();
        Tokens.Dispose();
        Home.Dispose();
        return Task.CompletedTask;
    }
}

/// <summary>Bearer token auth through the test token service, against a real registry.</summary>
public sealed class TokenAuthRegistryTests : IClassFixture<TokenRegistryFixture>, IDisposable
{
    private const string User = TokenRegistryFixture.User;
    private const string Password = TokenRegistryFixture.Password;
    private readonly TokenRegistryFixture _fixture;
    private readonly TempDirectory _home = new("modelpack-home");
    private readonly TestClientSetup _setup;

    public TokenAuthRegistryTests(TokenRegistryFixture fixture)
    {
        _fixture = fixture;
        _setup = new TestClientSetup(_home.Path);
    }

    private string Registry => _fixture.Registry.HostPort;

    private TestArtifact Model => _fixture.Model;

    public void Dispose() => _home.Dispose();

    [Fact]
    public async Task A_pull_uses_one_token_for_its_scope_obtained_with_Basic_credentials()
    {
        using var client = _setup.Client(o => o.Credentials[Registry] = new RegistryCredential(User, Password));
        var before = _fixture.Tokens.Received.Count;

        var resolved = await client.Repository(Registry, "models/tokened").ResolveManifestAsync("v1");
        foreach (var layer in resolved.Manifest.Layers)
        {
            await TestTransfer.DownloadAsync(client, Registry, "models/tokened", layer);
        }

        await client.Repository(Registry, "models/tokened").HeadManifestAsync("v1");

        Assert.Equal(1, client.TokenRequests);
        var request = Assert.Single(_fixture.Tokens.Received.Skip(before));
        Assert.Equal("repository:models/tokened:pull", request.QueryValue("scope"));
        Assert.Equal(_fixture.Tokens.Service, request.QueryValue("service"));
        Assert.StartsWith("Basic ", request.Header("Authorization"), StringComparison.Ordinal);
        Assert.DoesNotContain(Password, _setup.LogText);
    }

    [Fact]
    public async Task A_token_is_renewed_after_expires_in_and_not_before()
    {
        var now = DateTimeOffset.UtcNow;
        using var client = _setup.Client(o =>
        {
            o.Credentials[Registry] = new RegistryCredential(User, Password);
            o.Clock = () => now;
        });

        await client.Repository(Registry, "models/tokened").HeadManifestAsync("v1");
        now += TimeSpan.FromSeconds(200);
        await client.Repository(Registry, "models/tokened").HeadManifestAsync("v1");
        Assert.Equal(1, client.TokenRequests);

        now += TimeSpan.FromSeconds(101);
        await client.Repository(Registry, "models/tokened").HeadManifestAsync("v1");
        Assert.Equal(2, client.TokenRequests);
    }

    [Fact]
    public async Task Each_scope_gets_its_own_token()
    {
        using var client = _setup.Client(o => o.Credentials[Registry] = new RegistryCredential(User, Password));

        await client.Repository(Registry, "models/tokened").HeadManifestAsync("v1");
        await client.Repository(Registry, "public/open").HeadManifestAsync("v1");
        await client.Repository(Registry, "models/tokened").HeadManifestAsync("v1");

        Assert.Equal(2, client.TokenRequests);
    }

    [Fact]
    public async Task A_scope_the_token_service_does_not_grant_is_RegistryPermissionDenied()
    {
        using var client = _setup.Client(o => o.Credentials[Registry] = new RegistryCredential(User, Password));

        var ex = await Assert.ThrowsAsync<RegistryException>(() => client.Repository(Registry, "secret/weights").GetManifestAsync("v1"));

        Assert.Equal(ErrorIds.RegistryPermissionDenied, ex.ErrorId);
        Assert.Equal(ErrorKind.PermissionDenied, ex.Kind);
        Assert.Equal(HttpStatusCode.Unauthorized, ex.StatusCode);
        Assert.Contains("user 'alice'", ex.Message);
    }

    [Fact]
    public async Task Anonymous_tokens_pull_public_repositories_but_not_private_ones()
    {
        using var client = _setup.Client();

        var info = await client.Repository(Registry, "public/open").HeadManifestAsync("v1");
        Assert.Equal(Model.Manifest.Digest, info.Digest);
        Assert.Null(_fixture.Tokens.Received[^1].Header("Authorization"));

        var ex = await Assert.ThrowsAsync<RegistryException>(() => client.Repository(Registry, "models/tokened").GetManifestAsync("v1"));
        Assert.Equal(ErrorIds.RegistryAuthenticationFailed, ex.ErrorId);
        Assert.Contains("no credentials were found", ex.Message);
    }

    [Fact]
    public async Task A_wrong_password_is_refused_by_the_token_service_without_leaking_it()
    {
        const string wrong = "not-alices-password";
        using var client = _setup.Client(o => o.Credentials[Registry] = new RegistryCredential(User, wrong));

        var ex = await Assert.ThrowsAsync<RegistryException>(() => client.Repository(Registry, "models/tokened").GetManifestAsync("v1"));

        Assert.Equal(ErrorIds.RegistryAuthenticationFailed, ex.ErrorId);
        Assert.Equal(HttpStatusCode.Unauthorized, ex.StatusCode);
        Assert.Contains("token service", ex.Message);
        Assert.DoesNotContain(wrong, ex.ToString() + _setup.LogText);
        Assert.DoesNotContain(Convert.ToBase64String(Encoding.UTF8.GetBytes(User + ":" + wrong)), ex.ToString() + _setup.LogText);
    }

    [Fact]
    public async Task An_identity_token_from_auth_json_is_exchanged_with_a_POST()
    {
        var runtime = _home.File("run");
        _home.Write("run/containers/auth.json", $$"""{ "auths": { "{{Registry}}": { "identitytoken": "{{TokenRegistryFixture.IdentityToken}}" } } }""");
        _setup.Variables["XDG_RUNTIME_DIR"] = runtime;
        using var client = _setup.Client();
        var before = _fixture.Tokens.Received.Count;

        var fetched = await client.Repository(Registry, "models/tokened").GetManifestAsync("v1");

        Assert.Equal(Model.Manifest.Digest, fetched.Digest);
        var request = Assert.Single(_fixture.Tokens.Received.Skip(before));
        Assert.Equal("POST", request.Method);
        Assert.DoesNotContain(TokenRegistryFixture.IdentityToken, _setup.LogText);
    }

    [Fact]
    public async Task Tokens_in_access_token_and_without_expires_in_work()
    {
        _fixture.Tokens.UseAccessTokenField = true;
        _fixture.Tokens.ExpiresIn = null;
        try
        {
            var now = DateTimeOffset.UtcNow;
            using var client = _setup.Client(o =>
            {
                o.Credentials[Registry] = new RegistryCredential(User, Password);
                o.Clock = () => now;
            });

            await client.Repository(Registry, "models/tokened").HeadManifestAsync("v1");
            now += TimeSpan.FromSeconds(30);
            await client.Repository(Registry, "models/tokened").HeadManifestAsync("v1");
            Assert.Equal(1, client.TokenRequests);

            // Without expires_in a token lives 60 s.
            now += TimeSpan.FromSeconds(31);
            await client.Repository(Registry, "models/tokened").HeadManifestAsync("v1");
            Assert.Equal(2, client.TokenRequests);
        }
        finally
        {
            _fixture.Tokens.UseAccessTokenField = false;
            _fixture.Tokens.ExpiresIn = 300;
        }
    }
}
