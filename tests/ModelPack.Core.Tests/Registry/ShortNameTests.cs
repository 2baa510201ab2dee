using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using ModelPack.Core.Errors;
using ModelPack.Core.References;
using ModelPack.Core.Registry;
using ModelPack.Core.Tests.Support;

namespace ModelPack.Core.Tests.Registry;

/// <summary>
/// Short names resolved as podman resolves them, with registries.conf written by each test (CONTAINERS_REGISTRIES_CONF)
/// and, for the search, real registries: one without the model, one with it, one behind htpasswd.
/// </summary>
public sealed class ShortNameTests : IClassFixture<PlainRegistryFixture>, IDisposable
{
    private readonly PlainRegistryFixture _fixture;
    private readonly TempDirectory _dir = new("modelpack-shortnames");
    private readonly TestClientSetup _setup;

    public ShortNameTests(PlainRegistryFixture fixture)
    {
        _fixture = fixture;
        _setup = new TestClientSetup(_dir.File("home"));
    }

    private string Registry => _fixture.Registry.HostPort;

    public void Dispose() => _dir.Dispose();

    [Fact]
    public void An_alias_is_the_one_candidate_and_keeps_the_tag_written_with_the_short_name()
    {
        var conf = UseConf($"unqualified-search-registries = [\"a.example\", \"b.example\"]\nshort-name-mode = \"enforcing\"\n[aliases]\n\"tiny\" = \"{Registry}/models/tiny\"\n\"org/big\" = \"quay.example/org/big\"\n");

        var tiny = Resolver().Resolve(ModelReference.Parse("tiny:v2"));
        var big = Resolver().Resolve(ModelReference.Parse("org/big@sha256:7cc4b5aefd1d0cadf8d97d4350462ba51c694ebca145b08d7d41b41acc8db5aa"));

        Assert.Equal(ShortNameSource.Alias, tiny.Source);
        Assert.Equal(Registry + "/models/tiny:v2", Assert.Single(tiny.Candidates).ToString());
        Assert.False(tiny.NeedsChoice);
        Assert.Equal(conf, tiny.Origin);
        Assert.Contains($"the alias in '{conf}' makes it '{Registry}/models/tiny:v2'", tiny.Describe());
        Assert.Equal("quay.example/org/big@sha256:7cc4b5aefd1d0cadf8d97d4350462ba51c694ebca145b08d7d41b41acc8db5aa", Assert.Single(big.Candidates).ToString());
    }

    [Fact]
    public void The_alias_cache_wins_over_registries_conf_and_a_recorded_choice_goes_there()
    {
        UseConf("unqualified-search-registries = [\"a.example\", \"b.example\"]\n[aliases]\n\"tiny\" = \"conf.example/tiny\"\n\"other\" = \"conf.example/other\"\n");
        var cache = _dir.Write("home/.cache/containers/short-name-aliases.conf", "[aliases]\n\"tiny\" = \"cache.example/tiny\"\n");

        var tiny = Resolver().Resolve(ModelReference.Parse("tiny"));
        Assert.Equal(ShortNameSource.AliasCache, tiny.Source);
        Assert.Equal("cache.example/tiny:latest", tiny.Candidates[0].ToString());
        Assert.Equal(cache, tiny.Origin);

        var resolver = Resolver();
        var fresh = ModelReference.Parse("fresh:1");
        Assert.Equal(ShortNameSource.SearchRegistries, resolver.Resolve(fresh).Source);
        Assert.Equal(cache, resolver.Record(fresh, ModelReference.Parse("b.example/fresh:1")));

        var again = Resolver().Resolve(fresh);
        Assert.Equal(ShortNameSource.AliasCache, again.Source);
        Assert.Equal("b.example/fresh:1", again.Candidates[0].ToString());
        Assert.Equal("cache.example/tiny:latest", Resolver().Resolve(ModelReference.Parse("tiny")).Candidates[0].ToString());
        Assert.Equal("conf.example/other:latest", Resolver().Resolve(ModelReference.Parse("other")).Candidates[0].ToString());
    }

