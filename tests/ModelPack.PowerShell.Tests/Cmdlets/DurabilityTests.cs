using System;
using System.IO;
using System.Linq;
using System.Threading.Tasks;
using ModelPack.PowerShell.Tests.Support;

namespace ModelPack.PowerShell.Tests.Cmdlets;

/// <summary>
/// The config file's <c>durability</c> as Save-ModelArtifact applies it, and what the cmdlets say when
/// they open a store after a system stop (stood in for by renaming the journal to another boot id).
/// </summary>
public sealed class DurabilityTests : StoreTestBase
{
    public DurabilityTests(StoreRegistryFixture fixture)
        : base(fixture)
    {
    }

    private string JournalDirectory => Path.Combine(Store.StoreRoot, "unsynced");

    [Fact]
    public async Task By_default_Save_does_not_wait_for_the_disk_and_records_what_it_wrote()
    {
        var model = TinyModel(61);
        var reference = await PushAsync(model, "deferred");

        Ps.RunOk("param($r) Save-ModelArtifact $r", Args(("r", reference)));

        var journal = Assert.Single(Directory.GetFiles(JournalDirectory));
        Assert.Contains("manifest " + model.Digest, File.ReadAllLines(journal));
    }

    [Fact]
    public async Task With_durability_immediate_in_the_config_file_Save_flushes_every_blob_and_keeps_no_journal()
    {
        var config = Store.TempFile("config.json");
        File.WriteAllText(config, """{"durability": "immediate"}""");
        var reference = await PushAsync(TinyModel(62), "immediate");

        Ps.RunOk("param($r, $c) $env:MODELPACK_CONFIG = $c; Save-ModelArtifact $r", Args(("r", reference), ("c", config)));

        Assert.False(Directory.Exists(JournalDirectory) && Directory.EnumerateFiles(JournalDirectory).Any());
        Assert.Single(Ps.RunOk("Get-ModelArtifact"));
    }

    [Fact]
    public async Task After_a_system_stop_a_damaged_artifact_is_removed_with_a_warning_and_a_second_Save_restores_it()
    {
        var model = TinyModel(63);
        var reference = await PushAsync(model, "stopped");
        Ps.RunOk("param($r) Save-ModelArtifact $r", Args(("r", reference)));
        var journal = Assert.Single(Directory.GetFiles(JournalDirectory));
        File.Move(journal, Path.Combine(JournalDirectory, "00000000-0000-4000-8000-000000000000" + Path.GetFileName(journal)[Path.GetFileName(journal).IndexOf('_')..]));
        var weights = model.Layers[0].Descriptor.Digest;
        var blob = Path.Combine(Store.StoreRoot, "blobs", "sha256", weights["sha256:".Length..]);
        File.SetAttributes(blob, FileAttributes.Normal);
        File.WriteAllBytes(blob, new byte[model.Layers[0].Bytes.Length]);

        var listed = Ps.Run("Get-ModelArtifact");

        Assert.Empty(listed.AllErrors);
        Assert.Empty(listed.Output);
        Assert.Contains(listed.Warnings, w => w.Contains($"Removed '{reference}'", StringComparison.Ordinal) && w.Contains("Save-ModelArtifact", StringComparison.Ordinal));
        Assert.Empty(Directory.GetFiles(JournalDirectory));

        Ps.RunOk("param($r) Save-ModelArtifact $r", Args(("r", reference)));
        Assert.True((bool)Ps.RunOk("param($r) Test-ModelArtifact -Reference $r -Quiet", Args(("r", reference))).Single().BaseObject);
    }
}
