using System;
using System.Collections.Generic;
using System.Text.Json;

namespace ModelPack.Core.Spec;

/// <summary>
/// Checks a config blob against the ModelPack config JSON schema (<see cref="ConfigSchema"/>), on the
/// raw JSON so every wrong type is reported where it is. Two checks go beyond the schema: diffIds
/// must be well-formed digests, and no object may repeat a property name.
/// </summary>
public static class ConfigValidator
{
    /// <summary>Every violation found, each located by a JSON path; empty when the config conforms.</summary>
    public static IReadOnlyList<SpecViolation> Validate(byte[] configJson)
    {
        if (configJson is null)
        {
            throw new ArgumentNullException(nameof(configJson));
        }

        if (JsonText.ParseForValidation(configJson, out var unreadable) is not JsonDocument doc)
        {
            return new[] { unreadable! };
        }

        using (doc)
        {
            var violations = new List<SpecViolation>();
            JsonPath.ReportDuplicateKeys(doc.RootElement, JsonPath.Root, violations);
            ConfigSchema.Validate(doc.RootElement, violations);
            ReportMalformedDiffIds(doc.RootElement, violations);
            return violations;
        }
    }

    // Stricter than the schema, which only asks for strings: a diffId that is not a well-formed digest can
    // never match a layer, so it is reported here rather than when the layers are checked. Every valid
    // vector in shared/spec/config-vectors.json uses well-formed sha256 digests.
    private static void ReportMalformedDiffIds(JsonElement root, List<SpecViolation> violations)
    {
        if (root.ValueKind != JsonValueKind.Object || !root.TryGetProperty("modelfs", out var modelfs) ||
            modelfs.ValueKind != JsonValueKind.Object || !modelfs.TryGetProperty("diffIds", out var diffIds) ||
            diffIds.ValueKind != JsonValueKind.Array)
        {
            return;
        }

        var index = 0;
        foreach (var item in diffIds.EnumerateArray())
        {
            if (item.ValueKind == JsonValueKind.String && !Digest.TryParse(item.GetString()!, out _, out var error))
            {
                violations.Add(new SpecViolation(JsonPath.Index(JsonPath.Property(JsonPath.Property(JsonPath.Root, "modelfs"), "diffIds"), index), "is not a well-formed digest: " + error));
            }

            index++;
        }
    }
}
