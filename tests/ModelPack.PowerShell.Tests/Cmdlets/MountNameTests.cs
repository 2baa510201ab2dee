using System;
using System.Linq;
using System.Management.Automation;
using System.Threading.Tasks;
using ModelPack.Core.Mounts.Rendering;
using ModelPack.PowerShell.Tests.Support;

namespace ModelPack.PowerShell.Tests.Cmdlets;

/// <summary>Get-ModelMount -UnitName and -ContainerName: the names in the rendered text, and the errors for bad names and misuse.</summary>
public sealed class MountNameTests : StoreTestBase
{
    public MountNameTests(StoreRegistryFixture fixture)
        : base(fixture)
    {
    }

    [Fact]
    public async Task UnitName_names_the_quadlet_container_unit_of_a_piped_artifact()
    {
        var model = TinyModel(70);
        var reference = await PushAsync(model, "unit-name");
        Ps.RunOk("param($r) Save-ModelArtifact $r", Args(("r", reference)));

        var file = OnlyOne<QuadletFile>(Ps.RunOk("param($r) Get-ModelArtifact $r | Get-ModelMount -As Quadlet -UnitName llama", Args(("r", reference))));

        Assert.Equal("llama.container", file.Name);
        Assert.Equal(
            $"# Model mounts from ModelPack: {reference} (strategy HttpBind).\n" +
            "# Merge into the .container unit of the program that reads the model; it still needs Image= (and Exec=).\n" +
            "\n" +
            "[Container]\n" +
            $"Mount=type=bind,src={Store.SnapshotOf(model.Digest)},destination=/mnt/models,ro\n" +
            "Environment=MODELPACK_ENTRY_PATH=/mnt/models/model.safetensors\n",
            file.Content);
    }

    [Fact]
    public async Task Without_UnitName_a_second_model_named_like_the_first_by_its_repository_is_refused_and_the_first_stands()
    {
        var first = await PushAsync(TinyModel(73), "same", repository: "team-a/tiny");
        var second = await PushAsync(TinyModel(74), "same", repository: "team-b/tiny");
        Ps.RunOk("param($a, $b) Save-ModelArtifact $a, $b", Args(("a", first), ("b", second)));

        var r = Ps.Run("param($a, $b) Get-ModelMount $a, $b -As Quadlet", Args(("a", first), ("b", second)));

        Assert.Equal("tiny.container", OnlyOne<QuadletFile>(r.Output).Name);
        var error = Assert.Single(r.AllErrors);
        Assert.Equal("UnitNameConflict,ModelPack.Cmdlets.GetModelMountCommand", error.FullyQualifiedErrorId);
        Assert.Equal(ErrorCategory.InvalidArgument, error.CategoryInfo.Category);
        Assert.Equal(second, error.TargetObject);
        Assert.Contains($"like '{first}'", error.Exception.Message, StringComparison.Ordinal);
        Assert.Null(r.Terminating);

        var own = OnlyOne<QuadletFile>(Ps.RunOk("param($b) Get-ModelMount $b -As Quadlet -UnitName tiny-b", Args(("b", second))));
        Assert.Equal("tiny-b.container", own.Name);
    }

