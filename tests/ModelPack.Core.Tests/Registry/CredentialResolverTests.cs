using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text;
using System.Threading;
using System.Threading.Tasks;
using ModelPack.Core.Errors;
using ModelPack.Core.Registry;
using ModelPack.Core.Tests.Support;

namespace ModelPack.Core.Tests.Registry;

/// <summary>Where credentials come from, with auth files in a temp home (never the real one).</summary>
public sealed class CredentialResolverTests : IDisposable
{
    private readonly TempDirectory _home = new("modelpack-home");
    private readonly Dictionary<string, string> _variables = new();
    private readonly List<string> _log = new();

    public void Dispose() => _home.Dispose();

    private static string Auth(string user, string password) => Convert.ToBase64String(Encoding.UTF8.GetBytes(user + ":" + password));

    private Task<RegistryCredential?> ResolveAsync(string registry, string? repository, IDictionary<string, RegistryCredential>? explicitCredentials = null)
    {
        var resolver = new CredentialResolver(
            explicitCredentials ?? new Dictionary<string, RegistryCredential>(),
            new RegistryEnvironment(_variables, _home.Path),
            useFiles: true,
            new SecretRedactor(_log.Add));
        return resolver.ResolveAsync(RegistryAddress.Parse(registry), repository, CancellationToken.None);
    }

    [Fact]
    public async Task An_explicit_credential_wins_over_files()
    {
        _home.Write(".config/containers/auth.json", $$"""{ "auths": { "quay.io": { "auth": "{{Auth("file", "pw-file")}}" } } }""");

        var found = await ResolveAsync("quay.io", "ns/model", new Dictionary<string, RegistryCredential> { ["Quay.io"] = new("given", "pw-given") });

        Assert.Equal("given", found!.UserName);
    }

    [Fact]
    public async Task Podman_files_come_before_docker_config_and_XDG_RUNTIME_DIR_first()
    {
        _home.Write(".docker/config.json", $$"""{ "auths": { "quay.io": { "auth": "{{Auth("docker", "pw-docker")}}" } } }""");
        Assert.Equal("docker", (await ResolveAsync("quay.io", "a"))!.UserName);

        _home.Write(".config/containers/auth.json", $$"""{ "auths": { "quay.io": { "auth": "{{Auth("podman", "pw-podman")}}" } } }""");
        Assert.Equal("podman", (await ResolveAsync("quay.io", "a"))!.UserName);

        _home.Write("run/containers/auth.json", $$"""{ "auths": { "quay.io": { "auth": "{{Auth("runtime", "pw-runtime")}}" } } }""");
        _variables["XDG_RUNTIME_DIR"] = _home.File("run");
        var found = await ResolveAsync("quay.io", "a");
        Assert.Equal("runtime", found!.UserName);
        Assert.Equal("pw-runtime", found.Password);
    }

    [Fact]
    public async Task REGISTRY_AUTH_FILE_is_the_only_file_read_when_set()
    {
        _home.Write(".docker/config.json", $$"""{ "auths": { "quay.io": { "auth": "{{Auth("docker", "pw-docker")}}" } } }""");
        _variables["REGISTRY_AUTH_FILE"] = _home.Write("explicit.json", """{ "auths": { "other.example": { "auth": "eDp5" } } }""");

        Assert.Null(await ResolveAsync("quay.io", "a"));
    }

    [Fact]
    public async Task DOCKER_CONFIG_replaces_the_home_docker_directory()
    {
        _home.Write(".docker/config.json", $$"""{ "auths": { "quay.io": { "auth": "{{Auth("home", "pw-home")}}" } } }""");
        _home.Write("dc/config.json", $$"""{ "auths": { "quay.io": { "auth": "{{Auth("dockerconfig", "pw-dc")}}" } } }""");
        _variables["DOCKER_CONFIG"] = _home.File("dc");

        Assert.Equal("dockerconfig", (await ResolveAsync("quay.io", "a"))!.UserName);
    }

    [Fact]
    public async Task The_most_specific_key_wins_and_namespaces_do_not_leak()
    {
        _home.Write(".config/containers/auth.json", $$"""
            { "auths": {
                "reg.example:5000": { "auth": "{{Auth("host", "pw-host")}}" },
                "reg.example:5000/team": { "auth": "{{Auth("team", "pw-team")}}" },
                "reg.example:5000/team/private/model": { "auth": "{{Auth("repo", "pw-repo")}}" },
                "reg.example:5000/teammate": { "auth": "{{Auth("mate", "pw-mate")}}" }
            } }
            """);

        Assert.Equal("repo", (await ResolveAsync("reg.example:5000", "team/private/model"))!.UserName);
        Assert.Equal("team", (await ResolveAsync("reg.example:5000", "team/public/model"))!.UserName);
        Assert.Equal("host", (await ResolveAsync("reg.example:5000", "teamx/model"))!.UserName);
        Assert.Null(await ResolveAsync("reg.example", "team/model"));
    }

