using System.Collections.Generic;
using System.Globalization;
using System.Text;
using System.Text.Json;

namespace ModelPack.Core.Spec;

/// <summary>
/// Builds the JSON paths that locate a <see cref="SpecViolation"/>: <c>$.layers[2].digest</c>, and
/// bracket notation for names that are not identifiers (<c>annotations["org.cncf.model.filepath"]</c>).
/// </summary>
internal static class JsonPath
{
    public const string Root = "$";

    public static string Property(string parent, string name) =>
        IsIdentifier(name) ? parent + "." + name : parent + "[" + QuoteName(name) + "]";

    public static string Index(string parent, int index) =>
        parent + "[" + index.ToString(CultureInfo.InvariantCulture) + "]";

    /// <summary>
    /// Reports every object in <paramref name="element"/> that repeats a property name. JSON parsers
    /// disagree on which duplicate wins, so content with duplicates can mean different things to the
    /// tool that verified it and the tool that uses it.
    /// </summary>
    public static void ReportDuplicateKeys(JsonElement element, string path, List<SpecViolation> violations)
    {
        switch (element.ValueKind)
        {
            case JsonValueKind.Object:
                var seen = new HashSet<string>(System.StringComparer.Ordinal);
                foreach (var property in element.EnumerateObject())
                {
                    var childPath = Property(path, property.Name);
                    if (!seen.Add(property.Name))
                    {
                        violations.Add(new SpecViolation(childPath, "appears more than once in the same object; property names must be unique"));
                    }

                    ReportDuplicateKeys(property.Value, childPath, violations);
                }

                break;
            case JsonValueKind.Array:
                var i = 0;
                foreach (var item in element.EnumerateArray())
                {
                    ReportDuplicateKeys(item, Index(path, i++), violations);
                }

                break;
        }
    }

    private static bool IsIdentifier(string name)
    {
        if (name.Length == 0 || !(IsLetter(name[0]) || name[0] == '_'))
        {
            return false;
        }

        foreach (var c in name)
        {
            if (!(IsLetter(c) || (c >= '0' && c <= '9') || c == '_'))
            {
                return false;
            }
        }

        return true;
    }

    private static bool IsLetter(char c) => (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');

    private static string QuoteName(string name)
    {
        var builder = new StringBuilder("\"");
        foreach (var c in name)
        {
            switch (c)
            {
                case '"':
                    builder.Append("\\\"");
                    break;
                case '\\':
                    builder.Append("\\\\");
                    break;
                default:
                    if (char.IsControl(c) || (!char.IsSurrogate(c) && CharUnicodeInfo.GetUnicodeCategory(c) == UnicodeCategory.Format))
                    {
                        builder.Append("\\u").Append(((int)c).ToString("x4", CultureInfo.InvariantCulture));
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
}
