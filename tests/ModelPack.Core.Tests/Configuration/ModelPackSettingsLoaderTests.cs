using System;
using System.Collections.Generic;
using System.IO;
using System.Text;
using ModelPack.Core.Configuration;
using ModelPack.Core.Errors;
using ModelPack.Core.Store;
using ModelPack.Core.Strategies;
using ModelPack.Core.Tests.Support;

namespace ModelPack.Core.Tests.Configuration;

public sealed class ModelPackSettingsLoaderTests : IDisposable
{
    private readonly TempDirectory dir = new();

    [Fact]
    public void Nothing_set_gives_empty_settings()
    {
        var settings = Load(new());

        Assert.Null(settings.Strategy);
        Assert.Equal(SettingSource.Default, settings.StrategySource);
        Assert.Null(settings.Engine);
        Assert.Null(settings.Store);
        Assert.Empty(settings.InsecureRegistries);
        Assert.Null(settings.MaxRetry);
        Assert.Null(settings.Concurrency);
        Assert.Null(settings.ConnectionsPerBlob);
        Assert.Null(settings.RangedPartSize);
        Assert.Null(settings.Durability);
        Assert.Null(settings.ConfigFilePath);
        Assert.Empty(settings.Warnings);
    }

    [Fact]
    public void Insecure_registries_are_keyed_as_references_name_their_registries()
    {
        var config = Config("""{ "insecureRegistries": ["[0:0::1]:05000", "Index.Docker.IO", "lab:0443"] }""");

        var settings = Load(new() { ["MODELPACK_CONFIG"] = config });

        Assert.Equal(new[] { "[::1]:5000", "docker.io", "lab:443" }, settings.InsecureRegistries);
        Assert.Equal(ModelPack.Core.References.ModelReference.Parse("[0:0::1]:05000/x").Registry, settings.InsecureRegistries[0]);
    }

    [Fact]
    public void The_config_file_sets_every_key()
    {
        var config = Config("""
            {
              "strategy": "podman-image",
              "engine": "/opt/podman/bin/podman",
              "store": "/srv/models",
              "insecureRegistries": ["LocalHost:5000", "[::1]:5000", "registry.lan"],
              "maxRetry": 7,
              "concurrency": 2,
              "connectionsPerBlob": 6,
              "rangedPartSizeMiB": 16,
              "durability": "Immediate"
            }
            """);

        var settings = Load(new() { ["MODELPACK_CONFIG"] = config });

        Assert.Equal(StrategyName.PodmanImage, settings.Strategy);
        Assert.Equal(SettingSource.ConfigFile, settings.StrategySource);
        Assert.Equal("/opt/podman/bin/podman", settings.Engine);
        Assert.Equal(SettingSource.ConfigFile, settings.EngineSource);
        Assert.Equal("/srv/models", settings.Store);
        Assert.Equal(SettingSource.ConfigFile, settings.StoreSource);
        Assert.Equal(new[] { "localhost:5000", "[::1]:5000", "registry.lan" }, settings.InsecureRegistries);
        Assert.Equal(7, settings.MaxRetry);
        Assert.Equal(2, settings.Concurrency);
        Assert.Equal(6, settings.ConnectionsPerBlob);
        Assert.Equal(16L * 1024 * 1024, settings.RangedPartSize);
        Assert.Equal(StoreDurability.Immediate, settings.Durability);
        Assert.Equal(config, settings.ConfigFilePath);
        Assert.Empty(settings.Warnings);
    }

    [Fact]
    public void Environment_variables_beat_the_config_file()
    {
        var config = Config("""{"strategy": "podman-image", "engine": "docker", "store": "/from/file", "maxRetry": 3}""");

        var settings = Load(new()
        {
            ["MODELPACK_CONFIG"] = config,
            ["MODELPACK_STRATEGY"] = "http-bind",
            ["MODELPACK_ENGINE"] = "none",
            ["MODELPACK_STORE"] = "/from/env",
        });

        Assert.Equal((StrategyName.HttpBind, SettingSource.EnvironmentVariable), (settings.Strategy, settings.StrategySource));
        Assert.Equal(("none", SettingSource.EnvironmentVariable), (settings.Engine, settings.EngineSource));
        Assert.Equal(("/from/env", SettingSource.EnvironmentVariable), (settings.Store, settings.StoreSource));
        Assert.Equal(3, settings.MaxRetry);
    }

    [Fact]
    public void An_empty_environment_variable_counts_as_unset()
    {
        var config = Config("""{"strategy": "PodmanArtifact"}""");

        var settings = Load(new() { ["MODELPACK_CONFIG"] = config, ["MODELPACK_STRATEGY"] = "" });

        Assert.Equal((StrategyName.PodmanArtifact, SettingSource.ConfigFile), (settings.Strategy, settings.StrategySource));
    }

