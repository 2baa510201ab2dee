using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.IO;
using System.Linq;
using System.Text.Json;
using ModelPack.Core.Errors;
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

    // In the shape of the man page's example and of what pull-through caches (Harbor, Dragonfly) are set up with.
    private const string Mirrors = """
        unqualified-search-registries = ["example.com", "quay.io"]
        short-name-mode = "permissive"
        credential-helpers = ["containers-auth.json", "secretservice"]

        [[registry]]
        prefix = "example.com/foo"
        insecure = false
        blocked = false
        location = "internal-registry-for-example.com/bar/"

        [[registry.mirror]]
        location = "example-mirror-0.local/mirror-for-foo"

        [[registry.mirror]]
        location = "example-mirror-1.local/mirrors/foo"
        insecure = true
        pull-from-mirror = "digest-only"

        [[registry]]
        location = "docker.io"
        mirror-by-digest-only = true

        [[registry.mirror]]
        location = "harbor.corp.example/proxy-docker"

        [[registry]]
        prefix = "registry.untrusted.example"
        blocked = true

        [aliases]
        "tiny" = "example.com/foo/tiny"
        """;

    [Theory]
    [InlineData("registry.internal:5000", true)]
    [InlineData("registry.internal", false)]
    // A mirror marked insecure is reached as one (pulls go to it first).
    [InlineData("mirror.example", true)]
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
        var conf = RegistriesConf.Parse("[registries.search]\nregistries = ['docker.io']\n[registries.insecure]\nregistries = ['old.example:5000', \"other.example\"]\n[registries.block]\nregistries = ['bad.example']\n");

        Assert.True(conf.IsInsecure("old.example:5000"));
        Assert.True(conf.IsInsecure("other.example"));
        Assert.False(conf.IsInsecure("docker.io"));
        Assert.Equal(new[] { "docker.io" }, conf.UnqualifiedSearchRegistries);
        Assert.True(Assert.Single(conf.Registries, r => r.Prefix == "bad.example").Blocked);
    }

    [Fact]
    public void Reads_every_setting_the_format_has()
    {
        var conf = RegistriesConf.Parse(Mirrors, "/etc/containers/registries.conf");

        Assert.Equal(new[] { "example.com", "quay.io" }, conf.UnqualifiedSearchRegistries);
        Assert.Equal("permissive", conf.ShortNameMode);
        Assert.Equal(new[] { "containers-auth.json", "secretservice" }, conf.CredentialHelpers);
        Assert.Equal("example.com/foo/tiny", conf.Aliases["tiny"]);
        Assert.Equal(new[] { "example.com/foo", "docker.io", "registry.untrusted.example" }, conf.Registries.Select(r => r.Prefix));

        var foo = conf.Registries[0];
        Assert.Equal("internal-registry-for-example.com/bar", foo.Location);
        Assert.Equal("/etc/containers/registries.conf", foo.Source);
        Assert.Equal(new[] { "example-mirror-0.local/mirror-for-foo", "example-mirror-1.local/mirrors/foo" }, foo.Mirrors.Select(m => m.Location));
        Assert.Equal(new[] { false, true }, foo.Mirrors.Select(m => m.Insecure));
        Assert.Equal(new[] { null, "digest-only" }, foo.Mirrors.Select(m => m.PullFromMirror));

        var hub = conf.Registries[1];
        Assert.Equal("docker.io", hub.Location);
        Assert.True(hub.MirrorByDigestOnly);
        Assert.Equal("harbor.corp.example/proxy-docker", Assert.Single(hub.Mirrors).Location);

        var blocked = conf.Registries[2];
        Assert.True(blocked.Blocked);
        Assert.Null(blocked.Location);
    }

    [Theory]
    [InlineData("[[registry]\nlocation = \"x\"", 1)]
    [InlineData("location = \"unterminated", 1)]
    [InlineData("key = [\"a\" \"b\"]", 1)]
    [InlineData("key = \"bad escape \\q\"", 1)]
    [InlineData("key = \"a\" trailing", 1)]
    // What the hand-written reader accepted and TOML does not:
    [InlineData("[aliases]\n\"fedora\" = \"a.example/fedora\"\n\"fedora\" = \"b.example/fedora\"\n", 3)]
    [InlineData("short-name-mode = \"enforcing\"\n\nshort-name-mode = \"disabled\"\n", 3)]
    [InlineData("[aliases]\n\"a\" = \"x/a\"\n[aliases]\n\"b\" = \"x/b\"\n", 3)]
    [InlineData("[[registry]]\nlocation = \"x.example\"\nmax = 01\n", 3)]
    [InlineData("[[registry]]\nlocation = \"x.example\"\ninsecure = True\n", 3)]
    [InlineData("unqualified-search-registries = [\"a.example\",,]\n", 1)]
    // Right TOML, wrong type for the key:
    [InlineData("[[registry]]\nlocation = \"x.example\"\ninsecure = \"yes\"\n", 3)]
    [InlineData("unqualified-search-registries = \"docker.io\"\n", 1)]
    public void What_TOML_rejects_is_an_InvalidConfiguration_error_naming_the_file_and_line(string text, int line)
    {
        var error = Assert.Throws<ModelPackException>(() => RegistriesConf.Parse(text, "/etc/containers/registries.conf"));

        Assert.Equal(ErrorIds.InvalidConfiguration, error.ErrorId);
        Assert.Equal(ErrorKind.InvalidData, error.Kind);
        Assert.Equal("/etc/containers/registries.conf", error.Target);
        Assert.Contains("'/etc/containers/registries.conf', line " + line + ":", error.Message, StringComparison.Ordinal);
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
    public void Drop_ins_beside_the_system_file_then_the_users_are_merged_in_lexical_order()
    {
        using var dir = new TempDirectory();
        dir.Write("etc/registries.conf", "unqualified-search-registries = [\"main.example\"]\nshort-name-mode = \"enforcing\"\n[aliases]\n\"a\" = \"main.example/a\"\n\"b\" = \"main.example/b\"\n" +
            "[[registry]]\nlocation = \"kept.example\"\ninsecure = true\n[[registry]]\nlocation = \"replaced.example\"\ninsecure = true\n");
        // "10-" sorts before "9-" in ordinal order, as podman reads them.
        dir.Write("etc/registries.conf.d/9-last.conf", "unqualified-search-registries = []\n[aliases]\n\"a\" = \"nine.example/a\"\n");
        dir.Write("etc/registries.conf.d/10-first.conf", "unqualified-search-registries = [\"ten.example\"]\n[aliases]\n\"a\" = \"ten.example/a\"\n\"b\" = \"\"\n" +
            "[[registry]]\nlocation = \"replaced.example\"\nblocked = true\n[[registry]]\nlocation = \"added.example\"\ninsecure = true\n");
        dir.Write("etc/registries.conf.d/notes.txt", "this is [ not TOML");
        dir.Write("etc/registries.conf.d/sub.conf/inner.conf", "this is [ not TOML");
        dir.Write("home/.config/containers/registries.conf.d/user.conf", "short-name-mode = \"disabled\"\n[[registry]]\nlocation = \"user.example\"\ninsecure = true\n");
        var log = new List<string>();

        var conf = RegistriesConf.Load(new RegistryEnvironment(new Dictionary<string, string>(), dir.File("home"), dir.File("etc")), log.Add);

        Assert.Equal(
            new[] { dir.File("etc/registries.conf"), dir.File("etc/registries.conf.d/10-first.conf"), dir.File("etc/registries.conf.d/9-last.conf"), dir.File("home/.config/containers/registries.conf.d/user.conf") },
            conf.Sources);
        Assert.Empty(conf.UnqualifiedSearchRegistries!);
        Assert.Equal("disabled", conf.ShortNameMode);
        Assert.Equal(new Dictionary<string, string> { ["a"] = "nine.example/a" }, conf.Aliases);
        Assert.True(conf.IsInsecure("kept.example"));
        // A table of the same prefix replaces the earlier one whole, as podman 5.8 shows it (`podman info`).
        Assert.False(conf.IsInsecure("replaced.example"));
        Assert.True(Assert.Single(conf.Registries, r => r.Prefix == "replaced.example").Blocked);
        Assert.True(conf.IsInsecure("added.example"));
        Assert.True(conf.IsInsecure("user.example"));
        Assert.Equal(dir.File("home/.config/containers/registries.conf.d/user.conf"), conf.SourceOf("user.example"));
        Assert.Contains(log, l => l.Contains("10-first.conf", StringComparison.Ordinal));
    }

    [Fact]
    public void The_user_file_takes_only_the_users_drop_ins_and_CONTAINERS_REGISTRIES_CONF_none()
    {
        using var dir = new TempDirectory();
        dir.Write("etc/registries.conf.d/system.conf", "[[registry]]\nlocation = \"system-drop-in.example\"\ninsecure = true\n");
        var user = dir.Write("home/.config/containers/registries.conf", "[[registry]]\nlocation = \"user.example\"\ninsecure = true\n");
        dir.Write("home/.config/containers/registries.conf.d/user.conf", "[[registry]]\nlocation = \"user-drop-in.example\"\ninsecure = true\n");
        var named = dir.Write("named/registries.conf", "[[registry]]\nlocation = \"named.example\"\ninsecure = true\n");
        dir.Write("named/registries.conf.d/beside.conf", "[[registry]]\nlocation = \"beside.example\"\ninsecure = true\n");

        var fromUser = RegistriesConf.Load(new RegistryEnvironment(new Dictionary<string, string>(), dir.File("home"), dir.File("etc")), _ => { });
        var fromNamed = RegistriesConf.Load(new RegistryEnvironment(new Dictionary<string, string> { ["CONTAINERS_REGISTRIES_CONF"] = named }, dir.File("home"), dir.File("etc")), _ => { });

        Assert.Equal(new[] { user, dir.File("home/.config/containers/registries.conf.d/user.conf") }, fromUser.Sources);
        Assert.False(fromUser.IsInsecure("system-drop-in.example"));
        Assert.True(fromUser.IsInsecure("user-drop-in.example"));
        Assert.Equal(new[] { named }, fromNamed.Sources);
        Assert.False(fromNamed.IsInsecure("beside.example"));
        Assert.False(fromNamed.IsInsecure("user-drop-in.example"));
    }

    [Fact]
    public void Drop_ins_are_read_without_a_main_file()
    {
        using var dir = new TempDirectory();
        dir.Write("etc/registries.conf.d/only.conf", "[[registry]]\nlocation = \"drop-in.example\"\ninsecure = true\n");

        var conf = RegistriesConf.Load(new RegistryEnvironment(new Dictionary<string, string>(), dir.File("home"), dir.File("etc")), _ => { });

        Assert.True(conf.IsInsecure("drop-in.example"));
    }

    [Fact]
    public void A_malformed_drop_in_is_an_error_naming_it_and_its_line()
    {
        using var dir = new TempDirectory();
        dir.Write("etc/registries.conf", "[[registry]]\nlocation = \"x.example\"\ninsecure = true\n");
        var bad = dir.Write("etc/registries.conf.d/50-bad.conf", "[aliases]\n\"x\" = \"a.example/x\"\n\"x\" = \"b.example/x\"\n");

        var error = Assert.Throws<ModelPackException>(() => RegistriesConf.Load(new RegistryEnvironment(new Dictionary<string, string>(), dir.File("home"), dir.File("etc")), _ => { }));

        Assert.Equal(ErrorIds.InvalidConfiguration, error.ErrorId);
        Assert.Equal(bad, error.Target);
        Assert.Contains($"'{bad}', line 3:", error.Message, StringComparison.Ordinal);
        Assert.Contains("aliases.x", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Inline_mirror_arrays_read_and_Tomlyn_2_11_refuses_one_after_mirror_tables_of_an_earlier_registry()
    {
        var inline = RegistriesConf.Parse("[[registry]]\nlocation = \"a.example\"\nmirror = [{ location = \"m.example/a\", insecure = true }]\n" +
            "[[registry]]\nlocation = \"b.example\"\nmirror = [{ location = \"m.example/b\" }]\n");
        Assert.Equal(new[] { "m.example/a", "m.example/b" }, inline.Registries.SelectMany(r => r.Mirrors).Select(m => m.Location));

        // Valid TOML that Tomlyn's validator (2.11.1) takes for a key defined twice; see RegistriesConfReader.
        // When this stops throwing, Tomlyn is fixed: drop the note there and turn this into a positive case.
        var error = Assert.Throws<ModelPackException>(() => RegistriesConf.Parse(
            "[[registry]]\nlocation = \"a.example\"\n[[registry.mirror]]\nlocation = \"m.example/a\"\n[[registry]]\nlocation = \"b.example\"\nmirror = [{ location = \"m.example/b\" }]\n"));
        Assert.Contains("registry.[1].mirror", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_malformed_main_file_is_an_error_and_nothing_of_it_is_used()
    {
        // The hand-written reader logged this and went on as if no file existed; podman refuses it.
        using var dir = new TempDirectory();
        var path = dir.Write("bad.conf", "[[registry]]\nlocation = \"x.example\"\ninsecure = true\n[[broken\n");

        var error = Assert.Throws<ModelPackException>(() => RegistriesConf.Load(new RegistryEnvironment(new Dictionary<string, string> { ["CONTAINERS_REGISTRIES_CONF"] = path }, null), _ => { }));

        Assert.Equal(ErrorIds.InvalidConfiguration, error.ErrorId);
        Assert.Contains("line 4:", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Version_1_tables_in_a_drop_in_or_mixed_with_version_2_are_errors()
    {
        using var dir = new TempDirectory();
        dir.Write("etc/registries.conf.d/old.conf", "[registries.insecure]\nregistries = ['old.example']\n");

        var dropIn = Assert.Throws<ModelPackException>(() => RegistriesConf.Load(new RegistryEnvironment(new Dictionary<string, string>(), dir.File("home"), dir.File("etc")), _ => { }));
        var mixed = Assert.Throws<ModelPackException>(() => RegistriesConf.Parse("unqualified-search-registries = ['a.example']\n[registries.insecure]\nregistries = ['old.example']\n"));

        Assert.Contains("version 2", dropIn.Message, StringComparison.Ordinal);
        Assert.Contains("mixes", mixed.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void The_files_Debian_installs_read_without_error()
    {
        // /etc/containers/registries.conf (comments only) and registries.conf.d/shortnames.conf (containers-common).
        if (!File.Exists("/etc/containers/registries.conf.d/shortnames.conf"))
        {
            Assert.False(TestTools.InCi, "CI installs podman, whose containers-common ships /etc/containers/registries.conf.d/shortnames.conf");
            return;
        }

        using var home = new TempDirectory();
        var conf = RegistriesConf.Load(new RegistryEnvironment(new Dictionary<string, string>(), home.Path, "/etc/containers"), _ => { });

        Assert.Contains("/etc/containers/registries.conf.d/shortnames.conf", conf.Sources);
        Assert.Equal("registry.fedoraproject.org/fedora", conf.Aliases["fedora"]);
        Assert.True(conf.Aliases.Count > 50);
    }

    [ToolFact(TestTools.Podman58)]
    public void Merges_as_real_podman_does()
    {
        using var dir = new TempDirectory();
        var home = dir.File("home");
        dir.Write("home/.config/containers/registries.conf", "unqualified-search-registries = [\"main.example\"]\n" +
            "[[registry]]\nlocation = \"a.example\"\ninsecure = true\n[[registry]]\nprefix = \"b.example/ns\"\nlocation = \"c.example/other\"\n" +
            "[[registry.mirror]]\nlocation = \"mirror.example/b\"\ninsecure = true\n");
        dir.Write("home/.config/containers/registries.conf.d/20-b.conf", "[[registry]]\nlocation = \"a.example\"\nblocked = true\n");
        dir.Write("home/.config/containers/registries.conf.d/10-a.conf", "unqualified-search-registries = [\"drop-in.example\", \"second.example\"]\n[[registry]]\nlocation = \"d.example\"\nmirror-by-digest-only = true\n");
        var ours = RegistriesConf.Load(new RegistryEnvironment(new Dictionary<string, string>(), home, dir.File("no-etc")), _ => { });

        var psi = new ProcessStartInfo(TestTools.Require(TestTools.Podman58)) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var argument in new[] { "--root", dir.File("root"), "--runroot", dir.File("run"), "info", "--format", "{{json .Registries}}" })
        {
            psi.ArgumentList.Add(argument);
        }

        psi.Environment["HOME"] = home;
        psi.Environment["PODMAN_IGNORE_CGROUPSV1_WARNING"] = "1";
        psi.Environment.Remove("CONTAINERS_REGISTRIES_CONF");
        using var podman = Process.Start(psi)!;
        var stderr = podman.StandardError.ReadToEndAsync();
        var json = podman.StandardOutput.ReadToEnd();
        podman.WaitForExit();
        Assert.True(podman.ExitCode == 0, stderr.Result);
        using var theirs = JsonDocument.Parse(json);

        Assert.Equal(theirs.RootElement.GetProperty("search").EnumerateArray().Select(e => e.GetString()), ours.UnqualifiedSearchRegistries!);
        var prefixes = theirs.RootElement.EnumerateObject().Where(p => p.Name != "search").Select(p => p.Name).OrderBy(n => n, StringComparer.Ordinal);
        Assert.Equal(prefixes, ours.Registries.Select(r => r.Prefix).OrderBy(n => n, StringComparer.Ordinal));
        foreach (var entry in ours.Registries)
        {
            var registry = theirs.RootElement.GetProperty(entry.Prefix);
            Assert.Equal(registry.GetProperty("Location").GetString(), entry.Location);
            Assert.Equal(registry.GetProperty("Insecure").GetBoolean(), entry.Insecure);
            Assert.Equal(registry.GetProperty("Blocked").GetBoolean(), entry.Blocked);
            Assert.Equal(registry.GetProperty("MirrorByDigestOnly").GetBoolean(), entry.MirrorByDigestOnly);
            var mirrors = registry.GetProperty("Mirrors");
            Assert.Equal(
                mirrors.ValueKind == JsonValueKind.Array ? mirrors.EnumerateArray().Select(m => (m.GetProperty("Location").GetString(), m.GetProperty("Insecure").GetBoolean())).ToArray() : Array.Empty<(string?, bool)>(),
                entry.Mirrors.Select(m => ((string?)m.Location, m.Insecure)).ToArray());
        }
    }
}
