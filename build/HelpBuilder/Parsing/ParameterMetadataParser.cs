using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Text.RegularExpressions;
using ModelPack.HelpBuilder.Markdown;
using ModelPack.HelpBuilder.Model;

namespace ModelPack.HelpBuilder.Parsing;

/// <summary>Reads the <c>```yaml</c> block under a parameter (flat "Key: value" lines, PlatyPS schema 2.0.0).</summary>
internal static partial class ParameterMetadataParser
{
    private static readonly string[] KnownKeys =
    [
        "Type", "Parameter Sets", "Aliases", "Accepted values", "Applicable", "Required", "Position",
        "Default value", "Accept pipeline input", "Accept wildcard characters",
    ];

    public static ParameterMetadata? Parse(string filePath, string parameterName, CodeBlock yaml, DiagnosticBag diagnostics)
    {
        var values = new Dictionary<string, (string Value, int Line)>(StringComparer.Ordinal);
        var errorsBefore = diagnostics.Items.Count;
        for (var i = 0; i < yaml.Lines.Count; i++)
        {
            var line = yaml.Lines[i];
            var lineNumber = yaml.Line + 1 + i;
            if (line.Trim().Length == 0 || line.TrimStart().StartsWith('#'))
            {
                continue;
            }

            var colon = line.IndexOf(':', StringComparison.Ordinal);
            var key = colon > 0 ? KnownKeys.FirstOrDefault(k => Normalize(k) == Normalize(line[..colon])) : null;
            if (key is null)
            {
                diagnostics.Add(filePath, lineNumber, $"parameter -{parameterName}: '{line.Trim()}' is not one of the metadata keys ({string.Join(", ", KnownKeys)}) followed by ':'.");
                continue;
            }

            if (values.ContainsKey(key))
            {
                diagnostics.Add(filePath, lineNumber, $"parameter -{parameterName}: '{key}' is given twice in one yaml block.");
                continue;
            }

            var value = line[(colon + 1)..].Trim();
            if (value.Length >= 2 && (value[0] == '"' || value[0] == '\'') && value[^1] == value[0])
            {
                value = value[1..^1];
            }

            values[key] = (value, lineNumber);
        }

        string Get(string key, string fallback) =>
            values.TryGetValue(key, out var v) && v.Value.Length > 0 ? v.Value : fallback;
        int LineOf(string key) => values.TryGetValue(key, out var v) ? v.Line : yaml.Line;

        bool ParseBool(string key)
        {
            var text = Get(key, "false");
            if (bool.TryParse(text, out var result))
            {
                return result;
            }

            diagnostics.Add(filePath, LineOf(key), $"parameter -{parameterName}: '{key}: {text}' must be true or false.");
            return false;
        }

        int? position = null;
        var positionText = Get("Position", "Named");
        if (!positionText.Equals("named", StringComparison.OrdinalIgnoreCase))
        {
            if (int.TryParse(positionText, NumberStyles.None, CultureInfo.InvariantCulture, out var p))
            {
                position = p;
            }
            else
            {
                diagnostics.Add(filePath, LineOf("Position"), $"parameter -{parameterName}: 'Position: {positionText}' must be Named or a number from 0.");
            }
        }

        var pipelineInput = ParsePipelineInput(Get("Accept pipeline input", "False"), out var pipelineError);
        if (pipelineError is not null)
        {
            diagnostics.Add(filePath, LineOf("Accept pipeline input"), $"parameter -{parameterName}: {pipelineError}");
        }

        var sets = List(Get("Parameter Sets", "(All)"));
        if (sets.Count == 1 && sets[0].Equals("(All)", StringComparison.OrdinalIgnoreCase))
        {
            sets = [];
        }

        var aliases = List(Get("Aliases", "None"));
        if (aliases.Count == 1 && aliases[0].Equals("None", StringComparison.OrdinalIgnoreCase))
        {
            aliases = [];
        }

        var metadata = new ParameterMetadata
        {
            Type = Get("Type", "Object"),
            ParameterSets = sets,
            Aliases = aliases,
            AcceptedValues = List(Get("Accepted values", string.Empty)),
            Required = ParseBool("Required"),
            Position = position,
            DefaultValue = Get("Default value", "None"),
            PipelineInput = pipelineInput,
            Globbing = ParseBool("Accept wildcard characters"),
            Line = yaml.Line,
            ParameterSetsLine = LineOf("Parameter Sets"),
        };

        return diagnostics.Items.Count == errorsBefore ? metadata : null;
    }

    private static PipelineInputKinds ParsePipelineInput(string text, out string? error)
    {
        error = null;
        var match = PipelineInputPattern().Match(text);
        if (!match.Success)
        {
            error = $"'Accept pipeline input: {text}' must be False or True (ByValue), True (ByPropertyName), True (ByValue, ByPropertyName).";
            return PipelineInputKinds.None;
        }

        var accepted = match.Groups["flag"].Value.Equals("true", StringComparison.OrdinalIgnoreCase);
        var kindsGroup = match.Groups["kinds"];
        if (!accepted)
        {
            if (kindsGroup.Success && kindsGroup.Value.Trim().Length > 0)
            {
                error = $"'Accept pipeline input: {text}' says False but names how it binds; write True ({kindsGroup.Value.Trim()}) or False.";
            }

            return PipelineInputKinds.None;
        }

        if (!kindsGroup.Success || kindsGroup.Value.Trim().Length == 0)
        {
            error = $"'Accept pipeline input: {text}' must say how it binds: True (ByValue), True (ByPropertyName) or True (ByValue, ByPropertyName).";
            return PipelineInputKinds.None;
        }

        var kinds = PipelineInputKinds.None;
        foreach (var kind in List(kindsGroup.Value))
        {
            if (Enum.TryParse<PipelineInputKinds>(kind, ignoreCase: true, out var parsed) && parsed != PipelineInputKinds.None)
            {
                kinds |= parsed;
            }
            else
            {
                error = $"'Accept pipeline input: {text}': '{kind}' is not ByValue, ByPropertyName or FromRemainingArguments.";
            }
        }

        return kinds;
    }

    private static List<string> List(string text) =>
        text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).ToList();

    private static string Normalize(string key) => key.Replace(" ", string.Empty, StringComparison.Ordinal).Trim().ToUpperInvariant();

    [GeneratedRegex(@"^(?<flag>true|false)\s*(?:\((?<kinds>[^)]*)\))?$", RegexOptions.IgnoreCase)]
    private static partial Regex PipelineInputPattern();
}
