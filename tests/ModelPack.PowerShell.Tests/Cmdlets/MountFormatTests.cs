using System.Collections.Generic;
using System.Linq;
using System.Threading.Tasks;
using ModelPack.Core.Mounts.Rendering;
using ModelPack.Core.Spec;
using ModelPack.Core.Tests.Mounts.Rendering;
using ModelPack.PowerShell.Tests.Support;

namespace ModelPack.PowerShell.Tests.Cmdlets;

/// <summary>Get-ModelMount -As Quadlet and -As Kubernetes for a model in the local store, read back structurally.</summary>
public sealed class MountFormatTests : StoreTestBase
{
    public MountFormatTests(StoreRegistryFixture fixture)
        : base(fixture)
    {
    }

    [Fact]
    public async Task Quadlet_is_one_container_unit_with_the_bind_mount_and_the_entry_path()
    {
        var model = TinyModel(50);
        var reference = await PushAsync(model, "quadlet-bind");
        Ps.RunOk("param($r) Save-ModelArtifact $r", Args(("r", reference)));

        var file = OnlyOne<QuadletFile>(Ps.RunOk("param($r) Get-ModelMount $r -As Quadlet -Destination /srv/model/", Args(("r", reference))));

        Assert.Equal(RepositoryOf(reference).Split('/')[^1] + ".container", file.Name);
        var entries = UnitFile.Parse(file.Content);
        Assert.Equal(new[] { ("Container", "Mount"), ("Container", "Environment") }, entries.Select(e => (e.Section, e.Key)));
        Assert.Equal(
            new Dictionary<string, string> { ["type"] = "bind", ["src"] = Store.SnapshotOf(model.Digest), ["destination"] = "/srv/model", ["ro"] = string.Empty },
            UnitFile.MountOptions(entries[0].Value));
        Assert.Equal("MODELPACK_ENTRY_PATH=/srv/model/model.safetensors", entries[1].Value);
    }

    [Fact]
    public async Task Kubernetes_is_a_hostPath_volume_mounted_read_only_with_the_entry_path_in_env()
    {
        var model = TinyModel(51);
        var reference = await PushAsync(model, "kube-bind");
        Ps.RunOk("param($r) Save-ModelArtifact $r", Args(("r", reference)));

        var yaml = OnlyOne<string>(Ps.RunOk("param($r) Get-ModelArtifact $r | Get-ModelMount -As Kubernetes -Destination /models", Args(("r", reference))));

        var spec = Map(Map(MiniYaml.Parse(yaml))["spec"]);
        var volume = Map(Assert.Single(List(spec["volumes"])));
        var container = Map(Assert.Single(List(spec["containers"])));
        var mount = Map(Assert.Single(List(container["volumeMounts"])));
        var env = Map(Assert.Single(List(container["env"])));
        Assert.Equal(Store.SnapshotOf(model.Digest), Map(volume["hostPath"])["path"]);
        Assert.Equal("Directory", Map(volume["hostPath"])["type"]);
        Assert.Equal(volume["name"], mount["name"]);
        Assert.Equal("/models", mount["mountPath"]);
        Assert.Equal(true, mount["readOnly"]);
        Assert.Equal("model-server", container["name"]);
        Assert.Equal(("MODELPACK_ENTRY_PATH", "/models/model.safetensors"), ((string)env["name"], (string)env["value"]));
    }

    [Fact]
    public async Task Quadlet_files_show_as_a_table_of_name_and_their_first_lines()
    {
        var reference = await PushAsync(TinyModel(52), "quadlet-view");
        Ps.RunOk("param($r) Save-ModelArtifact $r", Args(("r", reference)));
        Ps.Host.Clear();

        Ps.RunOk("param($r) Get-ModelMount $r -As Quadlet | Out-Default", Args(("r", reference)));

        var lines = Ps.Host.Text.Split('\n').Select(l => l.TrimEnd()).Where(l => l.Length > 0).ToList();
        Assert.Matches(@"^Name\s+Content$", lines[0]);
        Assert.Contains(lines, l => l.StartsWith("quadlet-view-", System.StringComparison.Ordinal) && l.Contains(".container", System.StringComparison.Ordinal) && l.Contains("[Container]", System.StringComparison.Ordinal));
        Assert.Contains(lines, l => l.Contains("Mount=type=bind,src=", System.StringComparison.Ordinal));
        Assert.DoesNotContain(lines, l => l.Contains("# Model mounts", System.StringComparison.Ordinal));
    }

    private static Dictionary<string, object> Map(object value) => Assert.IsType<Dictionary<string, object>>(value);

    private static List<object> List(object value) => Assert.IsType<List<object>>(value);
}
