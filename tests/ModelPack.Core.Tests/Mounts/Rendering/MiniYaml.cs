using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Text;

namespace ModelPack.Core.Tests.Mounts.Rendering;

/// <summary>
/// Reads back the block-style YAML subset the Kubernetes rendering writes: nested mappings, sequences of
/// mappings ("- key: value"), double-quoted scalars with YAML escapes, true/false, plain scalars, and '#'
/// comment lines. Anything else (tabs, flow style, odd indentation) fails loudly, so a rendering that
/// drifts from valid, unambiguous YAML fails the tests.
/// </summary>
internal static class MiniYaml
{
    private static readonly System.Buffers.SearchValues<char> Indicators = System.Buffers.SearchValues.Create("#{['&*!|>");

    public static object Parse(string text)
    {
        var lines = text.Replace("\r\n", "\n", StringComparison.Ordinal).Split('\n')
            .Select((l, i) => (Number: i + 1, Text: l))
            .Where(l => l.Text.Trim().Length > 0 && !l.Text.TrimStart().StartsWith('#'))
            .Select(l =>
            {
                if (l.Text.Contains('\t', StringComparison.Ordinal))
                {
                    throw new FormatException($"line {l.Number}: tab in indentation or value");
                }

                var indent = l.Text.Length - l.Text.TrimStart(' ').Length;
                return new Line(l.Number, indent, l.Text.Substring(indent));
            })
            .ToList();
        var position = 0;
        var result = ParseBlock(lines, ref position, lines.Count == 0 ? 0 : lines[0].Indent);
        if (position != lines.Count)
        {
            throw new FormatException($"line {lines[position].Number}: unexpected indentation");
        }

        return result;
    }

    private static object ParseBlock(List<Line> lines, ref int position, int indent)
    {
        if (lines[position].Content.StartsWith("- ", StringComparison.Ordinal))
        {
            var list = new List<object>();
            while (position < lines.Count && lines[position].Indent == indent && lines[position].Content.StartsWith("- ", StringComparison.Ordinal))
            {
                // "- key: value" starts a mapping whose other keys are indented to align with "key".
                var line = lines[position];
                lines[position] = new Line(line.Number, indent + 2, line.Content.Substring(2));
                list.Add(ParseBlock(lines, ref position, indent + 2));
            }

            return list;
        }

        var map = new Dictionary<string, object>(StringComparer.Ordinal);
        while (position < lines.Count && lines[position].Indent == indent && !lines[position].Content.StartsWith("- ", StringComparison.Ordinal))
        {
            var line = lines[position];
            var colon = line.Content.IndexOf(':', StringComparison.Ordinal);
            if (colon <= 0)
            {
                throw new FormatException($"line {line.Number}: expected 'key: value'");
            }

            var key = line.Content.Substring(0, colon);
            if (map.ContainsKey(key))
            {
                throw new FormatException($"line {line.Number}: duplicate key '{key}'");
            }

            var rest = line.Content.Substring(colon + 1);
            position++;
            if (rest.Length == 0)
            {
                if (position >= lines.Count || lines[position].Indent < indent || (lines[position].Indent == indent && !lines[position].Content.StartsWith("- ", StringComparison.Ordinal)))
                {
                    throw new FormatException($"line {line.Number}: '{key}' has no value");
                }

                map[key] = ParseBlock(lines, ref position, lines[position].Indent);
            }
            else if (rest[0] != ' ')
            {
                throw new FormatException($"line {line.Number}: expected a space after ':'");
            }
            else
            {
                map[key] = Scalar(rest.Substring(1), line.Number);
            }
        }

        return map;
    }

    private static object Scalar(string text, int number)
    {
        if (text.StartsWith('"'))
        {
            var builder = new StringBuilder();
            for (var i = 1; i < text.Length; i++)
            {
                var c = text[i];
                if (c == '"')
                {
                    if (i != text.Length - 1)
                    {
                        throw new FormatException($"line {number}: text after the closing quote");
                    }

                    return builder.ToString();
                }

                if (c != '\\')
                {
                    builder.Append(c);
                    continue;
                }

                var e = text[++i];
                switch (e)
                {
                    case '"': builder.Append('"'); break;
                    case '\\': builder.Append('\\'); break;
                    case 'n': builder.Append('\n'); break;
                    case 't': builder.Append('\t'); break;
                    case 'r': builder.Append('\r'); break;
                    case 'u':
                        builder.Append((char)int.Parse(text.AsSpan(i + 1, 4), NumberStyles.HexNumber, CultureInfo.InvariantCulture));
                        i += 4;
                        break;
                    default: throw new FormatException($"line {number}: unknown escape \\{e}");
                }
            }

            throw new FormatException($"line {number}: unterminated string");
        }

        if (text.AsSpan().IndexOfAny(Indicators) >= 0 || text.Contains(": ", StringComparison.Ordinal))
        {
            throw new FormatException($"line {number}: plain scalar '{text}' would be ambiguous");
        }

        return text switch
        {
            "true" => true,
            "false" => false,
            _ => text,
        };
    }

    private readonly record struct Line(int Number, int Indent, string Content);
}
