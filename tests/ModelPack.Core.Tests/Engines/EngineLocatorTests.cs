using System;
using System.Collections.Generic;
using System.IO;
using ModelPack.Core.Configuration;
using ModelPack.Core.Engines;
using ModelPack.Core.Errors;

namespace ModelPack.Core.Tests.Engines;

public sealed class EngineLocatorTests : IDisposable
{
    private readonly FaultyEngines fakes = new();

    [Fact]
    public void Detection_prefers_podman_over_docker_on_PATH()
    {
        var podman = fakes.Podman(FaultyEngines.PodmanVersionJson("5.7.0"));
        fakes.Docker(FaultyEngines.DockerVersionJson("28.2.2"));

        var location = EngineLocator.Locate(null, ModelPackSettings.Empty, fakes.Environment());

        Assert.Equal(EngineKind.Podman, location.Kind);
        Assert.Equal(podman, location.Path);
        Assert.Equal(SettingSource.Default, location.Source);
    }

    [Fact]
    public void Detection_falls_back_to_docker_then_to_none()
    {
        var docker = fakes.Docker(FaultyEngines.DockerVersionJson("28.2.2"));

        var withDocker = EngineLocator.Locate(null, ModelPackSettings.Empty, fakes.Environment());
        File.Delete(docker);
        var withNothing = EngineLocator.Locate(null, ModelPackSettings.Empty, fakes.Environment());

        Assert.Equal((EngineKind.Docker, docker), (withDocker.Kind, withDocker.Path));
        Assert.Equal(EngineKind.None, withNothing.Kind);
        Assert.Null(withNothing.Path);
        Assert.Contains("neither podman nor docker", withNothing.Description);
    }

    [Fact]
    public void Parameter_beats_MODELPACK_ENGINE_which_beats_the_config_file()
    {
        fakes.Podman(FaultyEngines.PodmanVersionJson("5.7.0"));
        var docker = fakes.Docker(FaultyEngines.DockerVersionJson("28.2.2"));
        var remote = fakes.Podman(FaultyEngines.PodmanVersionJson("5.7.0"), name: "podman-remote");
        var config = Path.Combine(fakes.Bin, "config.json");
        File.WriteAllText(config, "{\"engine\": \"podman-remote\"}");

        var fileOnly = Load(new() { ["MODELPACK_CONFIG"] = config });
        var envAndFile = Load(new() { ["MODELPACK_CONFIG"] = config, ["MODELPACK_ENGINE"] = "docker" });

        var fromFile = EngineLocator.Locate(null, fileOnly, fakes.Environment());
        var fromEnv = EngineLocator.Locate(null, envAndFile, fakes.Environment());
        var fromParameter = EngineLocator.Locate("none", envAndFile, fakes.Environment());

        Assert.Equal((EngineKind.Podman, remote, SettingSource.ConfigFile), (fromFile.Kind, fromFile.Path, fromFile.Source));
        Assert.Equal((EngineKind.Docker, docker, SettingSource.EnvironmentVariable), (fromEnv.Kind, fromEnv.Path, fromEnv.Source));
        Assert.Equal((EngineKind.None, (string?)null, SettingSource.Parameter), (fromParameter.Kind, fromParameter.Path, fromParameter.Source));
        Assert.Contains("-Engine", fromParameter.Description);
    }

    [Fact]
    public void Auto_as_a_value_detects_even_when_settings_name_an_engine()
    {
        var podman = fakes.Podman(FaultyEngines.PodmanVersionJson("5.7.0"));
        var settings = new ModelPackSettings { Engine = "none", EngineSource = SettingSource.EnvironmentVariable };

        var location = EngineLocator.Locate("Auto", settings, fakes.Environment());

        Assert.Equal((EngineKind.Podman, podman), (location.Kind, location.Path));
    }

