using System.Linq;
using ModelPack.Core.Errors;
using ModelPack.Core.References;
using ModelPack.Core.Registry;

namespace ModelPack.Core.Tests.Registry;

/// <summary>Which [[registry]] table applies to a name and where it sends a pull (containers-registries.conf(5)).</summary>
public class PullSourcesTests
{
    private const string Sha = "sha256:7cc4b5aefd1d0cadf8d97d4350462ba51c694ebca145b08d7d41b41acc8db5aa";

    private const string Conf = """
        [[registry]]
        prefix = "example.com/foo"
        location = "internal.example.net/bar"

        [[registry.mirror]]
        location = "mirror-0.local/mirror-for-foo"

        [[registry.mirror]]
        location = "mirror-1.local/mirrors/foo"
        insecure = true

        [[registry]]
        prefix = "example.com"
        location = "whole.example.net"

        [[registry]]
        location = "plain.example.org"

        [[registry.mirror]]
        location = "tags.local"
        pull-from-mirror = "tag-only"

        [[registry.mirror]]
        location = "digests.local"
        pull-from-mirror = "digest-only"

        [[registry]]
        prefix = "pinned.example.org"
        mirror-by-digest-only = true

        [[registry.mirror]]
        location = "pinned-mirror.local"

        [[registry]]
        prefix = "*.wild.example"

        [[registry.mirror]]
        location = "wild-mirror.local/cache"

        [[registry]]
        prefix = "blocked.example/private"
        blocked = true
        """;

    private static readonly RegistriesConf Parsed = RegistriesConf.Parse(Conf, "/etc/containers/registries.conf");

    [Theory]
    // The man page's example: mirrors in order, then the location; the name is rewritten after the prefix.
    [InlineData("example.com/foo/image:latest", "internal.example.net/bar/image", "mirror-0.local/mirror-for-foo/image,mirror-1.local/mirrors/foo/image")]
    // The longest prefix wins; a shorter one still applies to other names.
    [InlineData("example.com/other/image:1", "whole.example.net/other/image", "")]
    // "example.com/foobar" is not under "example.com/foo": a prefix ends at '/', ':' or '@'.
    [InlineData("example.com/foobar/x:1", "whole.example.net/foobar/x", "")]
    // Tag pulls use all and tag-only mirrors; digest pulls all and digest-only ones.
    [InlineData("plain.example.org/m:1", "plain.example.org/m", "tags.local/m")]
    [InlineData("plain.example.org/m@" + Sha, "plain.example.org/m", "digests.local/m")]
    // mirror-by-digest-only: the mirrors serve pulls by digest only.
    [InlineData("pinned.example.org/m:1", "pinned.example.org/m", "")]
    [InlineData("pinned.example.org/m:1@" + Sha, "pinned.example.org/m", "pinned-mirror.local/m")]
    // A wildcard table without a location keeps the name; its mirror takes the place of the host.
    [InlineData("a.b.wild.example/org/m:1", "a.b.wild.example/org/m", "wild-mirror.local/cache/org/m")]
    [InlineData("wild.example/org/m:1", "wild.example/org/m", "")]
    // No table: the reference itself.
    [InlineData("ghcr.io/org/m:1", "ghcr.io/org/m", "")]
    public void The_longest_matching_prefix_decides_the_location_and_the_mirrors(string reference, string location, string mirrors)
    {
        var sources = PullSources.For(ModelReference.Parse(reference), Parsed);

        Assert.Equal(location, sources.Location.ToString());
        Assert.Equal(mirrors, string.Join(",", sources.Mirrors.Select(m => m.ToString())));
    }

    [Fact]
    public void A_blocked_prefix_refuses_the_pull_naming_the_reference_and_the_file()
    {
        var ex = Assert.Throws<ModelPackException>(() => PullSources.For(ModelReference.Parse("blocked.example/private/m:1"), Parsed));

        Assert.Equal(ErrorIds.RegistryBlocked, ex.ErrorId);
        Assert.Equal(ErrorKind.PermissionDenied, ex.Kind);
        Assert.Equal("blocked.example/private/m:1", ex.Target);
        Assert.Contains("/etc/containers/registries.conf", ex.Message);
        Assert.Contains("'blocked.example/private'", ex.Message);

        // Other names of that registry are not blocked.
        Assert.Equal("blocked.example/public/m", PullSources.For(ModelReference.Parse("blocked.example/public/m:1"), Parsed).Location.ToString());
    }

    [Fact]
    public void Docker_Hub_names_match_with_their_library_namespace()
    {
        var conf = RegistriesConf.Parse("[[registry]]\nprefix = \"docker.io/library/busybox\"\nlocation = \"hub-cache.local/busybox\"");

        Assert.Equal("hub-cache.local/busybox", PullSources.For(ModelReference.Parse("busybox"), conf).Location.ToString());
        Assert.Equal("docker.io/library/alpine", PullSources.For(ModelReference.Parse("alpine"), conf).Location.ToString());
    }

    [Fact]
    public void A_location_that_makes_no_valid_name_is_an_invalid_configuration()
    {
        var conf = RegistriesConf.Parse("[[registry]]\nprefix = \"example.com/foo\"\nlocation = \"bad host/Upper\"", "/x/registries.conf");

        var ex = Assert.Throws<ModelPackException>(() => PullSources.For(ModelReference.Parse("example.com/foo/m:1"), conf));

        Assert.Equal(ErrorIds.InvalidConfiguration, ex.ErrorId);
        Assert.Equal("/x/registries.conf", ex.Target);
        Assert.Contains("'bad host/Upper/m'", ex.Message);
    }

    [Fact]
    public void An_insecure_mirror_makes_its_host_insecure()
    {
        Assert.True(Parsed.IsInsecure("mirror-1.local"));
        Assert.Equal("/etc/containers/registries.conf", Parsed.SourceOf("mirror-1.local"));
        Assert.False(Parsed.IsInsecure("mirror-0.local"));
    }

    [Theory]
    [InlineData("example.com/foo/x", "example.com/foo", 15)]
    [InlineData("example.com/foo", "example.com/foo", 15)]
    [InlineData("example.com/foox", "example.com/foo", -1)]
    [InlineData("example.com:5000/x", "example.com", 11)]
    [InlineData("a.example.com:5000/x", "*.example.com", 13)]
    [InlineData("example.com/x", "*.example.com", -1)]
    [InlineData("badexample.com/x", "*.example.com", -1)]
    public void Prefixes_match_at_a_separator(string name, string prefix, int matched) =>
        Assert.Equal(matched, RegistryPrefix.Match(name, prefix));
}
