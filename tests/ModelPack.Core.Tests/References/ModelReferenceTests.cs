using System.Collections.Generic;
using ModelPack.Core.Errors;
using ModelPack.Core.References;
using ModelPack.Core.Registry;

namespace ModelPack.Core.Tests.References;

public class ModelReferenceTests
{
    private const string Sha = "sha256:7cc4b5aefd1d0cadf8d97d4350462ba51c694ebca145b08d7d41b41acc8db5aa";

    [Theory]
    // input, registry, repository, tag, digest
    [InlineData("ubuntu", "docker.io", "library/ubuntu", "latest", null)]
    [InlineData("docker.io/library/ubuntu", "docker.io", "library/ubuntu", "latest", null)]
    [InlineData("docker.io/ubuntu:22.04", "docker.io", "library/ubuntu", "22.04", null)]
    [InlineData("index.docker.io/ubuntu", "docker.io", "library/ubuntu", "latest", null)]
    [InlineData("registry-1.docker.io/org/model:v1", "docker.io", "org/model", "v1", null)]
    [InlineData("org/model:v1", "docker.io", "org/model", "v1", null)]
    [InlineData("localhost/model", "localhost", "model", "latest", null)]
    [InlineData("localhost:5000/a/b/c:t", "localhost:5000", "a/b/c", "t", null)]
    [InlineData("LOCALHOST:5000/x", "localhost:5000", "x", "latest", null)]
    [InlineData("Registry.Example.COM:0443/x", "registry.example.com:443", "x", "latest", null)]
    [InlineData("127.0.0.1:5000/x", "127.0.0.1:5000", "x", "latest", null)]
    [InlineData("[::1]:5000/x", "[::1]:5000", "x", "latest", null)]
    [InlineData("[0:0:0:0:0:0:0:1]/x", "[::1]", "x", "latest", null)]
    [InlineData("[2001:DB8::1]:443/org/x:v2", "[2001:db8::1]:443", "org/x", "v2", null)]
    [InlineData("ghcr.io/org/model@" + Sha, "ghcr.io", "org/model", null, Sha)]
    [InlineData("ghcr.io/org/model:v1@" + Sha, "ghcr.io", "org/model", "v1", Sha)]
    [InlineData("reg.io/a.b_c__d-e---f/g0", "reg.io", "a.b_c__d-e---f/g0", "latest", null)]
    [InlineData("reg.io/x:_V1.0-RC_1", "reg.io", "x", "_V1.0-RC_1", null)]
    [InlineData("my-host/x", "docker.io", "my-host/x", "latest", null)]
    // Docker's grammar: without a '/', "host:5000" is a Docker Hub repository with a tag.
    [InlineData("localhost:5000", "docker.io", "library/localhost", "5000", null)]
    [InlineData("example.com", "docker.io", "library/example.com", "latest", null)]
    public void Parses_and_normalises(string input, string registry, string repository, string? tag, string? digest)
    {
        var reference = ModelReference.Parse(input);

        Assert.Equal(registry, reference.Registry);
        Assert.Equal(repository, reference.Repository);
        Assert.Equal(tag, reference.Tag);
        Assert.Equal(digest, reference.Digest);
        Assert.Equal(registry + "/" + repository, reference.Name);
        var expected = registry + "/" + repository + (tag is null ? "" : ":" + tag) + (digest is null ? "" : "@" + digest);
        Assert.Equal(expected, reference.ToString());
        Assert.Equal(reference, ModelReference.Parse(reference.ToString()));
    }

    [Theory]
    [InlineData("ubuntu", "ubuntu", "ubuntu:latest")]
    [InlineData("docker.io/library/ubuntu:22.04", "ubuntu", "ubuntu:22.04")]
    [InlineData("org/model", "org/model", "org/model:latest")]
    [InlineData("docker.io/library/nested/x", "library/nested/x", "library/nested/x:latest")]
    [InlineData("ghcr.io/org/model@" + Sha, "ghcr.io/org/model", "ghcr.io/org/model@" + Sha)]
    [InlineData("localhost:5000/ubuntu:v1", "localhost:5000/ubuntu", "localhost:5000/ubuntu:v1")]
    public void Familiar_form_drops_docker_io_and_library(string input, string familiarName, string familiarString)
    {
        var reference = ModelReference.Parse(input);

        Assert.Equal(familiarName, DockerHubNames.FamiliarName(reference.Registry, reference.Repository));
        Assert.Equal(familiarString, reference.ToFamiliarString());
        Assert.Equal(reference, ModelReference.Parse(familiarString));
    }

