using System;
using System.Collections.Generic;
using System.Linq;
using System.Text;
using System.Text.Json.Nodes;
using ModelPack.Core.Errors;
using ModelPack.Core.Spec;
using ModelPack.Core.Tests.Support;
using static ModelPack.Core.Tests.Spec.ManifestSamples;

namespace ModelPack.Core.Tests.Spec;

public class ManifestValidatorTests
{
    private const string FilepathKey = "[\"org.cncf.model.filepath\"]";
    private const string MetadataKey = "[\"org.cncf.model.file.metadata+json\"]";
    private const string UntestedKey = "[\"org.cncf.model.file.mediatype.untested\"]";

    // rule broken -> (how, where it must be reported, a fragment the message must contain)
    private static readonly Dictionary<string, (Action<JsonObject> Break, string Path, string Says)> Broken = new()
    {
        ["schemaVersion missing"] = (m => m.Remove("schemaVersion"), "$.schemaVersion", "required"),
        ["schemaVersion 1"] = (m => m["schemaVersion"] = 1, "$.schemaVersion", "must be the integer 2"),
        ["schemaVersion \"2\""] = (m => m["schemaVersion"] = "2", "$.schemaVersion", "the string '2'"),
        ["schemaVersion 2.0"] = (m => m["schemaVersion"] = JsonNode.Parse("2.0"), "$.schemaVersion", "must be the integer 2"),
        ["mediaType missing"] = (m => m.Remove("mediaType"), "$.mediaType", "required"),
        ["mediaType docker v2"] = (m => m["mediaType"] = MediaTypes.DockerManifestV2, "$.mediaType", MediaTypes.OciManifest),
        ["mediaType index"] = (m => m["mediaType"] = MediaTypes.OciIndex, "$.mediaType", MediaTypes.OciManifest),
        ["mediaType number"] = (m => m["mediaType"] = 1, "$.mediaType", "the number 1"),
        ["artifactType missing"] = (m => m.Remove("artifactType"), "$.artifactType", "required"),
        ["artifactType legacy cnai"] = (m => m["artifactType"] = "application/vnd.cnai.model.manifest.v1+json", "$.artifactType", MediaTypes.ModelArtifact),
        ["artifactType vendor"] = (m => m["artifactType"] = "application/vnd.docker.ai.model.config.v0.1+json", "$.artifactType", MediaTypes.ModelArtifact),
        ["config missing"] = (m => m.Remove("config"), "$.config", "required"),
        ["config a string"] = (m => m["config"] = "sha256:d5815835051dd97d800a03f641ed8162877920e734d3d705b698912602b8c763", "$.config", "descriptor object"),
        ["config null"] = (m => m["config"] = null, "$.config", "null"),
        ["config mediaType OCI image config"] = (m => m["config"]!["mediaType"] = MediaTypes.OciImageConfig, "$.config.mediaType", MediaTypes.ModelConfig),
        ["config mediaType legacy cnai"] = (m => m["config"]!["mediaType"] = "application/vnd.cnai.model.config.v1+json", "$.config.mediaType", MediaTypes.ModelConfig),
        ["config mediaType missing"] = (m => ((JsonObject)m["config"]!).Remove("mediaType"), "$.config.mediaType", "required"),
        ["config mediaType number"] = (m => m["config"]!["mediaType"] = 5, "$.config.mediaType", "must be a string"),
        ["config digest missing"] = (m => ((JsonObject)m["config"]!).Remove("digest"), "$.config.digest", "required"),
        ["config digest upper-case hex"] = (m => m["config"]!["digest"] = "sha256:D5815835051DD97D800A03F641ED8162877920E734D3D705B698912602B8C763", "$.config.digest", "lowercase hex"),
        ["config digest short"] = (m => m["config"]!["digest"] = "sha256:d5815835", "$.config.digest", "64"),
        ["config digest no algorithm"] = (m => m["config"]!["digest"] = "d5815835051dd97d800a03f641ed8162877920e734d3d705b698912602b8c763", "$.config.digest", "algorithm:hex"),
        ["config digest upper-case algorithm"] = (m => m["config"]!["digest"] = "SHA256:d5815835051dd97d800a03f641ed8162877920e734d3d705b698912602b8c763", "$.config.digest", "algorithm"),
        ["config digest number"] = (m => m["config"]!["digest"] = 7, "$.config.digest", "digest string"),
        ["config size missing"] = (m => ((JsonObject)m["config"]!).Remove("size"), "$.config.size", "required"),
        ["config size negative"] = (m => m["config"]!["size"] = -1, "$.config.size", "non-negative integer"),
        ["config size string"] = (m => m["config"]!["size"] = "301", "$.config.size", "non-negative integer"),
        ["config size fraction"] = (m => m["config"]!["size"] = 1.5, "$.config.size", "non-negative integer"),
        ["config size exponent"] = (m => m["config"]!["size"] = JsonNode.Parse("3.01e2"), "$.config.size", "non-negative integer"),
        ["config size beyond int64"] = (m => m["config"]!["size"] = JsonNode.Parse("9223372036854775808"), "$.config.size", "non-negative integer"),
        ["layers missing"] = (m => m.Remove("layers"), "$.layers", "required"),
        ["layers an object"] = (m => m["layers"] = new JsonObject(), "$.layers", "must be an array"),
        ["layers empty"] = (m => m["layers"] = new JsonArray(), "$.layers", "must not be empty"),
        ["layer a string"] = (m => m["layers"]![1] = "layer", "$.layers[1]", "descriptor object"),
        ["layer mediaType OCI layer"] = (m => Layer(m, 1)["mediaType"] = MediaTypes.OciLayerTar, "$.layers[1].mediaType", "ModelPack layer media type"),
        ["layer mediaType legacy cnai"] = (m => Layer(m, 1)["mediaType"] = "application/vnd.cnai.model.weight.v1.tar", "$.layers[1].mediaType", "renamed"),
        ["layer mediaType vendor"] = (m => Layer(m, 1)["mediaType"] = "application/vnd.docker.ai.gguf.v3", "$.layers[1].mediaType", "ModelPack layer media type"),
        ["layer mediaType vendor cncf gguf"] = (m => Layer(m, 1)["mediaType"] = "application/vnd.cncf.model.weight.v1.gguf", "$.layers[1].mediaType", "ModelPack layer media type"),
        ["layer mediaType without packing"] = (m => Layer(m, 1)["mediaType"] = "application/vnd.cncf.model.weight.v1", "$.layers[1].mediaType", "ModelPack layer media type"),
        ["layer mediaType unknown packing"] = (m => Layer(m, 1)["mediaType"] = "application/vnd.cncf.model.weight.v1.tar+bzip2", "$.layers[1].mediaType", "ModelPack layer media type"),
        ["layer mediaType v2"] = (m => Layer(m, 1)["mediaType"] = "application/vnd.cncf.model.weight.v2.tar", "$.layers[1].mediaType", "ModelPack layer media type"),
        ["layer mediaType upper case"] = (m => Layer(m, 1)["mediaType"] = "application/vnd.cncf.model.WEIGHT.v1.raw", "$.layers[1].mediaType", "ModelPack layer media type"),
        ["layer mediaType config type"] = (m => Layer(m, 1)["mediaType"] = MediaTypes.ModelConfig, "$.layers[1].mediaType", "ModelPack layer media type"),
        ["layer mediaType missing"] = (m => Layer(m, 1).Remove("mediaType"), "$.layers[1].mediaType", "required"),
        ["layer mediaType array"] = (m => Layer(m, 1)["mediaType"] = new JsonArray("application/vnd.cncf.model.weight.v1.raw"), "$.layers[1].mediaType", "must be a string"),
        ["layer digest bad"] = (m => Layer(m, 1)["digest"] = "sha256:xyz", "$.layers[1].digest", "malformed"),
        ["layer size negative"] = (m => Layer(m, 1)["size"] = -5, "$.layers[1].size", "non-negative integer"),
        ["layer size missing"] = (m => Layer(m, 1).Remove("size"), "$.layers[1].size", "required"),
        ["layer annotations a string"] = (m => Layer(m, 1)["annotations"] = "x", "$.layers[1].annotations", "object of string values"),
        ["layer annotations an array"] = (m => Layer(m, 1)["annotations"] = new JsonArray(), "$.layers[1].annotations", "object of string values"),
        ["layer annotation value a number"] = (m => Annotations(m, 1)["org.example.count"] = 1, "$.layers[1].annotations[\"org.example.count\"]", "must be a string"),
        ["layer annotation value null"] = (m => Annotations(m, 1)["note"] = null, "$.layers[1].annotations.note", "null"),
        ["layer annotation value an object"] = (m => Annotations(m, 1)["org.example.x"] = new JsonObject(), "$.layers[1].annotations[\"org.example.x\"]", "an object"),
        ["filepath a number"] = (m => Annotations(m, 0)[AnnotationKeys.Filepath] = 42, "$.layers[0].annotations" + FilepathKey, "must be a string"),
        ["filepath empty"] = (m => Annotations(m, 0)[AnnotationKeys.Filepath] = "", "$.layers[0].annotations" + FilepathKey, "must not be empty"),
        ["filepath absolute"] = (m => Annotations(m, 0)[AnnotationKeys.Filepath] = "/etc/passwd", "$.layers[0].annotations" + FilepathKey, "absolute"),
        ["filepath backslash absolute"] = (m => Annotations(m, 0)[AnnotationKeys.Filepath] = "\\Windows\\win.ini", "$.layers[0].annotations" + FilepathKey, "absolute"),
        ["filepath drive-rooted"] = (m => Annotations(m, 0)[AnnotationKeys.Filepath] = "C:\\Windows\\win.ini", "$.layers[0].annotations" + FilepathKey, "drive"),
        ["filepath drive-relative"] = (m => Annotations(m, 0)[AnnotationKeys.Filepath] = "c:model.bin", "$.layers[0].annotations" + FilepathKey, "drive"),
        ["filepath UNC"] = (m => Annotations(m, 0)[AnnotationKeys.Filepath] = "\\\\server\\share\\model.bin", "$.layers[0].annotations" + FilepathKey, "UNC"),
        ["filepath parent"] = (m => Annotations(m, 0)[AnnotationKeys.Filepath] = "../model.bin", "$.layers[0].annotations" + FilepathKey, ".."),
        ["filepath escaping inside"] = (m => Annotations(m, 0)[AnnotationKeys.Filepath] = "a/../../model.bin", "$.layers[0].annotations" + FilepathKey, ".."),
        ["filepath backslash parent"] = (m => Annotations(m, 0)[AnnotationKeys.Filepath] = "a\\..\\..\\model.bin", "$.layers[0].annotations" + FilepathKey, ".."),
        ["filepath only dot"] = (m => Annotations(m, 0)[AnnotationKeys.Filepath] = "./", "$.layers[0].annotations" + FilepathKey, "names no file"),
        ["filepath NUL"] = (m => Annotations(m, 0)[AnnotationKeys.Filepath] = "model.bin\0.txt", "$.layers[0].annotations" + FilepathKey, "NUL"),
        ["metadata not JSON"] = (m => Annotations(m, 0)[AnnotationKeys.FileMetadata] = "{name:", "$.layers[0].annotations" + MetadataKey, "not valid JSON"),
        ["metadata an array"] = (m => Annotations(m, 0)[AnnotationKeys.FileMetadata] = "[]", "$.layers[0].annotations" + MetadataKey, "an array"),
        ["metadata a number"] = (m => Annotations(m, 0)[AnnotationKeys.FileMetadata] = 5, "$.layers[0].annotations" + MetadataKey, "must be a string"),
        ["metadata name a number"] = (m => Annotations(m, 0)[AnnotationKeys.FileMetadata] = "{\"name\":3}", "$.layers[0].annotations" + MetadataKey, "'name' must be a string, got the number 3"),
        ["metadata name null"] = (m => Annotations(m, 0)[AnnotationKeys.FileMetadata] = "{\"name\":null}", "$.layers[0].annotations" + MetadataKey, "'name' must be a string, got null"),
        ["metadata mode negative"] = (m => Annotations(m, 0)[AnnotationKeys.FileMetadata] = "{\"mode\":-1}", "$.layers[0].annotations" + MetadataKey, "'mode' must be an integer from 0 to 4294967295"),
        ["metadata mode beyond uint32"] = (m => Annotations(m, 0)[AnnotationKeys.FileMetadata] = "{\"mode\":4294967296}", "$.layers[0].annotations" + MetadataKey, "'mode'"),
        ["metadata mode octal string"] = (m => Annotations(m, 0)[AnnotationKeys.FileMetadata] = "{\"mode\":\"0644\"}", "$.layers[0].annotations" + MetadataKey, "'mode'"),
        ["metadata uid a string"] = (m => Annotations(m, 0)[AnnotationKeys.FileMetadata] = "{\"uid\":\"0\"}", "$.layers[0].annotations" + MetadataKey, "'uid'"),
        ["metadata gid fraction"] = (m => Annotations(m, 0)[AnnotationKeys.FileMetadata] = "{\"gid\":1.5}", "$.layers[0].annotations" + MetadataKey, "'gid'"),
        ["metadata size a string"] = (m => Annotations(m, 0)[AnnotationKeys.FileMetadata] = "{\"size\":\"big\"}", "$.layers[0].annotations" + MetadataKey, "'size' must be a 64-bit integer"),
        ["metadata size beyond int64"] = (m => Annotations(m, 0)[AnnotationKeys.FileMetadata] = "{\"size\":9223372036854775808}", "$.layers[0].annotations" + MetadataKey, "'size'"),
        ["metadata mtime not a date"] = (m => Annotations(m, 0)[AnnotationKeys.FileMetadata] = "{\"mtime\":\"yesterday\"}", "$.layers[0].annotations" + MetadataKey, "'mtime' must be an RFC 3339"),
        ["metadata mtime without zone"] = (m => Annotations(m, 0)[AnnotationKeys.FileMetadata] = "{\"mtime\":\"2025-01-01T00:00:00\"}", "$.layers[0].annotations" + MetadataKey, "'mtime'"),
        ["metadata mtime a number"] = (m => Annotations(m, 0)[AnnotationKeys.FileMetadata] = "{\"mtime\":1735689600}", "$.layers[0].annotations" + MetadataKey, "'mtime'"),
        ["metadata typeflag beyond a byte"] = (m => Annotations(m, 0)[AnnotationKeys.FileMetadata] = "{\"typeflag\":256}", "$.layers[0].annotations" + MetadataKey, "'typeflag' must be an integer from 0 to 255"),
        ["metadata typeflag a character"] = (m => Annotations(m, 0)[AnnotationKeys.FileMetadata] = "{\"typeflag\":\"0\"}", "$.layers[0].annotations" + MetadataKey, "'typeflag'"),
        ["metadata unknown field"] = (m => Annotations(m, 0)[AnnotationKeys.FileMetadata] = "{\"name\":\"a\",\"files\":2}", "$.layers[0].annotations" + MetadataKey, "'files' is not a file metadata field"),
        ["metadata field in another case"] = (m => Annotations(m, 0)[AnnotationKeys.FileMetadata] = "{\"Mode\":420}", "$.layers[0].annotations" + MetadataKey, "'Mode' is not a file metadata field"),
        ["metadata repeated field"] = (m => Annotations(m, 0)[AnnotationKeys.FileMetadata] = "{\"mode\":420,\"mode\":511}", "$.layers[0].annotations" + MetadataKey, "more than once"),
        ["untested yes"] = (m => Annotations(m, 0)[AnnotationKeys.MediaTypeUntested] = "yes", "$.layers[0].annotations" + UntestedKey, "\"true\" or \"false\""),
        ["untested TRUE"] = (m => Annotations(m, 0)[AnnotationKeys.MediaTypeUntested] = "TRUE", "$.layers[0].annotations" + UntestedKey, "'TRUE'"),
        ["untested empty"] = (m => Annotations(m, 0)[AnnotationKeys.MediaTypeUntested] = "", "$.layers[0].annotations" + UntestedKey, "\"true\" or \"false\""),
        ["untested a boolean"] = (m => Annotations(m, 0)[AnnotationKeys.MediaTypeUntested] = true, "$.layers[0].annotations" + UntestedKey, "must be a string"),
        ["manifest annotations a string"] = (m => m["annotations"] = "x", "$.annotations", "object of string values"),
        ["manifest annotation value a number"] = (m => m["annotations"]!["org.opencontainers.image.version"] = 3, "$.annotations[\"org.opencontainers.image.version\"]", "must be a string"),
        ["subject a string"] = (m => m["subject"] = "x", "$.subject", "descriptor object"),
        ["subject digest bad"] = (m => m["subject"] = new JsonObject { ["mediaType"] = MediaTypes.OciManifest, ["digest"] = "sha256:1", ["size"] = 1 }, "$.subject.digest", "malformed"),
        ["descriptor urls not strings"] = (m => Layer(m, 0)["urls"] = new JsonArray(1), "$.layers[0].urls[0]", "must be a string"),
        ["descriptor artifactType a number"] = (m => Layer(m, 0)["artifactType"] = 1, "$.layers[0].artifactType", "must be a string"),
    };

