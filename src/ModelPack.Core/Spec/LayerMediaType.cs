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

    private static readonly Dictionary<string, (LayerKind, LayerPacking)> ByMediaType = Build(MediaTypes.ModelLayerPrefix);

    /// <summary>
    /// Layer types other producers wrote that name a kind: the twenty under the spec's earlier <c>vnd.cnai</c> prefix
    /// (renamed mid-2025), the earliest spec text's suffixless raw types (<c>…weight.v1</c>), and Docker Model Runner's
    /// <c>…weight.v1.gguf</c> / <c>…weight.v1.safetensors</c> (its own extension, "kept for read-compatibility").
    /// </summary>
    private static readonly Dictionary<string, (LayerKind, LayerPacking)> EarlierNames = BuildEarlier();

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

    /// <summary>Whether the media type is one of the current spec's twenty layer types.</summary>
    public static bool IsModelLayer(string? mediaType) => TryParse(mediaType, out _, out _);

    /// <summary>
    /// <see cref="TryParse"/>, also reading the layer types of earlier spec revisions and other producers
    /// (<see cref="IsEarlierName"/>): what a consumer can use, though <see cref="IsModelLayer"/> is false for them.
    /// </summary>
    public static bool TryRead(string? mediaType, out LayerKind kind, out LayerPacking packing)
    {
        if (TryParse(mediaType, out kind, out packing))
        {
            return true;
        }

        if (mediaType is not null && EarlierNames.TryGetValue(mediaType, out var found))
        {
            (kind, packing) = found;
            return true;
        }

        return false;
    }

    /// <summary>Whether the media type is a layer type <see cref="TryRead"/> reads but the current spec does not define.</summary>
    public static bool IsEarlierName(string? mediaType) => mediaType is not null && EarlierNames.ContainsKey(mediaType);

    private static Dictionary<string, (LayerKind, LayerPacking)> Build(string prefix)
    {
        var map = new Dictionary<string, (LayerKind, LayerPacking)>(StringComparer.Ordinal);
        foreach (var k in Kinds)
        {
            foreach (var p in Packings)
            {
                map[$"{prefix}{k.Token}.v1.{p.Suffix}"] = (k.Kind, p.Packing);
            }
        }

        return map;
    }

    private static Dictionary<string, (LayerKind, LayerPacking)> BuildEarlier()
    {
        var map = Build(MediaTypes.LegacyModelLayerPrefix);
        foreach (var k in Kinds)
        {
            map[$"{MediaTypes.LegacyModelLayerPrefix}{k.Token}.v1"] = (k.Kind, LayerPacking.Raw);
        }

        map[$"{MediaTypes.ModelLayerPrefix}weight.v1.gguf"] = (LayerKind.Weight, LayerPacking.Raw);
        map[$"{MediaTypes.ModelLayerPrefix}weight.v1.safetensors"] = (LayerKind.Weight, LayerPacking.Raw);
        return map;
    }
}