    [Theory]
    [InlineData("localhost/x", true)]
    [InlineData("localhost:5000/x", true)]
    [InlineData("127.0.0.1:5000/x", true)]
    [InlineData("127.10.20.30/x", true)]
    [InlineData("[::1]:5000/x", true)]
    [InlineData("[0:0::1]/x", true)]
    [InlineData("10.0.0.1:5000/x", false)]
    [InlineData("127.example.com/x", false)]
    [InlineData("localhost.example.com/x", false)]
    [InlineData("[2001:db8::1]/x", false)]
    [InlineData("ubuntu", false)]
    public void Loopback_registries_are_recognised(string input, bool loopback)
    {
        Assert.Equal(loopback, ModelReference.Parse(input).IsLoopback);
    }

    [Theory]
    [InlineData("ubuntu", "registry-1.docker.io")]
    [InlineData("index.docker.io/org/x", "registry-1.docker.io")]
    [InlineData("ghcr.io/org/x", "ghcr.io")]
    [InlineData("localhost:5000/x", "localhost:5000")]
    public void Api_host_maps_docker_hub_to_its_registry_host(string input, string apiHost)
    {
        // The registry client connects to the address of the reference's registry.
        Assert.Equal(apiHost, RegistryAddress.Parse(ModelReference.Parse(input).Registry).ApiAuthority);
    }

