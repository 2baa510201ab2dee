using System;
using System.IO;
using System.Threading.Tasks;
using ModelPack.Core.Configuration;
using ModelPack.Core.Engines;
using ModelPack.Core.Errors;
using ModelPack.Core.Strategies;
using ModelPack.Core.Tests.Support;

namespace ModelPack.Core.Tests.Engines;

/// <summary>The probe against the real podman 4.3.1 from Debian 12 (apt-get install -y podman runc).</summary>
public class RealPodmanProbeTests
{
    private const string PodmanPath = "/usr/bin/podman";

    [ToolFact(TestTools.Podman43)]
    public async Task Real_podman_4_3_1_is_detected_on_PATH_and_reports_no_artifacts_and_no_subpath()
    {
        Assert.True(File.Exists(PodmanPath), "podman is not installed: apt-get install -y podman runc");
        var env = HostEnvironment.FromVariables(new System.Collections.Generic.Dictionary<string, string?> { ["PATH"] = "/usr/local/bin:/usr/bin:/bin" }, isWindows: false);
        var location = EngineLocator.Locate(null, ModelPackSettings.Empty, env);

        using var sandbox = new PodmanSandbox(TestTools.Podman43);
        var info = await new EngineProbe(ProcessRunner.Instance, new EngineProbeCache(), environment: sandbox.Environment).ProbeAsync(location, refresh: true);

        Assert.Equal(EngineKind.Podman, info.Kind);
        Assert.Equal(PodmanPath, info.Path);
        Assert.Equal(new Version(4, 3, 1), info.Version);
        Assert.True(info.IsUsable, info.Reason);
        Assert.False(info.SupportsArtifacts);
        Assert.False(info.SupportsImageSubpath);
        Assert.Contains("5.7", info.Reason);
        Assert.Contains("podman 4.3.1 at /usr/bin/podman", info.Reason);
    }

    [ToolFact(TestTools.Podman43)]
    public async Task Forcing_PodmanArtifact_on_real_podman_4_3_1_fails_naming_the_version_and_what_works()
    {
        Assert.True(File.Exists(PodmanPath), "podman is not installed: apt-get install -y podman runc");
        var info = await RealEngines.PodmanAsync(TestTools.Podman43);

        var error = Assert.Throws<ModelPackException>(() =>
            StrategySelector.EnsureEngineSupports(StrategyName.PodmanArtifact, ModelPackSettings.Empty, info));

        Assert.Equal(ErrorIds.StrategyUnavailable, error.ErrorId);
        Assert.Equal(
            "Strategy PodmanArtifact needs podman 5.7 or later with 'podman artifact'; found podman 4.3.1 at /usr/bin/podman (4.3.1 < 5.7). Use -Strategy HttpBind (works with any engine) or PodmanImage.",
            error.Message);
    }
}
