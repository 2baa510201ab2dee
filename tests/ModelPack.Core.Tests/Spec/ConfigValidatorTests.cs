using System;
using System.Collections.Generic;
using System.Linq;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using ModelPack.Core.Errors;
using ModelPack.Core.Spec;
using ModelPack.Core.Tests.Support;

namespace ModelPack.Core.Tests.Spec;

public class ConfigValidatorTests
{
    private const string DiffId = "sha256:1234567890abcdef1234567890abcdef1234567890abcdef1234567890abcdef";

    // Where each expected failure in config-vectors.json must be reported, so a vector cannot pass
    // by failing for another reason (such as the stricter diffId check).
    private static readonly Dictionary<string, string> VectorFailurePaths = new()
    {
        ["expected failure: config is missing"] = "$.config",
        ["expected failure: revision is a number"] = "$.descriptor.revision",
        ["expected failure: authors is not an array"] = "$.descriptor.authors",
        ["expected failure: docURL is an array"] = "$.descriptor.docURL",
        ["expected failure: datasetsURL is not an array"] = "$.descriptor.datasetsURL",
        ["expected failure: precision is a number"] = "$.config.precision",
        ["expected failure: diffIds is not an array"] = "$.modelfs.diffIds",
        ["expected failure: inputTypes is not an array"] = "$.config.capabilities.inputTypes",
        ["expected failure: the element of inputTypes/outputTypes is not a valid type"] = "$.config.capabilities.inputTypes[0]",
        ["expected failure: reasoning is not boolean"] = "$.config.capabilities.reasoning",
        ["expected failure: reward is not boolean"] = "$.config.capabilities.reward",
        ["expected failure: language code is not a two-letter ISO 639 code"] = "$.config.capabilities.languages[0]",
    };