    [Theory]
    [InlineData("auto", StrategyName.Auto)]
    [InlineData("Auto", StrategyName.Auto)]
    [InlineData("podman-artifact", StrategyName.PodmanArtifact)]
    [InlineData("PODMAN-ARTIFACT", StrategyName.PodmanArtifact)]
    [InlineData("PodmanArtifact", StrategyName.PodmanArtifact)]
    [InlineData("podmanartifact", StrategyName.PodmanArtifact)]
    [InlineData("podman-image", StrategyName.PodmanImage)]
    [InlineData("PodmanImage", StrategyName.PodmanImage)]
    [InlineData(" http-bind ", StrategyName.HttpBind)]
    [InlineData("HttpBind", StrategyName.HttpBind)]
    [InlineData("Http-Bind", StrategyName.HttpBind)]
    public void Both_spellings_are_accepted_in_the_environment_and_the_config_file(string text, StrategyName expected)
    {
        var config = Config("{\"strategy\": \"" + text + "\"}");

        Assert.Equal(expected, Load(new() { ["MODELPACK_STRATEGY"] = text }).Strategy);
        Assert.Equal(expected, Load(new() { ["MODELPACK_CONFIG"] = config }).Strategy);
    }

    [Fact]
    public void A_bad_MODELPACK_STRATEGY_is_InvalidConfiguration_naming_the_variable()
    {
        var error = Assert.Throws<ModelPackException>(() => Load(new() { ["MODELPACK_STRATEGY"] = "podman_artifact" }));

        Assert.Equal(ErrorIds.InvalidConfiguration, error.ErrorId);
        Assert.Equal(ErrorKind.InvalidData, error.Kind);
        Assert.Equal("podman_artifact", error.Target);
        Assert.StartsWith("MODELPACK_STRATEGY is 'podman_artifact', which is not a strategy.", error.Message);
        Assert.Contains("podman-artifact", error.Message);
    }

    [Fact]
    public void The_default_file_is_under_XDG_CONFIG_HOME()
    {
        var xdg = dir.Combine("xdg");
        var file = dir.WriteFile("xdg/modelpack/config.json", """{"engine": "docker"}""");

        var settings = Load(new() { ["XDG_CONFIG_HOME"] = xdg, ["HOME"] = dir.Combine("home") });

        Assert.Equal(file, settings.ConfigFilePath);
        Assert.Equal("docker", settings.Engine);
    }

    [Fact]
    public void Without_XDG_CONFIG_HOME_the_default_file_is_under_home_dot_config()
    {
        var file = dir.WriteFile("home/.config/modelpack/config.json", """{"engine": "docker"}""");

        var settings = Load(new() { ["HOME"] = dir.Combine("home"), ["XDG_CONFIG_HOME"] = "relative/is/ignored" });

        Assert.Equal(file, settings.ConfigFilePath);
    }

    [Fact]
    public void On_Windows_the_default_file_is_under_APPDATA()
    {
        var env = HostEnvironment.FromVariables(new Dictionary<string, string?> { ["APPDATA"] = @"C:\Users\me\AppData\Roaming", ["XDG_CONFIG_HOME"] = "/x" }, isWindows: true);

        Assert.Equal(Path.Combine(@"C:\Users\me\AppData\Roaming", "modelpack", "config.json"), ModelPackSettingsLoader.DefaultConfigFilePath(env));
    }

    [Fact]
    public void A_missing_default_file_is_no_error_but_a_missing_named_file_is()
    {
        var missing = dir.Combine("nope", "config.json");

        var quiet = Load(new() { ["XDG_CONFIG_HOME"] = dir.Combine("nothing-here") });
        var error = Assert.Throws<ModelPackException>(() => Load(new() { ["MODELPACK_CONFIG"] = missing }));

        Assert.Null(quiet.ConfigFilePath);
        Assert.Equal(ErrorIds.InvalidConfiguration, error.ErrorId);
        Assert.Equal(ErrorKind.ObjectNotFound, error.Kind);
        Assert.Contains("MODELPACK_CONFIG", error.Message);
        Assert.Contains(missing, error.Message);
    }

