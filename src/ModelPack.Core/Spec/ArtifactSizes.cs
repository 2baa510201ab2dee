using System.Collections.Generic;
using System.Globalization;
using System.Text.Json;

namespace ModelPack.Core.Spec;

/// <summary>
/// The sizes a manifest's config and layer descriptors declare must add up, with the manifest's own bytes,
/// without overflowing a 64-bit count: a registry can claim a layer of 2^63-1 bytes, and the total is what
/// listings report and what a pull must find room for.
/// </summary>
internal static class ArtifactSizes
{
    /// <summary>Adds <paramref name="size"/> to <paramref name="total"/>; false (total unchanged) when it is negative or the sum would overflow.</summary>
    public static bool TryAdd(ref long total, long size)
    {
        if (size < 0 || total > long.MaxValue - size)
        {
            return false;
        }

        total += size;
        return true;
    }

    /// <summary>
    /// Reports, located by path, the config or layer size at which the running total of the manifest's declared
    /// sizes (starting at <paramref name="manifestBytes"/>) overflows a 64-bit count. Negative sizes are skipped
    /// here: the validator reports them with the other descriptor rules.
    /// </summary>
    public static void Check(JsonElement root, long manifestBytes, List<SpecViolation> violations)
    {
        var total = manifestBytes;
        var overflowed = false;
        void Add(JsonElement descriptor, string path)
        {
            if (overflowed || JsonText.Int64(descriptor, "size") is not long size || size < 0 || TryAdd(ref total, size))
            {
                return;
            }

            overflowed = true;
            violations.Add(new SpecViolation(
                JsonPath.Property(path, "size"),
                $"is {size.ToString(CultureInfo.InvariantCulture)} bytes, which brings the artifact's total past {long.MaxValue.ToString(CultureInfo.InvariantCulture)} bytes (2^63-1): no store or registry holds that much, so the sizes are false"));
        }

        if (JsonText.Object(root, "config") is JsonElement config)
        {
            Add(config, JsonPath.Property(JsonPath.Root, "config"));
        }

        if (root.TryGetProperty("layers", out var layers) && layers.ValueKind == JsonValueKind.Array)
        {
            var index = 0;
            foreach (var layer in layers.EnumerateArray())
            {
                Add(layer, JsonPath.Index(JsonPath.Property(JsonPath.Root, "layers"), index++));
            }
        }
    }
}
