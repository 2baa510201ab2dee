using System.Text.RegularExpressions;

namespace ModelPack.Core.Spec;

/// <summary>
/// The ModelPack config JSON schema (model-spec schema/config-schema.json, draft 2020-12) written
/// as data. Each entry mirrors the schema's keyword of the same name; keep the two in step.
/// </summary>
internal static class ConfigSchema
{
    private static readonly SchemaRule Text = new StringRule();

    private static readonly SchemaRule Texts = new ArrayRule(Text);

    private static readonly SchemaRule DateTime = new StringRule { DateTime = true };

    private static readonly SchemaRule Flag = new BooleanRule();

    private static readonly SchemaRule Modality = new StringRule { Enum = ModelCapabilities.Modalities };

    // "pattern": "^[a-z]{2}$". ECMA-262's $ is the end of the string; .NET's also matches before a
    // final '\n', hence \z.
    private static readonly SchemaRule LanguageCode = new StringRule
    {
        Pattern = "^[a-z]{2}$",
        PatternRegex = new Regex(@"^[a-z]{2}\z", RegexOptions.CultureInvariant),
    };

    // Stricter than the schema, which only asks for strings: a diffId that is not a well-formed digest
    // can never match a layer, so it is reported here rather than when the layers are checked. Every
    // valid vector in shared/spec/config-vectors.json uses well-formed sha256 digests.
    private static readonly SchemaRule DiffId = new StringRule
    {
        Extra = value => Spec.Digest.TryParse(value, out _, out var error) ? null : "is not a well-formed digest: " + error,
    };

    private static readonly SchemaRule Descriptor = new ObjectRule(
        ("createdAt", DateTime),
        ("authors", Texts),
        ("family", Text),
        ("name", new StringRule { MinLength = 1 }),
        ("docURL", Text),
        ("sourceURL", Text),
        ("datasetsURL", Texts),
        ("version", Text),
        ("revision", Text),
        ("vendor", Text),
        ("licenses", Texts),
        ("title", Text),
        ("description", Text));

    private static readonly SchemaRule Capabilities = new ObjectRule(
        ("inputTypes", new ArrayRule(Modality)),
        ("outputTypes", new ArrayRule(Modality)),
        ("knowledgeCutoff", DateTime),
        ("reasoning", Flag),
        ("toolUsage", Flag),
        ("reward", Flag),
        ("languages", new ArrayRule(LanguageCode)));

    private static readonly SchemaRule Config = new ObjectRule(
        ("architecture", Text),
        ("format", Text),
        ("paramSize", Text),
        ("precision", Text),
        ("quantization", Text),
        ("capabilities", Capabilities));

    private static readonly SchemaRule ModelFs = new ObjectRule(
        new[] { "type", "diffIds" },
        ("type", new StringRule { Enum = new[] { Spec.ModelFs.LayersType } }),
        ("diffIds", new ArrayRule(DiffId, minItems: 1)));

    /// <summary>The schema's root.</summary>
    public static readonly SchemaRule Root = new ObjectRule(
        new[] { "descriptor", "config", "modelfs" },
        ("descriptor", Descriptor),
        ("modelfs", ModelFs),
        ("config", Config));
}
