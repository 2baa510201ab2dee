using System.Linq;
using ModelPack.Core.Errors;
using ModelPack.Core.Mounts.Rendering;
using static ModelPack.Core.Tests.Mounts.Rendering.RenderingTestData;

namespace ModelPack.Core.Tests.Mounts.Rendering;

/// <summary>The unit base names a caller may give, and the names the renderings derive from them.</summary>
public sealed class UnitNamesTests
{
    [Theory]
    [InlineData("llama")]
    [InlineData("Llama_3.1-8b")]
    [InlineData("a")]
    [InlineData("model.images")]
    public void A_name_of_letters_digits_and_separators_is_taken_as_it_is(string name)
    {
        Assert.Equal(name, UnitNames.Check(name));
    }

    [Fact]
    public void The_longest_name_leaves_room_for_the_artifact_service_within_systemds_255_characters()
    {
        var longest = new string('a', UnitNames.MaxLength);

        Assert.Equal(longest, UnitNames.Check(longest));
        Assert.Equal(255, (longest + "-artifact.service").Length);
        var error = Assert.Throws<ModelPackException>(() => UnitNames.Check(longest + "a"));
        Assert.Equal((ErrorIds.InvalidUnitName, ErrorKind.InvalidArgument, (object)(longest + "a")), (error.ErrorId, error.Kind, error.Target));
    }

    [Theory]
    [InlineData("")]
    [InlineData(".hidden")]
    [InlineData("../etc/evil")]
    [InlineData("two words")]
    [InlineData("llama@1")]
    [InlineData("m\u00fcnchen")]
    [InlineData("line\nbreak")]
    public void Other_characters_a_leading_dot_and_the_empty_name_are_refused_with_the_name_as_target(string name)
    {
        var error = Assert.Throws<ModelPackException>(() => UnitNames.Check(name));

        Assert.Equal((ErrorIds.InvalidUnitName, ErrorKind.InvalidArgument, (object)name), (error.ErrorId, error.Kind, error.Target));
        Assert.DoesNotContain('\n', error.Message);
    }

    [Theory]
    [InlineData("llama.container", "llama")]
    [InlineData("llama.ARTIFACT", "llama")]
    [InlineData("tiny.image", "tiny")]
    [InlineData("x.service", "x")]
    public void A_name_with_a_unit_suffix_is_refused_with_the_base_name_to_give_instead(string name, string stem)
    {
        var error = Assert.Throws<ModelPackException>(() => UnitNames.Check(name));

        Assert.Equal(ErrorIds.InvalidUnitName, error.ErrorId);
        Assert.Equal(name, error.Target);
        Assert.Contains($"'{stem}'", error.Message, System.StringComparison.Ordinal);
    }

    [Fact]
    public void Null_is_refused_like_the_empty_name()
    {
        var error = Assert.Throws<ModelPackException>(() => UnitNames.Check(null));

        Assert.Equal(ErrorIds.InvalidUnitName, error.ErrorId);
        Assert.Null(error.Target);
    }

    [Theory]
    [InlineData("llama", "model-llama")]
    [InlineData("Llama_3.1", "model-llama-3-1")]
    [InlineData("x--", "model-x")]
    public void The_volume_name_is_the_unit_name_as_a_DNS_1123_label_after_model(string unitName, string volume)
    {
        Assert.Equal(volume, UnitNames.VolumeName(unitName));
        Assert.True(KubernetesNames.IsLabel(volume));
    }

    [Fact]
    public void A_volume_name_from_the_longest_unit_name_is_cut_to_63_characters_and_stays_a_label()
    {
        var volume = UnitNames.VolumeName(new string('a', 60) + "-" + new string('b', UnitNames.MaxLength - 61));

        Assert.Equal(63, volume.Length);
        Assert.True(KubernetesNames.IsLabel(volume));
    }

    [Fact]
    public void A_given_unit_name_names_the_artifact_unit_and_the_service_the_container_unit_waits_for()
    {
        var (_, _, mounts) = ArtifactMounts();

        var files = QuadletRendering.Render(mounts, "/mnt/models", "llama");

        Assert.Equal(new[] { "llama.container", "llama.artifact" }, files.Select(f => f.Name));
        Assert.Equal(
            new[] { ("Unit", "Requires", "llama-artifact.service"), ("Unit", "After", "llama-artifact.service") },
            ParseUnit(files[0].Content).Take(2));
    }
}
