using System;
using System.IO;
using System.Text.RegularExpressions;
using System.Threading.Tasks;
using ModelPack.Core.Tests.Support;
using ModelPack.PowerShell.Tests.Support;

namespace ModelPack.PowerShell.Tests.Cmdlets;

/// <summary>examples/Lifecycle.ps1 runs as a user would run it (in the hosted runner, its own process) against a real registry.</summary>
[Collection(StoreCollection.Name)]
public sealed class ExampleScriptTests
{
    private readonly StoreRegistryFixture _fixture;

    public ExampleScriptTests(StoreRegistryFixture fixture) => _fixture = fixture;

    [Fact]
    public async Task Lifecycle_script_packs_publishes_removes_saves_and_mounts_against_a_real_registry()
    {
        using var work = new TempDirectory("modelpack-lifecycle-example");
        var script = Path.Combine(ModulePaths.RepoRoot, "examples", "Lifecycle.ps1");
        var runner = Path.Combine(ModulePaths.RepoRoot, "tools", "PSRunner", "bin", "Release", "net10.0", "psrunner.dll");

        // The runner passes its arguments positionally: -Registry, then -WorkDirectory.
        var result = await Tool.RunAsync("dotnet", [runner, script, _fixture.Registry.HostPort, work.File("run")], timeout: TimeSpan.FromSeconds(120));

        var text = result.Text;
        Assert.True(result.Succeeded, $"exit {result.ExitCode}: {result.Stderr}{text}");
        var finished = Regex.Match(text, $@"Lifecycle finished: {Regex.Escape(_fixture.Registry.HostPort)}/models/lifecycle-demo:1\.0 is (sha256:[0-9a-f]{{64}})");
        Assert.True(finished.Success, text);
        Assert.Contains("all 4 files in ", text, StringComparison.Ordinal);
        Assert.Contains($"podman run --rm --mount=type=bind,src={work.File("run")}/store/snapshots/{finished.Groups[1].Value["sha256:".Length..]},destination=/mnt/models,ro busybox sha256sum /mnt/models/tiny.gguf", text, StringComparison.Ordinal);
        Assert.Contains("models in the store: 0", text, StringComparison.Ordinal);
        Assert.False(Directory.Exists(work.File("run")), "the script left its work directory behind");
    }
}
