using System.Collections.Generic;
using System.Linq;
using ModelPack.Core.Spec;

namespace ModelPack.Core.Tests.Spec;

/// <summary>The code's media types, annotation keys and file metadata fields agree with shared/spec/media-types.json.</summary>
public class MediaTypeDataTests
{
    private static readonly Dictionary<string, LayerKind> Kinds = new()
    {
        ["weight"] = LayerKind.Weight,
        ["weight.config"] = LayerKind.WeightConfig,
        ["doc"] = LayerKind.Doc,
        ["code"] = LayerKind.Code,
        ["dataset"] = LayerKind.Dataset,
    };

    private static readonly Dictionary<string, LayerPacking> Packings = new()
    {
        ["raw"] = LayerPacking.Raw,
        ["tar"] = LayerPacking.Tar,
        ["tar+gzip"] = LayerPacking.TarGzip,
        ["tar+zstd"] = LayerPacking.TarZstd,
    };

    [Fact]
    public void Every_listed_layer_type_parses_to_the_kind_and_packing_it_says()
    {
        var listed = MediaTypeData.LayerMediaTypes();

        Assert.Equal(20, listed.Count);
        foreach (var entry in listed)
        {
            Assert.True(LayerMediaType.TryParse(entry.MediaType, out var kind, out var packing), entry.MediaType);
            Assert.Equal(Kinds[entry.Kind], kind);
            Assert.Equal(Packings[entry.Packing], packing);
            Assert.Equal(entry.MediaType, LayerMediaType.Format(kind, packing));
        }
    }

    [Fact]
    public void The_code_knows_exactly_the_listed_layer_types()
    {
        var listed = MediaTypeData.LayerMediaTypes().Select(e => e.MediaType).OrderBy(t => t, System.StringComparer.Ordinal);

        Assert.Equal(listed, LayerMediaType.All.OrderBy(t => t, System.StringComparer.Ordinal));
    }

    [Fact]
    public void Manifest_artifact_and_config_media_types_match()
    {
        Assert.Equal(MediaTypes.OciManifest, MediaTypeData.Text("manifestMediaType"));
        Assert.Equal(MediaTypes.ModelArtifact, MediaTypeData.Text("artifactType"));
        Assert.Equal(MediaTypes.ModelConfig, MediaTypeData.Text("configMediaType"));
    }

    [Fact]
    public void Layer_annotation_keys_match()
    {
        var keys = MediaTypeData.Map("layerAnnotations");

        Assert.Equal(AnnotationKeys.Filepath, keys["filepath"]);
        Assert.Equal(AnnotationKeys.FileMetadata, keys["fileMetadata"]);
        Assert.Equal(AnnotationKeys.MediaTypeUntested, keys["mediaTypeUntested"]);
        Assert.Equal(AnnotationKeys.Title, MediaTypeData.Text("ociTitleAnnotation"));
    }

    [Fact]
    public void File_metadata_fields_and_types_match_what_the_validator_checks()
    {
        var listed = MediaTypeData.Map("fileMetadataFields");

        Assert.Equal(listed.Keys.OrderBy(k => k), FileMetadataRules.Fields.Keys.OrderBy(k => k));
        foreach (var (name, described) in listed)
        {
            var expected = described.Split(' ')[0] switch
            {
                "string" => FileMetadataRules.FieldType.String,
                "uint32" => FileMetadataRules.FieldType.UInt32,
                "int64" => FileMetadataRules.FieldType.Int64,
                "RFC" => FileMetadataRules.FieldType.DateTime,
                "byte" => FileMetadataRules.FieldType.Byte,
                _ => throw new Xunit.Sdk.XunitException($"media-types.json describes field '{name}' as '{described}', which this test does not know"),
            };
            Assert.Equal(expected, FileMetadataRules.Fields[name]);
        }
    }
}
