using System;
using System.Collections.Generic;

namespace ModelPack.Core.Spec;

/// <summary>Maps the twenty ModelPack layer media types to and from (kind, packing).</summary>
public static class LayerMediaType
{
    private static readonly (LayerKind Kind, string Token)[] Kinds =
    {
        (LayerKind.Weight, "weight"),
        (LayerKind.WeightConfig, "weight.config"),
        (LayerKind.Doc, "doc"),
        (LayerKind.Code, "code"),
        (LayerKind.Dataset, "dataset"),
    };

    private static readonly (LayerPacking Packing, string Suffix)[] Packings =
    {
        (LayerPacking.Raw, "raw"),
        (LayerPacking.Tar, "tar"),
        (LayerPacking.TarGzip, "tar+gzip"),
        (LayerPacking.TarZstd, "tar+zstd"),
    };

    private static readonly Dictionary<string, (LayerKind, LayerPacking)> ByMediaType = Build();

    /// <summary>Every ModelPack layer media type.</summary>
    public static IEnumerable<string> All => ByMediaType.Keys;

    public static string Format(LayerKind kind, LayerPacking packing)
    {
        string? token = null;
        foreach (var k in Kinds)
        {
            if (k.Kind == kind)
            {
                token = k.Token;
            }
        }

        string? suffix = null;
        foreach (var p in Packings)
        {
            if (p.Packing == packing)
            {
                suffix = p.Suffix;
            }
        }

        if (token is null || suffix is null)
        {
            throw new ArgumentOutOfRangeException(nameof(kind), $"No ModelPack media type for {kind}/{packing}.");
        }

        return $"{MediaTypes.ModelLayerPrefix}{token}.v1.{suffix}";
    }

    public static bool TryParse(string? mediaType, out LayerKind kind, out LayerPacking packing)
    {
        if (mediaType is not null && ByMediaType.TryGetValue(mediaType, out var found))
        {
            (kind, packing) = found;
            return true;
        }

        kind = default;
        packing = default;
        return false;
    }

    public static bool IsModelLayer(string? mediaType) => TryParse(mediaType, out _, out _);

    private static Dictionary<string, (LayerKind, LayerPacking)> Build()
    {
        var map = new Dictionary<string, (LayerKind, LayerPacking)>(StringComparer.Ordinal);
        foreach (var k in Kinds)
        {
            foreach (var p in Packings)
            {
                map[$"{MediaTypes.ModelLayerPrefix}{k.Token}.v1.{p.Suffix}"] = (k.Kind, p.Packing);
            }
        }

        return map;
    }
}
