using ModelPack.Core.Errors;
using ModelPack.Core.Spec;

namespace ModelPack.Core.Mounts;

/// <summary>The characters a value inside a <c>--mount</c> option (or a quadlet <c>Mount=</c> line) cannot carry.</summary>
internal static class MountText
{
    /// <summary>
    /// UnmountablePath when <paramref name="value"/> holds ',', '=', '"' or a control character: podman and docker
    /// split the option on ',' and '=' and read it as CSV, so the value would change the mount.
    /// </summary>
    public static void RequireOptionValue(string value, string reference)
    {
        foreach (var c in value)
        {
            if (c == ',' || c == '=' || c == '"' || char.IsControl(c))
            {
                throw new ModelPackException(
                    ErrorIds.UnmountablePath,
                    ErrorKind.InvalidOperation,
                    $"The path {DisplayText.Quote(value)} of '{reference}' contains {(char.IsControl(c) ? "a control character" : $"'{c}'")}, which a --mount option cannot carry. Use -Strategy HttpBind, which bind-mounts the whole model directory.",
                    value);
            }
        }
    }
}