    [Fact]
    public void XDG_CACHE_HOME_moves_the_alias_cache()
    {
        UseConf("unqualified-search-registries = [\"a.example\"]\n");
        _setup.Variables["XDG_CACHE_HOME"] = _dir.File("xdg-cache");
        _dir.Write("xdg-cache/containers/short-name-aliases.conf", "[aliases]\n\"tiny\" = \"xdg.example/tiny\"\n");

        Assert.Equal("xdg.example/tiny:latest", Resolver().Resolve(ModelReference.Parse("tiny")).Candidates[0].ToString());
    }

    [Theory]
    [InlineData("enforcing", true)]
    [InlineData("permissive", false)]
    [InlineData("disabled", false)]
    [InlineData(null, false)]
    public void Search_registries_give_one_candidate_each_and_only_enforcing_asks(string? mode, bool asks)
    {
        UseConf("unqualified-search-registries = [\"a.example\", \"docker.io\", \"b.example:5000\"]\n" + (mode is null ? string.Empty : $"short-name-mode = \"{mode}\"\n"));

        var resolution = Resolver().Resolve(ModelReference.Parse("tiny:1"));

        Assert.Equal(ShortNameSource.SearchRegistries, resolution.Source);
        Assert.Equal(new[] { "a.example/tiny:1", "docker.io/library/tiny:1", "b.example:5000/tiny:1" }, resolution.Candidates.Select(c => c.ToString()));
        Assert.Equal(mode ?? "permissive", resolution.Mode);
        Assert.Equal(asks, resolution.NeedsChoice);
    }

    [Fact]
    public void One_search_registry_is_no_ambiguity_even_when_enforcing()
    {
        UseConf("unqualified-search-registries = [\"only.example\"]\nshort-name-mode = \"enforcing\"\n");

        var resolution = Resolver().Resolve(ModelReference.Parse("org/tiny"));

        Assert.False(resolution.NeedsChoice);
        Assert.Equal("only.example/org/tiny:latest", Assert.Single(resolution.Candidates).ToString());
    }

    [Fact]
    public void Without_a_search_list_a_short_name_keeps_Docker_Hub_and_with_an_empty_one_it_fails()
    {
        UseConf("[aliases]\n\"x\" = \"a.example/x\"\n");
        var hub = Resolver().Resolve(ModelReference.Parse("tiny"));
        Assert.Equal(ShortNameSource.DockerHub, hub.Source);
        Assert.Equal("docker.io/library/tiny:latest", Assert.Single(hub.Candidates).ToString());

        var conf = UseConf("unqualified-search-registries = []\n");
        var ex = Assert.Throws<ModelPackException>(() => Resolver().Resolve(ModelReference.Parse("tiny")));
        Assert.Equal(ErrorIds.ShortNameNotFound, ex.ErrorId);
        Assert.Equal(ErrorKind.ObjectNotFound, ex.Kind);
        Assert.Equal("tiny", ex.Target);
        Assert.Contains(conf, ex.Message);
    }

    [Theory]
    [InlineData("\"tiny\" = \"tiny-elsewhere\"")]
    [InlineData("\"tiny\" = \"a.example/tiny:v1\"")]
    [InlineData("\"tiny\" = \"a.example/Tiny\"")]
    public void An_alias_that_is_not_a_fully_qualified_name_is_an_invalid_configuration(string alias)
    {
        var conf = UseConf("[aliases]\n" + alias + "\n");

        var ex = Assert.Throws<ModelPackException>(() => Resolver().Resolve(ModelReference.Parse("tiny")));

        Assert.Equal(ErrorIds.InvalidConfiguration, ex.ErrorId);
        Assert.Equal(conf, ex.Target);
    }

