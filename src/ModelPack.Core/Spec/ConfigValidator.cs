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
            ConfigSchema.Root.Validate(doc.RootElement, JsonPath.Root, violations);
            return violations;
        }
    }
}
