using System.Text;
using ModelPack.Core.Errors;
using ModelPack.Core.Spec;

namespace ModelPack.Core.Mounts;

/// <summary>
/// Writes one <c>key=value</c> field of a <c>--mount</c> option. podman (4.3 and 5.x), docker (20.10 and 28) and
/// quadlet read the option as one CSV record, so a value with ',' or '"' is written as a quoted field,
/// <c>"src=/a,b ""c"""</c>, with inner quotes doubled; the engines split each field at its first '=', so '=' in
/// a value needs nothing. Control characters cannot be carried at all (UnmountablePath).
/// </summary>
internal static class MountText
{
    public static string Field(string key, string value, string reference)
    {
        foreach (var c in value)
        {
            if (char.IsControl(c))
            {
                throw MountErrors.ControlCharacterInMount(value, reference);
            }
        }

        var field = key + "=" + value;
        if (field.IndexOf(',') < 0 && field.IndexOf('"') < 0)
        {
            return field;
        }

        return new StringBuilder(field.Length + 4).Append('"').Append(field.Replace("\"", "\"\"")).Append('"').ToString();
    }
}