    [Fact]
    public void MODELPACK_CONFIG_beats_the_default_location_and_an_explicit_path_beats_both()
    {
        dir.WriteFile("xdg/modelpack/config.json", """{"engine": "from-default"}""");
        var fromVariable = Config("""{"engine": "from-variable"}""");
        var explicitFile = dir.WriteFile("explicit.json", """{"engine": "from-explicit"}""");
        var variables = new Dictionary<string, string?> { ["XDG_CONFIG_HOME"] = dir.Combine("xdg"), ["MODELPACK_CONFIG"] = fromVariable };

        Assert.Equal("from-variable", Load(variables).Engine);
        Assert.Equal("from-explicit", ModelPackSettingsLoader.Load(Env(variables), explicitFile).Engine);
    }

    [Fact]
    public void A_relative_MODELPACK_CONFIG_is_resolved_from_the_current_directory()
    {
        dir.WriteFile("conf/mp.json", """{"engine": "docker"}""");

        var settings = Load(new() { ["MODELPACK_CONFIG"] = "conf/mp.json" });

        Assert.Equal(dir.Combine("conf", "mp.json"), settings.ConfigFilePath);
    }

    [Fact]
    public void Unknown_keys_are_warnings_with_their_line_not_errors()
    {
        var config = Config("""
            {
              "strategy": "http-bind",
              "colour": "blue",
              "nested": {"a": [1, 2, {"b": null}]}
            }
            """);

        var settings = Load(new() { ["MODELPACK_CONFIG"] = config });

        Assert.Equal(StrategyName.HttpBind, settings.Strategy);
        Assert.Equal(2, settings.Warnings.Count);
        Assert.Contains("line 3: unknown setting 'colour'", settings.Warnings[0]);
        Assert.Contains("line 4: unknown setting 'nested'", settings.Warnings[1]);
        Assert.Contains(config, settings.Warnings[0]);
    }

    [Fact]
    public void A_repeated_key_warns_and_the_later_value_wins()
    {
        var config = Config("{\n\"engine\": \"podman\",\n\"Engine\": \"docker\"\n}");

        var settings = Load(new() { ["MODELPACK_CONFIG"] = config });

        Assert.Equal("docker", settings.Engine);
        Assert.Contains(settings.Warnings, w => w.Contains("line 3: 'engine' is set again"));
    }

    [Fact]
    public void Comments_trailing_commas_a_BOM_and_nulls_are_accepted()
    {
        var path = dir.Combine("bom.json");
        var json = "// settings for the lab\n{\n  /* pull without engines */\n  \"strategy\": \"http-bind\",\n  \"engine\": null,\n}\n";
        File.WriteAllBytes(path, [.. Encoding.UTF8.GetPreamble(), .. Encoding.UTF8.GetBytes(json)]);

        var settings = Load(new() { ["MODELPACK_CONFIG"] = path });

        Assert.Equal(StrategyName.HttpBind, settings.Strategy);
        Assert.Null(settings.Engine);
    }

    [Fact]
    public void An_empty_file_sets_nothing()
    {
        var settings = Load(new() { ["MODELPACK_CONFIG"] = Config("  \n") });

        Assert.Null(settings.Strategy);
        Assert.NotNull(settings.ConfigFilePath);
    }

    [Fact]
    public void Malformed_JSON_is_InvalidConfiguration_naming_the_file_and_the_line()
    {
        var config = Config("{\n  \"strategy\": \"http-bind\"\n  \"engine\": \"docker\"\n}");

        var error = Assert.Throws<ModelPackException>(() => Load(new() { ["MODELPACK_CONFIG"] = config }));

        Assert.Equal(ErrorIds.InvalidConfiguration, error.ErrorId);
        Assert.Equal(ErrorKind.InvalidData, error.Kind);
        Assert.Equal(config, error.Target);
        Assert.StartsWith($"Config file '{config}', line 3: the file is not valid JSON:", error.Message);
        Assert.DoesNotContain("LineNumber", error.Message);
        Assert.Contains("MODELPACK_CONFIG", error.Message);
    }

    [Fact]
    public void Text_after_the_object_is_malformed()
    {
        var config = Config("{\"engine\": \"docker\"}\n\n}");

        var error = Assert.Throws<ModelPackException>(() => Load(new() { ["MODELPACK_CONFIG"] = config }));

        Assert.Contains("line 3", error.Message);
    }

    [Fact]
    public void A_file_that_is_not_an_object_is_refused()
    {
        var config = Config("\n[\"http-bind\"]");

        var error = Assert.Throws<ModelPackException>(() => Load(new() { ["MODELPACK_CONFIG"] = config }));

        Assert.Contains("line 2: the file must hold one JSON object", error.Message);
        Assert.Contains("an array", error.Message);
    }

