using System;
using System.Collections.Generic;
using ModelPack.Core.Registry;
using ModelPack.Core.Tests.Support;

namespace ModelPack.Core.Tests.Registry;

public class RegistriesConfTests
{
    private const string Sample = """"
        # containers-registries.conf(5), v2 format
        unqualified-search-registries = [
            "registry.fedoraproject.org",  # trailing comment
            'docker.io',
        ]
        short-name-mode = "enforcing"
        max-retries = 3

        [aliases]
        "fedora" = "registry.fedoraproject.org/fedora"

        [[registry]]
        location = "registry.internal:5000"
        insecure = true

        [[registry.mirror]]
        location = "mirror.example"
        insecure = true

        [[registry]]
        prefix = "*.corp.example"
        location = "ignored.example"
        insecure = true

        [[registry]]
        location = "build.corp.example"
        insecure = false

        [[registry]]
        location = "quay.io/namespace"
        insecure = true

        [[registry]]
        location = "secure.example"
        blocked = false
        tls = { verify = true, "ca" = '/x' }
        note = """
        multi "line" \
           text"""
        """";

    [Theory]
    [InlineData("registry.internal:5000", true)]
    [InlineData("registry.internal", false)]
    [InlineData("mirror.example", false)]
    [InlineData("a.corp.example", true)]
    [InlineData("deep.a.corp.example", true)]
    [InlineData("corp.example", false)]
    [InlineData("build.corp.example", false)]
    [InlineData("quay.io", false)]
    [InlineData("secure.example", false)]
    public void Reads_insecure_per_registry(string registry, bool insecure)
    {
        Assert.Equal(insecure, RegistriesConf.Parse(Sample).IsInsecure(registry));
    }

    [Fact]
    public void Reads_the_v1_insecure_list()
    {
        var conf = RegistriesConf.Parse("[registries.search]\nregistries = ['docker.io']\n[registries.insecure]\nregistries = ['old.example:5000', \"other.example\"]\n");

        Assert.True(conf.IsInsecure("old.example:5000"));
        Assert.True(conf.IsInsecure("other.example"));
        Assert.False(conf.IsInsecure("docker.io"));
    }

    [Theory]
    [InlineData("[[registry]\nlocation = \"x\"")]
    [InlineData("location = \"unterminated")]
    [InlineData("key = [\"a\" \"b\"]")]
    [InlineData("key = \"bad escape \\q\"")]
    [InlineData("key = \"a\" trailing")]
    public void Malformed_TOML_is_a_FormatException(string text)
    {
        Assert.Throws<FormatException>(() => TomlSubsetReader.Parse(text));
    }

    [Fact]
    public void Load_prefers_CONTAINERS_REGISTRIES_CONF_then_the_user_file_then_the_system_file()
    {
        using var dir = new TempDirectory();
        var system = dir.File("etc");
        dir.Write("etc/registries.conf", "[[registry]]\nlocation = \"system.example\"\ninsecure = true\n");
        var log = new List<string>();

        var fromSystem = RegistriesConf.Load(new RegistryEnvironment(new Dictionary<string, string>(), dir.File("home"), system), log.Add);
        Assert.True(fromSystem.IsInsecure("system.example"));

        dir.Write("home/.config/containers/registries.conf", "[[registry]]\nlocation = \"user.example\"\ninsecure = true\n");
        var fromUser = RegistriesConf.Load(new RegistryEnvironment(new Dictionary<string, string>(), dir.File("home"), system), log.Add);
        Assert.True(fromUser.IsInsecure("user.example"));
        Assert.False(fromUser.IsInsecure("system.example"));

        var explicitFile = dir.Write("explicit.conf", "[[registry]]\nlocation = \"explicit.example\"\ninsecure = true\n");
        var env = new Dictionary<string, string> { ["CONTAINERS_REGISTRIES_CONF"] = explicitFile };
        var fromExplicit = RegistriesConf.Load(new RegistryEnvironment(env, dir.File("home"), system), log.Add);
        Assert.True(fromExplicit.IsInsecure("explicit.example"));
        Assert.False(fromExplicit.IsInsecure("user.example"));
    }

    [Fact]
    public void A_malformed_file_is_ignored_and_logged()
    {
        using var dir = new TempDirectory();
        var path = dir.Write("bad.conf", "[[registry]]\nlocation = \"x.example\"\ninsecure = true\n[[broken\n");
        var log = new List<string>();

        var conf = RegistriesConf.Load(new RegistryEnvironment(new Dictionary<string, string> { ["CONTAINERS_REGISTRIES_CONF"] = path }, null), log.Add);

        Assert.False(conf.IsInsecure("x.example"));
        Assert.Contains(log, l => l.Contains("is not valid TOML", StringComparison.Ordinal) && l.Contains("line 4", StringComparison.Ordinal));
    }
}
