using System.Collections.Generic;
using System.Text.Json;
using ModelPack.Core.Tests.Support;

namespace ModelPack.Core.Tests.Spec;

/// <summary>Reads shared/spec/media-types.json, the spec's media types as data.</summary>
internal static class MediaTypeData
{
    public sealed record LayerType(string MediaType, string Kind, string Packing);

    public static JsonDocument Document() => JsonDocument.Parse(SpecData.Bytes("media-types.json"));

    public static List<LayerType> LayerMediaTypes()
    {
        using var doc = Document();
        var list = new List<LayerType>();
        foreach (var entry in doc.RootElement.GetProperty("layerMediaTypes").EnumerateArray())
        {
            list.Add(new LayerType(
                entry.GetProperty("mediaType").GetString()!,
                entry.GetProperty("kind").GetString()!,
                entry.GetProperty("packing").GetString()!));
        }

        return list;
    }

    public static string Text(string property)
    {
        using var doc = Document();
        return doc.RootElement.GetProperty(property).GetString()!;
    }

    public static Dictionary<string, string> Map(string property)
    {
        using var doc = Document();
        var map = new Dictionary<string, string>();
        foreach (var entry in doc.RootElement.GetProperty(property).EnumerateObject())
        {
            map[entry.Name] = entry.Value.GetString()!;
        }

        return map;
    }
}