    [Theory]
    // input, a fragment the message must contain
    [InlineData("Ubuntu", "must be lowercase; use 'ubuntu'")]
    [InlineData("ghcr.io/Org/model:v1", "Repository 'Org/model' in 'ghcr.io/Org/model:v1' is invalid: repository names must be lowercase")]
    [InlineData("reg.io/repo:", "tag in 'reg.io/repo:' is empty")]
    [InlineData("reg.io/repo@", "digest in 'reg.io/repo@' is empty")]
    [InlineData("reg.io/", "no repository after the registry 'reg.io/'")]
    [InlineData("reg.io/repo/", "empty path component")]
    [InlineData("a//b", "empty path component")]
    [InlineData("/repo", "empty path component")]
    [InlineData(":v1", "has no repository name")]
    [InlineData("@" + Sha, "has no repository name")]
    [InlineData("reg.io:/repo", "the port after ':' is empty")]
    [InlineData("reg.io:99999/repo", "port '99999' is outside 1-65535")]
    [InlineData("reg.io:0/repo", "port '0' is outside 1-65535")]
    [InlineData("reg.io:80a/repo", "port '80a' is not a number")]
    [InlineData("::1/repo", "write IPv6 addresses in brackets")]
    [InlineData("[::1/repo", "no closing ']'")]
    [InlineData("[]:5000/repo", "no IPv6 address")]
    [InlineData("[zz::1]/repo", "only hex digits")]
    [InlineData("[fe80::1%eth0]:5000/repo", "only hex digits")]
    [InlineData("[1:2:3:4:5:6:7:8:9]/repo", "not a valid IPv6 address")]
    [InlineData("[::1]x/repo", "not a ':port'")]
    [InlineData("reg..io/repo", "empty label")]
    [InlineData("-reg.io/repo", "must not start or end with '-'")]
    [InlineData("reg_io.com/repo", "contains '_'")]
    [InlineData("repo:bad!", "Tag 'bad!' in 'repo:bad!' is invalid: '!' is not allowed")]
    [InlineData("repo:.hidden", "must start with a letter, digit or '_'")]
    [InlineData("repo:-x", "must start with a letter, digit or '_'")]
    [InlineData("a-_b", "mixes separators")]
    [InlineData("a._b", "mixes separators")]
    [InlineData("a___b", "mixes separators")]
    [InlineData("-a", "must start and end with a lowercase letter or digit")]
    [InlineData("org/a-", "path component 'a-' must start and end")]
    [InlineData("org/a.", "must start and end")]
    [InlineData("org/a b", "contains '\\u0020'")]
    [InlineData("org/a+b", "contains '+'")]
    [InlineData("repo@sha256:abc", "Digest 'sha256:abc' in 'repo@sha256:abc' is invalid")]
    [InlineData("repo@sha256:7CC4B5AEFD1D0CADF8D97D4350462BA51C694EBCA145B08D7D41B41ACC8DB5AA", "lowercase hex")]
    [InlineData("repo@notadigest", "not of the form algorithm:hex")]
    [InlineData("repo@" + Sha + "@" + Sha, "more than one '@'")]
    [InlineData(" ubuntu", "leading or trailing whitespace")]
    [InlineData("ubuntu\t", "leading or trailing whitespace")]
    [InlineData("7cc4b5aefd1d0cadf8d97d4350462ba51c694ebca145b08d7d41b41acc8db5aa", "bare 64-character hex id")]
    [InlineData("[::1]:5000", "names only a registry; add a repository, e.g. '[::1]:5000/model:v1'")]
    public void Rejects_invalid_references_naming_the_offending_part(string input, string fragment)
    {
        var ex = Assert.Throws<ModelPackException>(() => ModelReference.Parse(input));

        Assert.Equal(ErrorIds.InvalidReference, ex.ErrorId);
        Assert.Equal(ErrorKind.InvalidArgument, ex.Kind);
        Assert.Equal(input, ex.Target);
        Assert.Contains(fragment, ex.Message);

        Assert.False(ModelReference.TryParse(input, out var result, out var error));
        Assert.Null(result);
        Assert.Equal(ex.Message, error);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    public void Empty_input_is_rejected(string? input)
    {
        Assert.False(ModelReference.TryParse(input, out var result, out var error));
        Assert.Null(result);
        Assert.Contains("empty", error);
        var ex = Assert.Throws<ModelPackException>(() => ModelReference.Parse(input!));
        Assert.Equal(ErrorIds.InvalidReference, ex.ErrorId);
    }

    [Fact]
    public void Tag_length_limit_is_128()
    {
        var ok = new string('t', 128);
        Assert.Equal(ok, ModelReference.Parse("reg.io/x:" + ok).Tag);

        var ex = Assert.Throws<ModelPackException>(() => ModelReference.Parse("reg.io/x:" + ok + "t"));
        Assert.Contains("129 characters, at most 128", ex.Message);
    }

    [Fact]
    public void Repository_length_limit_is_255_after_normalisation()
    {
        var longest = new string('a', 100) + "/" + new string('b', 154);
        Assert.Equal(255, longest.Length);
        Assert.Equal(longest, ModelReference.Parse("reg.io/" + longest).Repository);

        var tooLong = Assert.Throws<ModelPackException>(() => ModelReference.Parse("reg.io/" + longest + "b"));
        Assert.Contains("256 characters, at most 255", tooLong.Message);

        // 250 characters alone, but 258 once docker.io adds "library/".
        var official = Assert.Throws<ModelPackException>(() => ModelReference.Parse(new string('c', 250)));
        Assert.Contains("258 characters", official.Message);
    }

    [Fact]
    public void Equality_is_by_canonical_form()
    {
        var a = ModelReference.Parse("ubuntu");
        var b = ModelReference.Parse("docker.io/library/ubuntu:latest");
        var c = ModelReference.Parse("ubuntu:22.04");

        Assert.Equal(a, b);
        Assert.True(a == b);
        Assert.True(a != c);
        Assert.Equal(a.GetHashCode(), b.GetHashCode());
        Assert.Single(new HashSet<ModelReference> { a, b });
        Assert.False(a.Equals(null));
    }

    [Fact]
    public void TryParse_succeeds_with_an_empty_error()
    {
        Assert.True(ModelReference.TryParse("ghcr.io/org/m:v1", out var reference, out var error));
        Assert.Equal("ghcr.io/org/m:v1", reference!.ToString());
        Assert.Equal(string.Empty, error);
    }

    [Fact]
    public void WithTag_replaces_the_tag_and_keeps_the_digest()
    {
        Assert.Equal("reg.io/x:v2", ModelReference.Parse("reg.io/x:v1").WithTag("v2").ToString());
        Assert.Equal("reg.io/x:v2@" + Sha, ModelReference.Parse("reg.io/x@" + Sha).WithTag("v2").ToString());

        var ex = Assert.Throws<ModelPackException>(() => ModelReference.Parse("reg.io/x").WithTag("bad tag"));
        Assert.Equal(ErrorIds.InvalidReference, ex.ErrorId);
        Assert.Equal("bad tag", ex.Target);
        Assert.Contains("Tag 'bad tag' for 'reg.io/x' is invalid", ex.Message);
    }
}