    // rule broken -> (JSON path to set, value, where it must be reported, a fragment the message must contain);
    // a null value removes the property.
    private static readonly Dictionary<string, (string Set, string? Json, string Path, string Says)> Broken = new()
    {
        ["descriptor missing"] = ("descriptor", null, "$.descriptor", "required"),
        ["modelfs missing"] = ("modelfs", null, "$.modelfs", "required"),
        ["config missing"] = ("config", null, "$.config", "required"),
        ["descriptor an array"] = ("descriptor", "[]", "$.descriptor", "must be an object"),
        ["config null"] = ("config", "null", "$.config", "must be an object, got null"),
        ["modelfs a string"] = ("modelfs", "\"layers\"", "$.modelfs", "must be an object"),
        ["unknown root property"] = ("extra", "1", "$.extra", "not an allowed property"),
        ["unknown descriptor property"] = ("descriptor.url", "\"x\"", "$.descriptor.url", "not an allowed property"),
        ["property in another case"] = ("descriptor.Name", "\"x\"", "$.descriptor.Name", "not an allowed property"),
        ["unknown config property"] = ("config.contextSize", "8192", "$.config.contextSize", "not an allowed property"),
        ["unknown capabilities property"] = ("config.capabilities.vision", "true", "$.config.capabilities.vision", "not an allowed property"),
        ["unknown modelfs property"] = ("modelfs.extra", "[]", "$.modelfs.extra", "not an allowed property"),
        ["name empty"] = ("descriptor.name", "\"\"", "$.descriptor.name", "at least 1 character"),
        ["name a number"] = ("descriptor.name", "7", "$.descriptor.name", "must be a string"),
        ["createdAt not a date"] = ("descriptor.createdAt", "\"yesterday\"", "$.descriptor.createdAt", "RFC 3339"),
        ["createdAt a date only"] = ("descriptor.createdAt", "\"2025-01-01\"", "$.descriptor.createdAt", "RFC 3339"),
        ["createdAt without a zone"] = ("descriptor.createdAt", "\"2025-01-01T00:00:00\"", "$.descriptor.createdAt", "RFC 3339"),
        ["createdAt month 13"] = ("descriptor.createdAt", "\"2025-13-01T00:00:00Z\"", "$.descriptor.createdAt", "RFC 3339"),
        ["createdAt 29 February in a common year"] = ("descriptor.createdAt", "\"2025-02-29T00:00:00Z\"", "$.descriptor.createdAt", "RFC 3339"),
        ["createdAt a number"] = ("descriptor.createdAt", "1735689600", "$.descriptor.createdAt", "must be a string"),
        ["authors a string"] = ("descriptor.authors", "\"a\"", "$.descriptor.authors", "must be an array"),
        ["authors item a number"] = ("descriptor.authors", "[\"a\", 1]", "$.descriptor.authors[1]", "must be a string"),
        ["licenses item null"] = ("descriptor.licenses", "[null]", "$.descriptor.licenses[0]", "must be a string"),
        ["family a boolean"] = ("descriptor.family", "true", "$.descriptor.family", "must be a string"),
        ["sourceURL an object"] = ("descriptor.sourceURL", "{}", "$.descriptor.sourceURL", "must be a string"),
        ["version a number"] = ("descriptor.version", "3.1", "$.descriptor.version", "must be a string"),
        ["vendor null"] = ("descriptor.vendor", "null", "$.descriptor.vendor", "must be a string"),
        ["title a number"] = ("descriptor.title", "1", "$.descriptor.title", "must be a string"),
        ["description an array"] = ("descriptor.description", "[]", "$.descriptor.description", "must be a string"),
        ["architecture a number"] = ("config.architecture", "1", "$.config.architecture", "must be a string"),
        ["format a number"] = ("config.format", "1", "$.config.format", "must be a string"),
        ["paramSize a number"] = ("config.paramSize", "8000000000", "$.config.paramSize", "must be a string"),
        ["quantization a boolean"] = ("config.quantization", "false", "$.config.quantization", "must be a string"),
        ["capabilities an array"] = ("config.capabilities", "[]", "$.config.capabilities", "must be an object"),
        ["outputTypes a string"] = ("config.capabilities.outputTypes", "\"text\"", "$.config.capabilities.outputTypes", "must be an array"),
        ["outputTypes unknown modality"] = ("config.capabilities.outputTypes", "[\"text\", \"Text\"]", "$.config.capabilities.outputTypes[1]", "must be one of 'text', 'image', 'audio', 'video', 'embedding', 'other'"),
        ["inputTypes item a number"] = ("config.capabilities.inputTypes", "[1]", "$.config.capabilities.inputTypes[0]", "must be one of the strings"),
        ["knowledgeCutoff not a date"] = ("config.capabilities.knowledgeCutoff", "\"2024-05\"", "$.config.capabilities.knowledgeCutoff", "RFC 3339"),
        ["toolUsage a string"] = ("config.capabilities.toolUsage", "\"false\"", "$.config.capabilities.toolUsage", "true or false"),
        ["reasoning a number"] = ("config.capabilities.reasoning", "1", "$.config.capabilities.reasoning", "true or false"),
        ["languages upper case"] = ("config.capabilities.languages", "[\"EN\"]", "$.config.capabilities.languages[0]", "^[a-z]{2}$"),
        ["languages one letter"] = ("config.capabilities.languages", "[\"e\"]", "$.config.capabilities.languages[0]", "^[a-z]{2}$"),
        ["languages region tag"] = ("config.capabilities.languages", "[\"en-US\"]", "$.config.capabilities.languages[0]", "^[a-z]{2}$"),
        ["languages trailing newline"] = ("config.capabilities.languages", "[\"en\\n\"]", "$.config.capabilities.languages[0]", "^[a-z]{2}$"),
        ["languages non-ASCII letters"] = ("config.capabilities.languages", "[\"\u00e9s\"]", "$.config.capabilities.languages[0]", "^[a-z]{2}$"),
        ["languages a string"] = ("config.capabilities.languages", "\"en\"", "$.config.capabilities.languages", "must be an array"),
        ["modelfs type missing"] = ("modelfs.type", null, "$.modelfs.type", "required"),
        ["modelfs type layer"] = ("modelfs.type", "\"layer\"", "$.modelfs.type", "must be one of 'layers'"),
        ["modelfs type a number"] = ("modelfs.type", "1", "$.modelfs.type", "must be one of the strings 'layers'"),
        ["diffIds missing"] = ("modelfs.diffIds", null, "$.modelfs.diffIds", "required"),
        ["diffIds empty"] = ("modelfs.diffIds", "[]", "$.modelfs.diffIds", "at least 1 item"),
        ["diffIds item a number"] = ("modelfs.diffIds", "[1]", "$.modelfs.diffIds[0]", "must be a string"),
        ["diffIds item not a digest (stricter than the schema)"] = ("modelfs.diffIds", "[\"layer-1\"]", "$.modelfs.diffIds[0]", "not a well-formed digest"),
        ["diffIds item short sha256 (stricter than the schema)"] = ("modelfs.diffIds", "[\"sha256:abc\"]", "$.modelfs.diffIds[0]", "64 lowercase hex"),
    };

