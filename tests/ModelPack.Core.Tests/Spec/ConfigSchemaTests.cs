using System;
using System.Text.Json;
using ModelPack.Core.Spec;
using ModelPack.Core.Tests.Support;

namespace ModelPack.Core.Tests.Spec;

/// <summary>The schema evaluation implements what the spec's config schema uses, and refuses a schema that uses more.</summary>
public class ConfigSchemaTests
{
    [Fact]
    public void The_spec_schema_uses_only_what_the_evaluation_implements()
    {
        using var schema = JsonDocument.Parse(SpecData.Bytes("config-schema.json"));

        Assert.Null(Record.Exception(() => ConfigSchema.EnsureImplemented(schema.RootElement)));
    }

    [Theory]
    [InlineData("{\"anyOf\":[{\"type\":\"string\"}]}", "the keyword 'anyOf' at #/anyOf")]
    [InlineData("{\"properties\":{\"a\":{\"oneOf\":[]}}}", "the keyword 'oneOf' at #/properties/a/oneOf")]
    [InlineData("{\"$defs\":{\"d\":{\"items\":{\"const\":1}}}}", "the keyword 'const' at #/$defs/d/items/const")]
    [InlineData("{\"additionalProperties\":{\"maxLength\":3}}", "the keyword 'maxLength' at #/additionalProperties/maxLength")]
    [InlineData("{\"$ref\":\"https://example.com/s.json\"}", "a reference outside this document at #/$ref")]
    [InlineData("{\"format\":\"uri\"}", "the format 'uri' at #/format")]
    [InlineData("{\"enum\":[\"a\",1]}", "an enum value that is not a string at #/enum")]
    [InlineData("[]", "a schema that is not an object or a boolean at #")]
    public void A_schema_using_anything_else_is_refused_naming_what_and_where(string schema, string says)
    {
        using var doc = JsonDocument.Parse(schema);

        var ex = Assert.Throws<InvalidOperationException>(() => ConfigSchema.EnsureImplemented(doc.RootElement));

        Assert.Contains(says, ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void The_embedded_copy_is_the_spec_data_copy()
    {
        using var stream = typeof(ConfigSchema).Assembly.GetManifestResourceStream("ModelPack.Core.Spec.config-schema.json")!;
        using var embedded = JsonDocument.Parse(stream);
        using var spec = JsonDocument.Parse(SpecData.Bytes("config-schema.json"));

        Assert.Equal(spec.RootElement.GetRawText(), embedded.RootElement.GetRawText());
    }
}
