using System.Globalization;
using System.Text;
using System.Text.Json;

namespace ModelPack.Core.Spec;

/// <summary>Renders untrusted values for error messages: quoted, truncated, control characters escaped.</summary>
internal static class DisplayText
{
    private const int MaxShown = 120;

    /// <summary>The value in single quotes, so a hostile value cannot forge extra message lines.</summary>
    public static string Quote(string? value)
    {
        if (value is null)
        {
            return "(null)";
        }

        var builder = new StringBuilder("'");
        for (var i = 0; i < value.Length && i < MaxShown; i++)
        {
            var c = value[i];
            var paired = (char.IsHighSurrogate(c) && i + 1 < value.Length && char.IsLowSurrogate(value[i + 1])) ||
                         (char.IsLowSurrogate(c) && i > 0 && char.IsHighSurrogate(value[i - 1]));
            if (char.IsControl(c) || (char.IsSurrogate(c) && !paired))
            {
                builder.Append("\\u").Append(((int)c).ToString("X4", CultureInfo.InvariantCulture));
            }
            else
            {
                builder.Append(c);
            }
        }

        if (value.Length > MaxShown)
        {
            builder.Append("...");
        }

        return builder.Append('\'').ToString();
    }

    /// <summary>The text with control characters as \uXXXX, so it stays on one line.</summary>
    public static string EscapeControls(string text)
    {
        if (text is null)
        {
            return string.Empty;
        }

        StringBuilder? builder = null;
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if (char.IsControl(c))
            {
                builder ??= new StringBuilder(text, 0, i, text.Length + 8);
                builder.Append("\\u").Append(((int)c).ToString("X4", CultureInfo.InvariantCulture));
            }
            else
            {
                builder?.Append(c);
            }
        }

        return builder?.ToString() ?? text;
    }

    /// <summary>What a JSON value is, for "got ..." in messages: a quoted string, a number, or its kind.</summary>
    public static string Describe(JsonElement value) => value.ValueKind switch
    {
        JsonValueKind.String => "the string " + Quote(value.GetString()),
        JsonValueKind.Number => "the number " + Quote(value.GetRawText()).Trim('\''),
        JsonValueKind.True => "true",
        JsonValueKind.False => "false",
        JsonValueKind.Null => "null",
        JsonValueKind.Object => "an object",
        JsonValueKind.Array => "an array",
        _ => "nothing",
    };
}