    [Fact]
    public async Task Docker_Hub_legacy_keys_match_docker_io()
    {
        _home.Write(".docker/config.json", $$"""{ "auths": { "https://index.docker.io/v1/": { "auth": "{{Auth("hubuser", "pw-hub")}}" } } }""");

        var found = await ResolveAsync("docker.io", "library/model");

        Assert.Equal("hubuser", found!.UserName);
        Assert.Equal("pw-hub", found.Password);
    }

    [Fact]
    public async Task Identity_tokens_are_read_and_empty_or_broken_entries_skipped()
    {
        _home.Write(".config/containers/auth.json", """
            { "auths": {
                "empty.example": {},
                "broken.example": { "auth": "%%%not-base64-s3cr3t%%%" },
                "token.example": { "auth": "dXNlcjo=", "identitytoken": "refresh-xyz-123" }
            } }
            """);
        _home.Write(".docker/config.json", $$"""{ "auths": { "empty.example": { "auth": "{{Auth("fallback", "pw-fallback")}}" } } }""");

        Assert.Equal("fallback", (await ResolveAsync("empty.example", "a"))!.UserName);
        Assert.Null(await ResolveAsync("broken.example", "a"));
        Assert.Contains(_log, l => l.Contains("is not base64", StringComparison.Ordinal));
        Assert.DoesNotContain(_log, l => l.Contains("s3cr3t", StringComparison.Ordinal));
        var token = await ResolveAsync("token.example", "a");
        Assert.Equal("refresh-xyz-123", token!.IdentityToken);
        Assert.Equal("user", token.UserName);
        Assert.Null(token.Password);
    }

    [Fact]
    public async Task A_configured_helper_that_is_missing_is_an_authentication_error_but_a_missing_credsStore_is_not()
    {
        _variables["PATH"] = _home.File("empty-bin");
        _home.Write(".docker/config.json", """{ "credHelpers": { "helped.example": "nothere" }, "credsStore": "desktop" }""");

        var ex = await Assert.ThrowsAsync<ModelPackException>(() => ResolveAsync("helped.example", "a"));
        Assert.Equal(ErrorIds.RegistryAuthenticationFailed, ex.ErrorId);
        Assert.Contains("docker-credential-nothere", ex.Message);

        Assert.Null(await ResolveAsync("other.example", "a"));
        Assert.Contains(_log, l => l.Contains("credsStore 'desktop'", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_helper_answering_with_the_token_user_gives_an_identity_token()
    {
        var bin = _home.File("bin");
        _home.WriteExecutable("bin/docker-credential-tok", "#!/bin/sh\ncat >/dev/null\nprintf '{\"Username\":\"<token>\",\"Secret\":\"refresh-from-helper\"}'\n");
        _variables["PATH"] = bin + ":/usr/bin:/bin";
        _home.Write(".docker/config.json", """{ "credHelpers": { "docker.io": "tok" } }""");

        var found = await ResolveAsync("docker.io", "library/x");

        Assert.Equal("refresh-from-helper", found!.IdentityToken);
        Assert.DoesNotContain(_log, l => l.Contains("refresh-from-helper", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_failing_helper_reports_its_first_error_line_only()
    {
        var bin = _home.File("bin");
        _home.WriteExecutable("bin/docker-credential-boom", "#!/bin/sh\ncat >/dev/null\necho 'keychain locked' >&2\necho 'second line' >&2\nexit 3\n");
        _variables["PATH"] = bin + ":/usr/bin:/bin";
        _home.Write(".docker/config.json", """{ "credHelpers": { "boom.example": "boom" } }""");

        var ex = await Assert.ThrowsAsync<ModelPackException>(() => ResolveAsync("boom.example", "x"));

        Assert.Equal(ErrorIds.RegistryAuthenticationFailed, ex.ErrorId);
        Assert.Contains("exit code 3", ex.Message);
        Assert.Contains("keychain locked", ex.Message);
        Assert.DoesNotContain("second line", ex.Message);
    }

    [Theory]
    [InlineData("https://index.docker.io/v1/", "docker.io")]
    [InlineData("registry-1.docker.io", "docker.io")]
    [InlineData("HTTP://Reg.Example:5000/v2/", "reg.example:5000")]
    [InlineData("reg.example/team/", "reg.example/team")]
    public void Auth_file_keys_are_normalised(string key, string normalised)
    {
        Assert.Equal(normalised, AuthFile.NormaliseKey(key));
    }
}