    // rule kept -> a change that stays valid
    private static readonly Dictionary<string, (string Set, string? Json)> Kept = new()
    {
        ["descriptor empty (name is not required)"] = ("descriptor", "{}"),
        ["config empty"] = ("config", "{}"),
        ["name one character"] = ("descriptor.name", "\"x\""),
        ["name one astral character"] = ("descriptor.name", "\"\\ud83d\\ude00\""),
        ["createdAt with offset and fraction"] = ("descriptor.createdAt", "\"2025-06-30T23:59:60.5Z\""),
        ["createdAt lower-case t and z"] = ("descriptor.createdAt", "\"2024-02-29t12:00:00z\""),
        ["authors empty"] = ("descriptor.authors", "[]"),
        ["every modality"] = ("config.capabilities.inputTypes", "[\"text\",\"image\",\"audio\",\"video\",\"embedding\",\"other\"]"),
        ["outputTypes empty"] = ("config.capabilities.outputTypes", "[]"),
        ["languages two letters"] = ("config.capabilities.languages", "[\"en\",\"zh\",\"fr\"]"),
        ["knowledgeCutoff with offset"] = ("config.capabilities.knowledgeCutoff", "\"2024-05-21T00:00:00-07:00\""),
        ["reward false"] = ("config.capabilities.reward", "false"),
        ["capabilities empty"] = ("config.capabilities", "{}"),
        ["diffIds sha512"] = ("modelfs.diffIds", "[\"sha512:" + new string('0', 128) + "\"]"),
        ["diffIds repeated"] = ("modelfs.diffIds", "[\"" + DiffId + "\",\"" + DiffId + "\"]"),
    };

    public static TheoryData<string> Vectors()
    {
        var data = new TheoryData<string>();
        foreach (var description in VectorsByDescription().Keys)
        {
            data.Add(description);
        }

        return data;
    }

    public static TheoryData<string> BrokenRules => new(Broken.Keys);

    public static TheoryData<string> KeptRules => new(Kept.Keys);

    [DescribedTheory]
    [MemberData(nameof(Vectors))]
    public void Spec_vector_comes_out_as_labelled(string description)
    {
        var (config, valid) = VectorsByDescription()[description];

        var violations = ConfigValidator.Validate(Encoding.UTF8.GetBytes(config));

        if (valid)
        {
            Assert.True(violations.Count == 0, string.Join(Environment.NewLine, violations));
        }
        else
        {
            Assert.True(VectorFailurePaths.TryGetValue(description, out var path), $"new failure vector '{description}': add where it must fail to VectorFailurePaths");
            Assert.NotEmpty(violations);
            Assert.All(violations, v => Assert.Equal(path, v.Path));
        }
    }

    [Fact]
    public void The_vectors_file_has_both_kinds_and_every_mapped_failure()
    {
        var vectors = VectorsByDescription();

        Assert.Contains(vectors.Values, v => v.Valid);
        Assert.All(VectorFailurePaths.Keys, d => Assert.False(vectors[d].Valid));
    }

    [Fact]
    public void The_sample_config_is_valid()
    {
        Assert.Empty(ConfigValidator.Validate(Bytes(Valid())));
    }

    [Theory]
    [MemberData(nameof(BrokenRules))]
    public void Breaking_one_rule_reports_it_at_its_path(string rule)
    {
        var (set, json, path, says) = Broken[rule];
        var config = Valid();
        Set(config, set, json);

        var violations = ConfigValidator.Validate(Bytes(config));

        var violation = ManifestSamples.Single(violations, path);
        Assert.Contains(says, violation.Message, StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(KeptRules))]
    public void Valid_variations_report_nothing(string rule)
    {
        var (set, json) = Kept[rule];
        var config = Valid();
        Set(config, set, json);

        var violations = ConfigValidator.Validate(Bytes(config));

        Assert.True(violations.Count == 0, string.Join(Environment.NewLine, violations));
    }

