using System.Globalization;
using System.Text;

namespace ModelPack.Core.Mounts.Rendering;

/// <summary>
/// YAML scalars written by hand: every string double-quoted with YAML's escapes, so no value (a path with ':'
/// or '#', a reference, "true", "1.0") can be read back as another type or break the structure.
/// </summary>
internal static class YamlText
{
    public static string Quote(string value)
    {
        var builder = new StringBuilder(value.Length + 2).Append('"');
        foreach (var c in value)
        {
            switch (c)
            {
                case '"':
                    builder.Append("\\\"");
                    break;
                case '\\':
                    builder.Append("\\\\");
                    break;
                case '\n':
                    builder.Append("\\n");
                    break;
                case '\t':
                    builder.Append("\\t");
                    break;
                case '\r':
                    builder.Append("\\r");
                    break;
                default:
                    if (char.IsControl(c) || c == '\u0085' || c == '\u2028' || c == '\u2029' || c == '\uFEFF')
                    {
                        builder.Append("\\u").Append(((int)c).ToString("X4", CultureInfo.InvariantCulture));
                    }
                    else
                    {
                        builder.Append(c);
                    }

                    break;
            }
        }

        return builder.Append('"').ToString();
    }

    /// <summary>Text for a '#' comment: one line, control characters escaped.</summary>
    public static string Comment(string text) => Spec.DisplayText.EscapeControls(text);
}