    // rule kept -> a change that stays valid (each next to its breaking cases above)
    private static readonly Dictionary<string, Action<JsonObject>> Kept = new()
    {
        ["filepath absent on every layer (optional in the spec)"] = m =>
        {
            Annotations(m, 0).Remove(AnnotationKeys.Filepath);
            Annotations(m, 1).Remove(AnnotationKeys.Filepath);
        },
        ["layer annotations absent"] = m => Layer(m, 0).Remove("annotations"),
        ["layer annotations empty"] = m => Layer(m, 0)["annotations"] = new JsonObject(),
        ["annotation value empty string"] = m => Annotations(m, 0)["org.example.note"] = "",
        ["manifest annotations absent"] = m => m.Remove("annotations"),
        ["filepath nested with backslashes"] = m => Annotations(m, 0)[AnnotationKeys.Filepath] = "weights\\part-1\\model.safetensors",
        ["filepath with dot segments"] = m => Annotations(m, 0)[AnnotationKeys.Filepath] = "./weights/./model.safetensors",
        ["filepath a directory for a tar layer"] = m => Annotations(m, 1)[AnnotationKeys.Filepath] = "config/",
        ["same file name in two directories"] = m =>
        {
            Annotations(m, 0)[AnnotationKeys.Filepath] = "a/model.bin";
            Annotations(m, 1)[AnnotationKeys.Filepath] = "b/model.bin";
        },
        ["file names differing only in case"] = m =>
        {
            Annotations(m, 0)[AnnotationKeys.Filepath] = "README.md";
            Annotations(m, 1)[AnnotationKeys.Filepath] = "readme.md";
        },
        ["untested true"] = m => Annotations(m, 0)[AnnotationKeys.MediaTypeUntested] = "true",
        ["metadata empty object"] = m => Annotations(m, 0)[AnnotationKeys.FileMetadata] = "{}",
        ["metadata extreme values"] = m => Annotations(m, 0)[AnnotationKeys.FileMetadata] =
            "{\"name\":\"\",\"mode\":4294967295,\"uid\":0,\"gid\":4294967295,\"size\":9223372036854775807,\"mtime\":\"1970-01-01T00:00:00.123456789+05:30\",\"typeflag\":255}",
        ["metadata typeflag zero"] = m => Annotations(m, 0)[AnnotationKeys.FileMetadata] = "{\"typeflag\":0,\"mtime\":\"2016-12-31T23:59:60Z\"}",
        ["size zero"] = m => Layer(m, 0)["size"] = 0,
        ["size above 4 GiB"] = m => Layer(m, 0)["size"] = 5018536960L,
        ["sha512 digest"] = m => Layer(m, 0)["digest"] = "sha512:" + new string('a', 128),
        ["unregistered digest algorithm"] = m => Layer(m, 0)["digest"] = "blake3:" + new string('b', 64),
        ["every packing of one kind"] = m =>
        {
            var layers = (JsonArray)m["layers"]!;
            foreach (var packing in new[] { "tar", "tar+gzip", "tar+zstd" })
            {
                layers.Add(new JsonObject
                {
                    ["mediaType"] = "application/vnd.cncf.model.dataset.v1." + packing,
                    ["digest"] = "sha256:" + new string('c', 64),
                    ["size"] = 1,
                });
            }
        },
        ["valid subject"] = m => m["subject"] = new JsonObject { ["mediaType"] = MediaTypes.OciManifest, ["digest"] = "sha256:" + new string('d', 64), ["size"] = 10 },
        ["unknown extra top-level field"] = m => m["x-extension"] = "ignored by OCI rules",
        ["urls strings"] = m => Layer(m, 0)["urls"] = new JsonArray("https://example.com/blob"),
    };

