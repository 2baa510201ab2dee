using System.Globalization;
using System.Text;
using System.Text.Json;

namespace ModelPack.Core.Spec;

/// <summary>Renders untrusted values for error messages: quoted, truncated, control and format characters escaped.</summary>
internal static class DisplayText
{
    /// <summary>
    /// Whether the character at <paramref name="index"/> (a whole surrogate pair, when it starts one) is a Unicode
    /// format character (category Cf): bidi overrides and isolates (U+202A-U+202E, U+2066-U+2069), zero-width
    /// characters, the BOM, tags. They are invisible and make text display as something it is not.
    /// </summary>
    public static bool IsFormatCharacter(string text, int index)
    {
        var c = text[index];
        if (char.IsHighSurrogate(c))
        {
            return index + 1 < text.Length && char.IsLowSurrogate(text[index + 1]) &&
                CharUnicodeInfo.GetUnicodeCategory(text, index) == UnicodeCategory.Format;
        }

        return !char.IsSurrogate(c) && CharUnicodeInfo.GetUnicodeCategory(c) == UnicodeCategory.Format;
    }

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
            if (char.IsControl(c) || (char.IsSurrogate(c) && !paired) || (!char.IsSurrogate(c) && IsFormatCharacter(value, i)))
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

    /// <summary>The text with control and format characters as \uXXXX, so it stays on one line and shows what it is.</summary>
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
            if (char.IsControl(c) || (!char.IsSurrogate(c) && IsFormatCharacter(text, i)))
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