    [Fact]
    public async Task ContainerName_and_UnitName_name_the_container_and_the_volume_of_the_Kubernetes_fragment()
    {
        var model = TinyModel(71);
        var reference = await PushAsync(model, "kube-names");
        Ps.RunOk("param($r) Save-ModelArtifact $r", Args(("r", reference)));

        var named = OnlyOne<string>(Ps.RunOk("param($r) Get-ModelMount $r -As Kubernetes -ContainerName llama-server -UnitName Llama_3", Args(("r", reference))));
        var containerOnly = OnlyOne<string>(Ps.RunOk("param($r) Get-ModelMount $r -As Kubernetes -ContainerName llama-server", Args(("r", reference))));

        Assert.Equal(
            new[] { "    - name: \"model-llama-3\"", "    - name: \"llama-server\"", "        - name: \"model-llama-3\"" },
            NameLines(named));
        var repositoryVolume = "model-" + RepositoryOf(reference).Split('/')[^1];
        Assert.Equal(
            new[] { $"    - name: \"{repositoryVolume}\"", "    - name: \"llama-server\"", $"        - name: \"{repositoryVolume}\"" },
            NameLines(containerOnly));
        Assert.Contains($"        path: \"{Store.SnapshotOf(model.Digest)}\"\n", named, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ContainerName_goes_into_the_fragment_of_every_piped_model()
    {
        var first = await PushAsync(TinyModel(72), "kube-many-a");
        var second = await PushAsync(TinyModel(73), "kube-many-b");
        Ps.RunOk("param($a, $b) Save-ModelArtifact $a, $b", Args(("a", first), ("b", second)));

        var fragments = Ps.RunOk("param($a, $b) $a, $b | Get-ModelMount -As Kubernetes -ContainerName llama", Args(("a", first), ("b", second)))
            .Select(o => Assert.IsType<string>(o.BaseObject)).ToList();

        Assert.Equal(2, fragments.Count);
        Assert.All(fragments, f => Assert.Equal("    - name: \"llama\"", NameLines(f)[1]));
        Assert.NotEqual(NameLines(fragments[0])[0], NameLines(fragments[1])[0]);
    }

    [Theory]
    [InlineData("Quadlet")]
    [InlineData("Kubernetes")]
    public async Task UnitName_with_a_second_model_stops_before_anything_is_written(string format)
    {
        var first = await PushAsync(TinyModel(74), "unit-clash-a");
        var second = await PushAsync(TinyModel(75), "unit-clash-b");
        Ps.RunOk("param($a, $b) Save-ModelArtifact $a, $b", Args(("a", first), ("b", second)));

        var r = Ps.Run("param($a, $b, $f) $a, $b | Get-ModelMount -As $f -UnitName llama", Args(("a", first), ("b", second), ("f", format)));

        Assert.Empty(r.Output);
        var error = Assert.Single(r.AllErrors);
        Assert.Equal("UnitNameConflict,ModelPack.Cmdlets.GetModelMountCommand", error.FullyQualifiedErrorId);
        Assert.Equal(ErrorCategory.InvalidArgument, error.CategoryInfo.Category);
        Assert.Equal("llama", error.TargetObject);
        Assert.Contains($"'{first}' already has it; '{second}' would overwrite", error.Exception.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("Quadlet", "../etc/evil")]
    [InlineData("Quadlet", "llama.container")]
    [InlineData("Quadlet", "")]
    [InlineData("Kubernetes", "two words")]
    public void A_bad_unit_name_stops_the_command_with_InvalidUnitName_and_the_name(string format, string unitName)
    {
        AssertStops("param($f, $n) Get-ModelMount localhost:1/models/x:v1 -As $f -UnitName $n", Args(("f", format), ("n", unitName)), "InvalidUnitName", unitName);
    }

    [Theory]
    [InlineData("Model-Server")]
    [InlineData("model_server")]
    [InlineData("-server")]
    [InlineData("server-")]
    [InlineData("")]
    public void A_container_name_that_is_no_DNS_1123_label_stops_the_command_with_InvalidContainerName(string containerName)
    {
        AssertStops("param($n) Get-ModelMount localhost:1/models/x:v1 -As Kubernetes -ContainerName $n", Args(("n", containerName)), "InvalidContainerName", containerName);
    }

    [Fact]
    public void A_container_name_longer_than_63_characters_is_refused()
    {
        var name = new string('a', 64);

        AssertStops("param($n) Get-ModelMount localhost:1/models/x:v1 -As Kubernetes -ContainerName $n", Args(("n", name)), "InvalidContainerName", name);
    }

    [Theory]
    [InlineData("-UnitName llama", null, "llama")]
    [InlineData("-UnitName llama", "Object", "llama")]
    [InlineData("-UnitName llama", "Argument", "llama")]
    [InlineData("-ContainerName llama", null, "llama")]
    [InlineData("-ContainerName llama", "Argument", "llama")]
    [InlineData("-ContainerName llama", "Quadlet", "llama")]
    public void A_naming_parameter_with_a_format_that_does_not_use_it_stops_the_command(string parameter, string? format, string value)
    {
        var script = "Get-ModelMount localhost:1/models/x:v1 " + parameter + (format is null ? string.Empty : " -As " + format);

        var error = AssertStops(script, null, "ParameterNotApplicable", value);

        Assert.Contains(parameter.Split(' ')[0] + " ", error.Exception.Message, StringComparison.Ordinal);
        Assert.Contains(parameter.StartsWith("-UnitName", StringComparison.Ordinal) ? "-As Quadlet" : "-As Kubernetes", error.Exception.Message, StringComparison.Ordinal);
    }

    /// <summary>
    /// The command stops with one error of the given id, InvalidArgument and the value as target, before it looks for the
    /// model (the reference names no store's model: were the names not checked first, the error would be ModelArtifactNotFound).
    /// </summary>
    private ErrorRecord AssertStops(string script, System.Collections.Generic.Dictionary<string, object?>? args, string errorId, string target)
    {
        var r = Ps.Run(script, args);
        var caught = Ps.RunOk("param($s, $a) try { & ([scriptblock]::Create($s)) @a } catch { 'caught ' + $_.FullyQualifiedErrorId }", Args(("s", script), ("a", new System.Collections.Hashtable(args ?? new()))));

        Assert.Empty(r.Output);
        Assert.Equal($"caught {errorId},ModelPack.Cmdlets.GetModelMountCommand", Assert.Single(caught).BaseObject);
        var error = Assert.Single(r.AllErrors);
        Assert.Equal($"{errorId},ModelPack.Cmdlets.GetModelMountCommand", error.FullyQualifiedErrorId);
        Assert.Equal(ErrorCategory.InvalidArgument, error.CategoryInfo.Category);
        Assert.Equal(target, error.TargetObject);
        return error;
    }

    /// <summary>The name lines of the volume, the container and the volumeMount, in order (the env entry left out).</summary>
    private static string[] NameLines(string yaml) =>
        yaml.Split('\n').Where(l => l.TrimStart().StartsWith("- name: ", StringComparison.Ordinal) && !l.Contains(QuadletRendering.EntryPathVariable, StringComparison.Ordinal)).ToArray();
}