    [Theory]
    [InlineData("")]
    [InlineData("{")]
    [InlineData("{\"descriptor\":{}} trailing")]
    public void Invalid_JSON_is_one_violation_at_the_root(string text)
    {
        var violation = ManifestSamples.Single(ConfigValidator.Validate(Encoding.UTF8.GetBytes(text)), "$");

        Assert.Contains("not valid JSON", violation.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_root_that_is_not_an_object_is_reported_at_the_root()
    {
        var violation = ManifestSamples.Single(ConfigValidator.Validate(Encoding.UTF8.GetBytes("[]")), "$");

        Assert.Contains("must be an object, got an array", violation.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void An_empty_object_lacks_all_three_required_properties()
    {
        var paths = ConfigValidator.Validate(Encoding.UTF8.GetBytes("{}")).Select(v => v.Path);

        Assert.Equal(new[] { "$.descriptor", "$.config", "$.modelfs" }, paths);
    }

    [Fact]
    public void Repeated_property_names_are_reported()
    {
        var text = "{\"descriptor\":{\"name\":\"a\",\"name\":\"b\"},\"config\":{},\"modelfs\":{\"type\":\"layers\",\"diffIds\":[\"" + DiffId + "\"]}}";

        var violation = ManifestSamples.Single(ConfigValidator.Validate(Encoding.UTF8.GetBytes(text)), "$.descriptor.name");

        Assert.Contains("more than once", violation.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_config_breaking_many_rules_reports_every_one()
    {
        var config = Valid();
        Set(config, "descriptor.name", "\"\"");
        Set(config, "descriptor.createdAt", "\"2025-02-30T00:00:00Z\"");
        Set(config, "config.capabilities.languages", "[\"en\", \"deu\", 3]");
        Set(config, "config.capabilities.reward", "\"no\"");
        Set(config, "modelfs.type", "\"tar\"");
        Set(config, "modelfs.diffIds", "[]");
        Set(config, "extra", "{}");

        var paths = ConfigValidator.Validate(Bytes(config)).Select(v => v.Path).OrderBy(p => p, StringComparer.Ordinal);

        Assert.Equal(
            new[]
            {
                "$.config.capabilities.languages[1]",
                "$.config.capabilities.languages[2]",
                "$.config.capabilities.reward",
                "$.descriptor.createdAt",
                "$.descriptor.name",
                "$.extra",
                "$.modelfs.diffIds",
                "$.modelfs.type",
            },
            paths);
    }

    [Fact]
    public void ModelConfig_Validate_and_ThrowIfInvalid_use_the_parsed_bytes()
    {
        var config = Valid();
        Set(config, "descriptor.revision", "1");
        Set(config, "modelfs.diffIds", "[]");
        var parsed = ModelConfig.Parse(Bytes(config));

        Assert.Equal(new[] { "$.descriptor.revision", "$.modelfs.diffIds" }, parsed.Validate().Select(v => v.Path));
        var ex = Assert.Throws<ModelSpecException>(() => parsed.ThrowIfInvalid("config of x:1"));
        Assert.Equal(ErrorIds.ModelSpecViolation, ex.ErrorId);
        Assert.Equal(2, ex.Violations.Count);
        Assert.Contains("$.descriptor.revision: must be a string, got the number 1", ex.Message, StringComparison.Ordinal);
        Assert.Contains("$.modelfs.diffIds: must have at least 1 item", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ModelConfig_built_in_code_validates_its_canonical_form()
    {
        var config = new ModelConfig();
        config.Descriptor.Name = "tiny";
        config.Descriptor.CreatedAt = new DateTimeOffset(2025, 1, 2, 3, 4, 5, TimeSpan.FromHours(2));
        config.Config.Capabilities = new ModelCapabilities { InputTypes = { "text" }, Languages = { "en" } };

        Assert.Equal(new[] { "$.modelfs.diffIds" }, config.Validate().Select(v => v.Path));

        config.ModelFs.DiffIds.Add(DiffId);
        Assert.Empty(config.Validate());
        Assert.Null(Record.Exception(() => config.ThrowIfInvalid("tiny")));
    }

    private static JsonObject Valid() => (JsonObject)JsonNode.Parse(
        "{\"descriptor\":{\"name\":\"xyz\",\"createdAt\":\"2025-01-01T00:00:00Z\",\"authors\":[\"a\"],\"licenses\":[\"MIT\"]}," +
        "\"config\":{\"paramSize\":\"8b\",\"capabilities\":{\"inputTypes\":[\"text\"],\"outputTypes\":[\"text\"],\"languages\":[\"en\"],\"reasoning\":true}}," +
        "\"modelfs\":{\"type\":\"layers\",\"diffIds\":[\"" + DiffId + "\"]}}")!;

    private static byte[] Bytes(JsonNode node) => Encoding.UTF8.GetBytes(node.ToJsonString());

    /// <summary>Sets (or with null JSON removes) the property at a dotted path, creating objects on the way.</summary>
    private static void Set(JsonObject root, string dottedPath, string? json)
    {
        var names = dottedPath.Split('.');
        var parent = root;
        foreach (var name in names.Take(names.Length - 1))
        {
            if (parent[name] is not JsonObject child)
            {
                child = new JsonObject();
                parent[name] = child;
            }

            parent = child;
        }

        if (json is null)
        {
            parent.Remove(names[^1]);
        }
        else
        {
            parent[names[^1]] = JsonNode.Parse(json);
        }
    }

    private static Dictionary<string, (string Config, bool Valid)> VectorsByDescription()
    {
        using var doc = JsonDocument.Parse(SpecData.Bytes("config-vectors.json"));
        var map = new Dictionary<string, (string, bool)>();
        foreach (var c in doc.RootElement.GetProperty("cases").EnumerateArray())
        {
            map.Add(c.GetProperty("description").GetString()!, (c.GetProperty("config").GetString()!, c.GetProperty("valid").GetBoolean()));
        }

        return map;
    }
}