    public static TheoryData<string, string, string> WrongValues => new()
    {
        { "a number as strategy", "\"strategy\": 3", "'strategy' must be a non-empty string (\"http-bind\"), got the number 3." },
        { "an unknown strategy", "\"strategy\": \"fastest\"", "'strategy' is 'fastest', which is not a strategy. Use one of Auto, PodmanArtifact, PodmanImage, HttpBind (or auto, podman-artifact, podman-image, http-bind)." },
        { "an empty engine", "\"engine\": \"  \"", "'engine' must be a non-empty string (\"podman\", \"docker\", \"none\" or a path), got the string '  '." },
        { "an array as store", "\"store\": [\"/a\"]", "'store' must be a non-empty string (a directory path), got an array." },
        { "a string as maxRetry", "\"maxRetry\": \"five\"", "'maxRetry' must be a whole number of at least 0, got the string 'five'." },
        { "a negative maxRetry", "\"maxRetry\": -1", "'maxRetry' must be a whole number of at least 0, got the number -1." },
        { "a fractional concurrency", "\"concurrency\": 2.5", "'concurrency' must be a whole number of at least 1, got the number 2.5." },
        { "zero concurrency", "\"concurrency\": 0", "'concurrency' must be a whole number of at least 1, got the number 0." },
        { "zero connectionsPerBlob", "\"connectionsPerBlob\": 0", "'connectionsPerBlob' must be a whole number of at least 1, got the number 0." },
        { "a fractional rangedPartSizeMiB", "\"rangedPartSizeMiB\": 0.5", "'rangedPartSizeMiB' must be a whole number of at least 1, got the number 0.5." },
        { "a string as rangedPartSizeMiB", "\"rangedPartSizeMiB\": \"32M\"", "'rangedPartSizeMiB' must be a whole number of at least 1, got the string '32M'." },
        { "an unknown durability", "\"durability\": \"eventually\"", "'durability' is 'eventually'; use \"deferred\" (the default" },
        { "a boolean as durability", "\"durability\": true", "'durability' must be a non-empty string (\"deferred\" or \"immediate\"), got true." },
        { "a huge concurrency", "\"concurrency\": 99999999999", "'concurrency' must be a whole number of at least 1, got the number 99999999999." },
        { "a string as insecureRegistries", "\"insecureRegistries\": \"localhost:5000\"", "'insecureRegistries' must be an array of host[:port] strings such as [\"localhost:5000\"], got the string 'localhost:5000'." },
        { "a URL among insecureRegistries", "\"insecureRegistries\": [\"ok:5000\", \"http://lab:5000\"]", "'insecureRegistries' must be an array of host[:port] strings such as [\"localhost:5000\"], without a scheme or path; the string 'http://lab:5000' is not." },
        { "a number among insecureRegistries", "\"insecureRegistries\": [5000]", "without a scheme or path; the number 5000 is not." },
        { "a bad port among insecureRegistries", "\"insecureRegistries\": [\"lab:99999\"]", "the string 'lab:99999' is not." },
        { "an IPv6 zone among insecureRegistries", "\"insecureRegistries\": [\"[fe80::1%25eth0]:5000\"]", "the string '[fe80::1%25eth0]:5000' is not." },
    };

    [DescribedTheory]
    [MemberData(nameof(WrongValues))]
    public void A_wrong_value_names_the_file_the_line_the_key_and_the_value(string description, string entry, string expected)
    {
        _ = description;
        var config = Config("{\n  \"concurrency\": 4,\n  " + entry + "\n}");

        var error = Assert.Throws<ModelPackException>(() => Load(new() { ["MODELPACK_CONFIG"] = config }));

        Assert.Equal(ErrorIds.InvalidConfiguration, error.ErrorId);
        Assert.Equal(ErrorKind.InvalidData, error.Kind);
        Assert.StartsWith($"Config file '{config}', line 3: ", error.Message);
        Assert.Contains(expected, error.Message);
    }

    [Fact]
    public void A_home_relative_store_or_engine_in_the_file_is_expanded()
    {
        var home = dir.Combine("home");
        var config = Config("""{"store": "~/models", "engine": "~/bin/podman"}""");

        var settings = Load(new() { ["MODELPACK_CONFIG"] = config, ["HOME"] = home });

        Assert.Equal(home + "/models", settings.Store);
        Assert.Equal(home + "/bin/podman", settings.Engine);
    }

    private string Config(string json) => dir.WriteFile("config-" + Guid.NewGuid().ToString("N")[..8] + ".json", json);

    private HostEnvironment Env(Dictionary<string, string?> variables) =>
        HostEnvironment.FromVariables(variables, isWindows: false, currentDirectory: dir.Path);

    private ModelPackSettings Load(Dictionary<string, string?> variables) => ModelPackSettingsLoader.Load(Env(variables));

    public void Dispose() => dir.Dispose();
}
