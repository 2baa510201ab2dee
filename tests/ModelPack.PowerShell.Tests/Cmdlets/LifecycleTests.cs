using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Security.Cryptography;
using System.Threading.Tasks;
using ModelPack.Core.Tests.Packing;
using ModelPack.Core.Tests.Strategies;
using ModelPack.PowerShell.Tests.Support;

namespace ModelPack.PowerShell.Tests.Cmdlets;

/// <summary>
/// The whole lifecycle through the cmdlets, ending in a real container: New -> Publish -> Remove -> Save ->
/// Get-ModelMount, then the real podman 4.3.1 (runc, no network, isolated storage) runs busybox sha256sum over
/// every file of the model through the exact mount argument.
/// </summary>
public sealed class LifecycleTests : StoreTestBase, IClassFixture<RealPodmanFixture>, IDisposable
{
    private const string Script = """
        param($p, $r)
        # HttpBind is the strategy under test; -Strategy exists once the strategies reach the cmdlets.
        $save = @{}; if ((Get-Command Save-ModelArtifact).Parameters.ContainsKey('Strategy')) { $save.Strategy = 'HttpBind' }
        $mount = @{}; if ((Get-Command Get-ModelMount).Parameters.ContainsKey('Strategy')) { $mount.Strategy = 'HttpBind' }
        $packed = New-ModelArtifact -Path $p -Reference $r -Name lifecycle
        $packed | Publish-ModelArtifact
        Remove-ModelArtifact $r -Force
        $removed = @(Get-ModelArtifact).Count
        $saved = Save-ModelArtifact $r -PassThru @save
        $packed.Digest, $removed, $saved.Digest, ($saved | Get-ModelMount @mount -As Argument)
        """;

    private readonly RealPodmanFixture _podman;
    private readonly ModelFolder _folder = ModelFolder.Sample();

    public LifecycleTests(StoreRegistryFixture fixture, RealPodmanFixture podman)
        : base(fixture)
    {
        _podman = podman;
    }

    [Fact]
    public async Task New_Publish_Remove_Save_Mount_and_a_real_podman_container_reads_every_file_with_its_sha256()
    {
        var reference = $"{Fixture.Registry.HostPort}/{Fixture.NewRepository("lifecycle")}:1";
        var isolation = _podman.Environment.Keys.ToDictionary(k => k, Environment.GetEnvironmentVariable);
        List<string> output;
        try
        {
            // Should any step run podman, it runs the fixture's isolated one.
            foreach (var pair in _podman.Environment)
            {
                Environment.SetEnvironmentVariable(pair.Key, pair.Value);
            }

            output = Ps.RunOk(Script, Args(("p", _folder.Path), ("r", reference))).Select(o => o.BaseObject.ToString()!).ToList();
        }
        finally
        {
            foreach (var pair in isolation)
            {
                Environment.SetEnvironmentVariable(pair.Key, pair.Value);
            }
        }

        var (packedDigest, removedCount, savedDigest, argument) = (output[0], output[1], output[2], output[3]);
        var files = Directory.GetFiles(_folder.Path, "*", SearchOption.AllDirectories)
            .Select(f => Path.GetRelativePath(_folder.Path, f).Replace('\\', '/'))
            .Where(f => !f.StartsWith('.'))
            .Order(StringComparer.Ordinal)
            .ToList();

        // podman reads REGISTRY_AUTH_FILE, which the store session points at a file that must not hold credentials: give it an empty one.
        File.WriteAllText(Environment.GetEnvironmentVariable("REGISTRY_AUTH_FILE")!, "{\"auths\":{}}");
        var run = await _podman.RunWithMountAsync(argument, new[] { "sha256sum" }.Concat(files.Select(f => "/mnt/models/" + f)).ToArray());

        Assert.Equal("0", removedCount);
        Assert.Equal(packedDigest, savedDigest);
        Assert.Equal($"--mount=type=bind,src={Store.SnapshotOf(savedDigest)},destination=/mnt/models,ro", argument);
        Assert.True(run.Succeeded, run.Stderr);
        var expected = files.Select(f => Convert.ToHexStringLower(SHA256.HashData(File.ReadAllBytes(_folder.Full(f)))) + "  /mnt/models/" + f);
        Assert.Equal(expected, run.Stdout.Trim().Split('\n').Select(l => l.Trim()));
        Assert.Equal(16, files.Count);
    }

    public new void Dispose()
    {
        _folder.Dispose();
        base.Dispose();
    }
}