    [Fact]
    public void A_fully_qualified_reference_is_its_own_candidate_without_reading_anything()
    {
        UseConf("this is not TOML");

        var resolution = Resolver().Resolve(ModelReference.Parse("docker://" + Registry + "/models/tiny:1"));

        Assert.Equal(ShortNameSource.Qualified, resolution.Source);
        Assert.Equal(Registry + "/models/tiny:1", Assert.Single(resolution.Candidates).ToString());
    }

    [Fact]
    public async Task Permissive_mode_takes_the_first_search_registry_that_has_the_manifest()
    {
        using var empty = RegistryProcess.Start();
        await PushAsync(Registry, "org/found");
        UseConf($"unqualified-search-registries = [\"{empty.HostPort}\", \"{Registry}\"]\n");
        using var client = _setup.Client();
        var log = new List<string>();
        var resolution = Resolver().Resolve(ModelReference.Parse("org/found:1"));

        var chosen = await ShortNameResolver.FirstAvailableAsync(resolution, _ => client, log.Add, CancellationToken.None);

        Assert.Equal(Registry + "/org/found:1", chosen.ToString());
        Assert.Contains(log, l => l.StartsWith($"Candidate '{empty.HostPort}/org/found:1' of short name 'org/found' is not available:", StringComparison.Ordinal));
        Assert.Contains($"Short name 'org/found' resolved to '{Registry}/org/found:1', the first candidate whose registry has it.", log);
    }

    [Fact]
    public async Task A_search_registry_behind_htpasswd_answers_with_the_credentials_of_its_host()
    {
        using var locked = RegistryProcess.Start(new RegistryProcessOptions { BasicUsers = new Dictionary<string, string> { ["reader"] = "reader-pass" } });
        var auth = Convert.ToBase64String(System.Text.Encoding.UTF8.GetBytes("reader:reader-pass"));
        _setup.Variables["REGISTRY_AUTH_FILE"] = _dir.Write("auth.json", $$"""{ "auths": { "{{locked.HostPort}}": { "auth": "{{auth}}" } } }""");
        using var client = _setup.Client();
        await TestArtifact.Create("locked").PushAsync(client, locked.HostPort, "locked", "1");
        UseConf($"unqualified-search-registries = [\"{locked.HostPort}\", \"{Registry}\"]\n");

        var chosen = await ShortNameResolver.FirstAvailableAsync(Resolver().Resolve(ModelReference.Parse("locked:1")), _ => client, null, CancellationToken.None);

        Assert.Equal(locked.HostPort + "/locked:1", chosen.ToString());
    }

    [Fact]
    public async Task No_search_registry_having_it_is_ShortNameNotFound_naming_each_candidate()
    {
        using var empty = RegistryProcess.Start();
        UseConf($"unqualified-search-registries = [\"{empty.HostPort}\", \"{Registry}\"]\n");
        using var client = _setup.Client();

        var ex = await Assert.ThrowsAsync<ModelPackException>(() =>
            ShortNameResolver.FirstAvailableAsync(Resolver().Resolve(ModelReference.Parse("nowhere:1")), _ => client, null, CancellationToken.None));

        Assert.Equal(ErrorIds.ShortNameNotFound, ex.ErrorId);
        Assert.Equal(ErrorKind.ObjectNotFound, ex.Kind);
        Assert.Equal("nowhere", ex.Target);
        Assert.Contains($"'{empty.HostPort}/nowhere:1'", ex.Message);
        Assert.Contains($"'{Registry}/nowhere:1'", ex.Message);
    }

    private ShortNameResolver Resolver() => new(_setup.Options().Environment);

    private string UseConf(string text)
    {
        var path = _dir.Write("registries.conf", text);
        _setup.Variables["CONTAINERS_REGISTRIES_CONF"] = path;
        return path;
    }

    private async Task PushAsync(string registry, string repository)
    {
        using var client = new TestClientSetup(_dir.File("pusher")).Client();
        await TestArtifact.Create(repository).PushAsync(client, registry, repository, "1");
    }
}