    [Fact]
    public void A_path_to_an_engine_is_used_as_is_and_its_kind_comes_from_the_file_name()
    {
        var elsewhere = Path.Combine(fakes.Bin, "..", "opt");
        Directory.CreateDirectory(elsewhere);
        var podman = Path.Combine(elsewhere, "podman");
        File.Copy(fakes.Podman(FaultyEngines.PodmanVersionJson("5.7.0")), podman);
        File.Delete(Path.Combine(fakes.Bin, "podman"));

        var location = EngineLocator.Locate(podman, ModelPackSettings.Empty, fakes.Environment());

        Assert.Equal(EngineKind.Podman, location.Kind);
        Assert.Equal(Path.GetFullPath(podman), location.Path);
    }

    [Fact]
    public void A_named_engine_that_is_not_on_PATH_is_ContainerEngineNotFound_naming_where_the_name_came_from()
    {
        var settings = new ModelPackSettings { Engine = "docker", EngineSource = SettingSource.EnvironmentVariable };

        var error = Assert.Throws<ModelPackException>(() => EngineLocator.Locate(null, settings, fakes.Environment()));

        Assert.Equal(ErrorIds.ContainerEngineNotFound, error.ErrorId);
        Assert.Equal(ErrorKind.ObjectNotFound, error.Kind);
        Assert.Equal("docker", error.Target);
        Assert.Contains("MODELPACK_ENGINE", error.Message);
        Assert.Contains(fakes.Bin, error.Message);
        Assert.Contains("'none'", error.Message);
    }

    [Fact]
    public void A_missing_engine_path_says_the_path_does_not_exist()
    {
        var error = Assert.Throws<ModelPackException>(() => EngineLocator.Locate("/nonexistent/podman", ModelPackSettings.Empty, fakes.Environment()));

        Assert.Equal(ErrorIds.ContainerEngineNotFound, error.ErrorId);
        Assert.Contains("that path does not exist", error.Message);
        Assert.Contains("-Engine", error.Message);
    }

    [Fact]
    public void An_engine_that_is_neither_podman_nor_docker_is_refused()
    {
        fakes.Script("nerdctl", "exit 0");
        var settings = new ModelPackSettings { Engine = "nerdctl", EngineSource = SettingSource.ConfigFile, ConfigFilePath = "/etc/x/config.json" };

        var fromConfig = Assert.Throws<ModelPackException>(() => EngineLocator.Locate(null, settings, fakes.Environment()));
        var fromParameter = Assert.Throws<ModelPackException>(() => EngineLocator.Locate("nerdctl", ModelPackSettings.Empty, fakes.Environment()));

        Assert.Equal(ErrorIds.UnsupportedContainerEngine, fromConfig.ErrorId);
        Assert.Equal(ErrorKind.InvalidData, fromConfig.Kind);
        Assert.Contains("/etc/x/config.json", fromConfig.Message);
        Assert.Equal(ErrorKind.InvalidArgument, fromParameter.Kind);
        Assert.Contains("podman, docker, none", fromParameter.Message);
    }

    [Theory]
    [InlineData("podman", false, EngineKind.Podman)]
    [InlineData("/usr/bin/podman", false, EngineKind.Podman)]
    [InlineData("podman-remote", false, EngineKind.Podman)]
    [InlineData("/opt/Podman", false, EngineKind.Podman)]
    [InlineData("docker", false, EngineKind.Docker)]
    [InlineData("/usr/local/bin/docker", false, EngineKind.Docker)]
    [InlineData(@"C:\Program Files\RedHat\Podman\podman.exe", true, EngineKind.Podman)]
    [InlineData(@"C:\Program Files\Docker\docker.exe", true, EngineKind.Docker)]
    [InlineData("/podman-dir/nerdctl", false, EngineKind.None)]
    [InlineData(@"C:\podman\x.exe", true, EngineKind.None)]
    [InlineData("mypodman", false, EngineKind.None)]
    public void KindFromName_reads_the_file_name_only(string value, bool isWindows, EngineKind expected)
    {
        Assert.Equal(expected, EngineLocator.KindFromName(value, isWindows));
    }

    private ModelPackSettings Load(Dictionary<string, string?> variables) =>
        ModelPackSettingsLoader.Load(fakes.Environment(variables));

    public void Dispose() => fakes.Dispose();
}