    public static TheoryData<string> BrokenRules => new(Broken.Keys);

    public static TheoryData<string> KeptRules => new(Kept.Keys);

    [Fact]
    public void The_spec_example_manifest_is_valid()
    {
        Assert.Empty(ManifestValidator.Validate(SpecData.Bytes("example-manifest.json")));
    }

    [Fact]
    public void The_sample_manifest_is_valid()
    {
        Assert.Empty(ManifestValidator.Validate(Bytes(Valid())));
    }

    [Theory]
    [MemberData(nameof(BrokenRules))]
    public void Breaking_one_rule_reports_it_at_its_path(string rule)
    {
        var (breakIt, path, says) = Broken[rule];

        var violation = Single(ManifestSamples.Validate(breakIt), path);

        Assert.Contains(says, violation.Message, StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(KeptRules))]
    public void Valid_variations_report_nothing(string rule)
    {
        var violations = ManifestSamples.Validate(Kept[rule]);

        Assert.True(violations.Count == 0, string.Join(Environment.NewLine, violations));
    }

    [Theory]
    [InlineData("model.safetensors")]
    [InlineData("./model.safetensors")]
    [InlineData("model.safetensors/")]
    [InlineData(".\\model.safetensors")]
    [InlineData(".//model.safetensors")]
    public void Filepaths_that_normalise_to_the_same_path_are_duplicates(string second)
    {
        var violation = Single(
            ManifestSamples.Validate(m => Annotations(m, 1)[AnnotationKeys.Filepath] = second),
            "$.layers[1].annotations" + FilepathKey);

        Assert.Contains("$.layers[0]", violation.Message, StringComparison.Ordinal);
        Assert.Contains("'model.safetensors'", violation.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("not json")]
    [InlineData("{\"schemaVersion\":2,")]
    [InlineData("")]
    [InlineData("{} {}")]
    [InlineData("{\"a\":1,}")]
    public void Invalid_JSON_is_one_violation_at_the_root(string text)
    {
        var violation = Single(ManifestValidator.Validate(Encoding.UTF8.GetBytes(text)), "$");

        Assert.Contains("not valid JSON", violation.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("[]", "an array")]
    [InlineData("\"manifest\"", "the string 'manifest'")]
    [InlineData("null", "null")]
    [InlineData("2", "the number 2")]
    public void JSON_that_is_not_an_object_is_one_violation_at_the_root(string text, string got)
    {
        var violation = Single(ManifestValidator.Validate(Encoding.UTF8.GetBytes(text)), "$");

        Assert.Contains("must be a JSON object", violation.Message, StringComparison.Ordinal);
        Assert.Contains(got, violation.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Repeated_property_names_are_reported_where_they_repeat()
    {
        var text = Encoding.UTF8.GetString(Bytes(Valid()))
            .Replace("\"artifactType\":", "\"artifactType\":\"application/vnd.cncf.model.manifest.v1+json\",\"artifactType\":", StringComparison.Ordinal);

        var violation = Single(ManifestValidator.Validate(Encoding.UTF8.GetBytes(text)), "$.artifactType");

        Assert.Contains("more than once", violation.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Repeated_annotation_keys_are_reported()
    {
        var text = Encoding.UTF8.GetString(Bytes(Valid()))
            .Replace("{\"org.cncf.model.filepath\":\"model.safetensors\",", "{\"org.cncf.model.filepath\":\"model.safetensors\",\"org.cncf.model.filepath\":\"../escape\",", StringComparison.Ordinal);

        var violations = ManifestValidator.Validate(Encoding.UTF8.GetBytes(text));

        Assert.Contains(violations, v => v.Path == "$.layers[0].annotations" + FilepathKey && v.Message.Contains("more than once", StringComparison.Ordinal));
    }

    [Fact]
    public void Messages_quoting_hostile_values_stay_on_one_line()
    {
        var violations = ManifestSamples.Validate(m =>
        {
            Layer(m, 0)["digest"] = "sha256:\nINFO: all layers verified";
            Annotations(m, 1)[AnnotationKeys.Filepath] = "/x\r\nINFO: ok";
        });

        Assert.Equal(2, violations.Count);
        Assert.All(violations, v => Assert.DoesNotContain('\n', v.Message));
        Assert.All(violations, v => Assert.DoesNotContain('\r', v.Message));
        Assert.Contains("\\u000A", violations[0].Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_manifest_breaking_many_rules_reports_every_one_at_its_path()
    {
        var manifest = Valid();
        manifest["schemaVersion"] = 1;
        manifest["artifactType"] = "application/vnd.cnai.model.manifest.v1+json";
        manifest["config"]!["mediaType"] = MediaTypes.OciImageConfig;
        manifest["config"]!["size"] = -1;
        Layer(manifest, 0)["digest"] = "sha256:nothex";
        Annotations(manifest, 0)[AnnotationKeys.Filepath] = "../../etc/passwd";
        Annotations(manifest, 0)[AnnotationKeys.MediaTypeUntested] = "maybe";
        Annotations(manifest, 0)[AnnotationKeys.FileMetadata] = "{\"mode\":-1,\"mtime\":\"soon\",\"extra\":1}";
        Layer(manifest, 1)["mediaType"] = MediaTypes.OciLayerTarGzip;
        Annotations(manifest, 1)["org.example.count"] = 3;
        ((JsonArray)manifest["layers"]!).Add(new JsonObject
        {
            ["mediaType"] = "application/vnd.cncf.model.doc.v1.raw",
            ["digest"] = "sha256:" + new string('e', 64),
            ["size"] = "12",
            ["annotations"] = new JsonObject { [AnnotationKeys.Filepath] = "C:\\README.md" },
        });
        ((JsonArray)manifest["layers"]!).Add(42);

        var paths = ManifestValidator.Validate(Bytes(manifest)).Select(v => v.Path).ToList();

        Assert.Equal(
            new[]
            {
                "$.schemaVersion",
                "$.artifactType",
                "$.config.size",
                "$.config.mediaType",
                "$.layers[0].digest",
                "$.layers[0].annotations" + FilepathKey,
                "$.layers[0].annotations" + MetadataKey,
                "$.layers[0].annotations" + MetadataKey,
                "$.layers[0].annotations" + MetadataKey,
                "$.layers[0].annotations" + UntestedKey,
                "$.layers[1].annotations[\"org.example.count\"]",
                "$.layers[1].mediaType",
                "$.layers[2].size",
                "$.layers[2].annotations" + FilepathKey,
                "$.layers[3]",
            },
            paths);
    }

    [Fact]
    public void Every_layer_media_type_in_the_spec_data_is_accepted()
    {
        foreach (var entry in MediaTypeData.LayerMediaTypes())
        {
            var violations = ManifestSamples.Validate(m => Layer(m, 0)["mediaType"] = entry.MediaType);
            Assert.True(violations.Count == 0, entry.MediaType + ": " + string.Join("; ", violations));
        }
    }

    [Fact]
    public void ModelManifest_Validate_checks_the_exact_parsed_bytes()
    {
        var manifest = Valid();
        manifest["schemaVersion"] = 3;
        Annotations(manifest, 0)[AnnotationKeys.Filepath] = "/abs";

        var parsed = ModelManifest.Parse(Bytes(manifest));

        Assert.Equal(new[] { "$.schemaVersion", "$.layers[0].annotations" + FilepathKey }, parsed.Validate().Select(v => v.Path));
        Assert.Empty(ModelManifest.Parse(SpecData.Bytes("example-manifest.json")).Validate());
    }

    [Fact]
    public void ModelManifest_created_canonically_is_valid()
    {
        var config = new Descriptor(MediaTypes.ModelConfig, Digest.Sha256("{}").ToString(), 2);
        var layer = new Descriptor(
            LayerMediaType.Format(LayerKind.Weight, LayerPacking.Raw),
            Digest.Sha256("w").ToString(),
            1,
            new Dictionary<string, string> { [AnnotationKeys.Filepath] = "model.gguf" });

        Assert.Empty(ModelManifest.Create(config, new[] { layer }).Validate());
    }

    [Fact]
    public void ThrowIfInvalid_lists_every_violation()
    {
        var manifest = Valid();
        manifest.Remove("artifactType");
        Layer(manifest, 1)["size"] = -2;
        var parsed = ModelManifest.Parse(Bytes(manifest));

        var ex = Assert.Throws<ModelSpecException>(() => parsed.ThrowIfInvalid("registry.example/models/x:1"));

        Assert.Equal(ErrorIds.ModelSpecViolation, ex.ErrorId);
        Assert.Equal(ErrorKind.InvalidData, ex.Kind);
        Assert.Equal("registry.example/models/x:1", ex.Subject);
        Assert.Equal(new[] { "$.artifactType", "$.layers[1].size" }, ex.Violations.Select(v => v.Path));
        Assert.Contains("registry.example/models/x:1", ex.Message, StringComparison.Ordinal);
        Assert.Contains("$.artifactType: is required", ex.Message, StringComparison.Ordinal);
        Assert.Contains("$.layers[1].size: must be a non-negative integer", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ThrowIfInvalid_is_silent_for_a_valid_manifest()
    {
        var parsed = ModelManifest.Parse(Bytes(Valid()));

        var ex = Record.Exception(() => parsed.ThrowIfInvalid("sample"));

        Assert.Null(ex);
    }
}
